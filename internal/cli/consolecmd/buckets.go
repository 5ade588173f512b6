package consolecmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdBuckets(f *cmdutil.Factory) *cobra.Command {
	return group("buckets", "List, create, inspect and remove buckets",
		NewCmdBucketsList(f, nil), NewCmdBucketsCreate(f, nil), NewCmdBucketsGet(f, nil), NewCmdBucketsRm(f, nil))
}

// BucketsOptions are the inputs of the `qcli console buckets` commands.
type BucketsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer

	Bucket  string // create, get, rm
	OwnerID int64  // create
	Region  string // create
}

func newBucketsOptions(f *cmdutil.Factory) *BucketsOptions {
	return &BucketsOptions{Client: f.ConsoleClient, Printer: f.Printer}
}

// bucketArg takes the bucket name, checked before any request.
func bucketArg(opts *BucketsOptions, args []string) error {
	opts.Bucket = args[0]
	return client.ValidateBucketName(opts.Bucket)
}

// NewCmdBucketsList builds `qcli console buckets list`.
func NewCmdBucketsList(f *cmdutil.Factory, runF func(context.Context, *BucketsOptions) error) *cobra.Command {
	opts := newBucketsOptions(f)
	return &cobra.Command{
		Use:   "list",
		Short: "List buckets with their owners, object counts and sizes",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runBucketsList)
		},
	}
}

func runBucketsList(ctx context.Context, opts *BucketsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	buckets, err := c.ListBuckets(ctx)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.BucketList{Buckets: nonNil(buckets)})
	}
	return printBucketList(p, buckets, false)
}

// printBucketList draws buckets as rows; under a record it is set apart by
// a blank line.
func printBucketList(p *output.Printer, buckets []console.Bucket, underRecord bool) error {
	if underRecord && len(buckets) > 0 {
		if err := p.Line(""); err != nil {
			return err
		}
	}
	rows := make([][]string, len(buckets))
	for i, b := range buckets {
		rows[i] = []string{b.Name, orDash(b.Owner), b.Region, fmt.Sprint(b.ObjectCount), size(b.TotalSize), when(b.CreatedAt)}
	}
	return printRows(p, []string{"Bucket", "Owner", "Region", "Objects", "Size", "Created"}, rows)
}

// NewCmdBucketsCreate builds `qcli console buckets create BUCKET`.
func NewCmdBucketsCreate(f *cmdutil.Factory, runF func(context.Context, *BucketsOptions) error) *cobra.Command {
	opts := newBucketsOptions(f)
	cmd := &cobra.Command{
		Use:   "create BUCKET --owner-id ID",
		Short: "Create a bucket owned by a credential",
		Long: `Create a bucket owned by the credential --owner-id (see credentials list).
The name is checked before any request: 3 to 63 lower-case letters, digits,
dots and hyphens, starting and ending with a letter or digit.`,
		Args: cmdutil.ExactArgs(1, "a bucket name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("owner-id") {
				return &cmdutil.FlagError{Err: fmt.Errorf("%s needs --owner-id, the id of the owning credential", cmd.CommandPath())}
			}
			if err := validateID(opts.OwnerID); err != nil {
				return err
			}
			if err := bucketArg(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runBucketsCreate)
		},
	}
	cmd.Flags().Int64Var(&opts.OwnerID, "owner-id", 0, "id of the credential that owns the bucket (required)")
	cmd.Flags().StringVar(&opts.Region, "region", "", "bucket region (default: the service's)")
	return cmd
}

func runBucketsCreate(ctx context.Context, opts *BucketsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	b, err := c.CreateBucket(ctx, console.CreateBucketInput{Name: opts.Bucket, OwnerID: opts.OwnerID, Region: opts.Region})
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(b)
	}
	return p.Line("make_bucket: %s", b.Name)
}

// NewCmdBucketsGet builds `qcli console buckets get BUCKET`.
func NewCmdBucketsGet(f *cmdutil.Factory, runF func(context.Context, *BucketsOptions) error) *cobra.Command {
	opts := newBucketsOptions(f)
	return &cobra.Command{
		Use:   "get BUCKET",
		Short: "Show a bucket and its objects",
		Args:  cmdutil.ExactArgs(1, "a bucket name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bucketArg(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runBucketsGet)
		},
	}
}

func runBucketsGet(ctx context.Context, opts *BucketsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	b, err := c.GetBucket(ctx, opts.Bucket)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		b.Objects = nonNil(b.Objects)
		return p.JSONIndented(b)
	}
	err = printFields(p, []field{
		{"name", b.Name}, {"owner", orDash(b.Owner)}, {"region", b.Region}, {"created_at", when(b.CreatedAt)},
		{"object_count", fmt.Sprint(b.ObjectCount)}, {"total_size", fmt.Sprintf("%s (%d bytes)", size(b.TotalSize), b.TotalSize)},
	})
	if err != nil {
		return err
	}
	return printObjectList(p, b.Objects, true)
}

// NewCmdBucketsRm builds `qcli console buckets rm BUCKET`.
func NewCmdBucketsRm(f *cmdutil.Factory, runF func(context.Context, *BucketsOptions) error) *cobra.Command {
	opts := newBucketsOptions(f)
	return &cobra.Command{
		Use:   "rm BUCKET",
		Short: "Remove an empty bucket",
		Long: `Remove an empty bucket. A bucket that still holds objects is refused; delete
them first (qcli console objects rm, or qcli s3 rb --force).`,
		Args: cmdutil.ExactArgs(1, "a bucket name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bucketArg(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runBucketsRm)
		},
	}
}

func runBucketsRm(ctx context.Context, opts *BucketsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	msg, err := c.DeleteBucket(ctx, opts.Bucket)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(msg)
	}
	return p.Line("remove_bucket: %s", opts.Bucket)
}
