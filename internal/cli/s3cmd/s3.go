// Package s3cmd holds the `qcli s3` commands. Each has an Options struct
// with its inputs and dependencies, a NewCmdX that only wires flags, and a
// runX that does the work, so tests drive runX with fake streams.
package s3cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/s3uri"
)

// groupName is the s3 group's command name, under the root command.
const groupName = "s3"

// NewCmdS3 is the `qcli s3` group.
func NewCmdS3(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   groupName,
		Short: "Work with buckets and objects",
		Long:  "Work with QStorage buckets and objects, with the AWS CLI's s3 commands and output.",
		Args:  cmdutil.NoArgs,
		RunE:  cmdutil.GroupRunE,
	}
	cmd.AddCommand(NewCmdLs(f, nil), NewCmdMb(f, nil), NewCmdRb(f, nil), NewCmdPresign(f, nil))
	cmd.AddCommand(NewCmdCp(f, nil), NewCmdMv(f, nil), NewCmdRm(f, nil), NewCmdSync(f, nil), NewCmdCat(f, nil), NewCmdStat(f, nil))
	cmd.AddCommand(NewCmdWebsite(f, nil))
	for _, c := range cmd.Commands() {
		markS3Errors(c)
	}
	return cmd
}

// markS3Errors makes c's errors those of an s3 command, so that a service
// error exits 1 as in `aws s3` (cmdutil.S3Error).
func markS3Errors(c *cobra.Command) {
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return &cmdutil.S3Error{Err: err}
		}
		return nil
	}
}

// clientFunc builds the client a command talks to.
type clientFunc func(context.Context) (*client.Client, error)

// parseBucketURI parses an argument that must name a bucket and nothing more.
func parseBucketURI(arg, command string) (s3uri.URI, error) {
	u, err := s3uri.Parse(arg)
	if err != nil {
		return u, err
	}
	if !u.IsBucket() {
		return u, cmdutil.Usagef("%s takes a bucket, not an object: use s3://%s", command, u.Bucket)
	}
	return u, nil
}
