package s3cmd

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// MbOptions are `qcli s3 mb`'s inputs.
type MbOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	Quiet   func() bool

	Target     string
	ACL        string
	ObjectLock bool
}

var bucketACLs = []string{"private", "public-read", "public-read-write", "authenticated-read"}

// NewCmdMb builds `qcli s3 mb`.
func NewCmdMb(f *cmdutil.Factory, runF func(context.Context, *MbOptions) error) *cobra.Command {
	opts := &MbOptions{Client: f.Client, Printer: f.Printer, Quiet: func() bool { return f.Quiet }}
	cmd := &cobra.Command{
		Use:   "mb s3://bucket",
		Short: "Make a bucket",
		Long: `Make a bucket. The name is checked before any request: 3 to 63 lower-case
letters, digits, dots and hyphens, starting and ending with a letter or
digit, not shaped like an IP address.`,
		Args: cmdutil.ExactArgs(1, "one bucket URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if opts.ACL != "" && !slices.Contains(bucketACLs, opts.ACL) {
				return cmdutil.Usagef("invalid --acl %q: use one of %v", opts.ACL, bucketACLs)
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runMb)
		},
	}
	cmd.Flags().StringVar(&opts.ACL, "acl", "", "canned ACL: private, public-read, public-read-write or authenticated-read")
	cmd.Flags().BoolVar(&opts.ObjectLock, "object-lock", false, "enable Object Lock (only possible when the bucket is made)")
	return cmd
}

func runMb(ctx context.Context, opts *MbOptions) error {
	uri, err := parseBucketURI(opts.Target, "mb")
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	if err := c.CreateBucket(ctx, uri.Bucket, client.CreateBucketOptions{ACL: opts.ACL, ObjectLock: opts.ObjectLock}); err != nil {
		return err
	}
	return printAction(actionPrinter(opts.Printer(), opts.Quiet()), "make_bucket", uri.Bucket, "")
}
