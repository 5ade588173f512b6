package s3cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/s3uri"
	"github.com/quilibrium/qcli/transfer"
)

// CatOptions are `qcli s3 cat`'s inputs.
type CatOptions struct {
	IO      *iostreams.IOStreams
	Manager managerFunc
	Getenv  func(string) string

	Target    string
	Transfer  transferFlags
	SSECKey   string
	VersionID string
}

// NewCmdCat builds `qcli s3 cat`.
func NewCmdCat(f *cmdutil.Factory, runF func(context.Context, *CatOptions) error) *cobra.Command {
	opts := &CatOptions{IO: f.IO, Manager: newManagerFunc(f), Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "cat s3://bucket/key",
		Short: "Write an object to stdout",
		Long: `Write an object to stdout. A large object is read in parallel ranges and
written in order, within --concurrency x --part-size of memory; its bytes
are verified against the ETag, and a mismatch fails the command (exit 1)
after the fact.`,
		Args: cmdutil.ExactArgs(1, "one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return cmdutil.Run(cmd.Context(), opts, runF, runCat)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Transfer.Concurrency, "concurrency", transfer.DefaultConcurrency, "ranges in flight at once")
	fl.StringVar(&opts.Transfer.PartSize, "part-size", "8MiB", "range size")
	fl.StringVar(&opts.Transfer.Threshold, "multipart-threshold", "8MiB", "objects this large or larger are read in parallel ranges")
	fl.StringVar(&opts.SSECKey, "sse-c-key", "", "SSE-C key the object was written with: 32 bytes, raw or base64, or @file")
	fl.StringVar(&opts.VersionID, "version-id", "", "write that version of the object, not the latest")
	return cmd
}

func runCat(ctx context.Context, opts *CatOptions) error {
	u, err := s3uri.Parse(opts.Target)
	if err != nil {
		return err
	}
	if u.Key == "" {
		return cmdutil.Usagef("cat needs an object, not a bucket")
	}
	var key []byte
	if opts.SSECKey != "" {
		if key, err = customerKey("sse-c-key", "", opts.SSECKey); err != nil {
			return err
		}
	}
	topts, err := opts.Transfer.options(opts.Getenv, "")
	if err != nil {
		return err
	}
	m, err := opts.Manager(ctx, topts)
	if err != nil {
		return err
	}
	_, err = m.Download(ctx, transfer.DownloadInput{Bucket: u.Bucket, Key: u.Key, VersionID: opts.VersionID, CustomerKey: key}, opts.IO.Out)
	if err != nil && ctx.Err() == nil {
		return transferError(err)
	}
	return err
}
