package s3cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/transfer/filter"
)

// SyncOptions are `qcli s3 sync`'s inputs.
type SyncOptions struct {
	CpOptions
	Delete          bool
	SizeOnly        bool
	ExactTimestamps bool
}

const syncLong = `Make DEST hold what SOURCE holds: local to S3, S3 to local, or S3 to S3.

Both sides are read as sorted listings and walked side by side, so a sync
of millions of files holds neither listing in memory and sends no HEAD
per object. A file or object is copied when DEST lacks it, or when

  (default)           the sizes differ, or SOURCE's modification time is
                      newer than DEST's (to the second): same-size edits
                      are not missed;
  --size-only         the sizes differ;
  --exact-timestamps  the sizes differ or the times differ at all (useful
                      from S3 to local, where downloads take the object's
                      time).

--delete removes from DEST what SOURCE does not have; files excluded by
--exclude/--include are never deleted. --dryrun shows what would happen.

  qcli s3 sync ./site s3://bucket/site --delete
  qcli s3 sync s3://bucket/backups ./backups --exclude "*.tmp"

Output lines, --output json and exit status are cp's.`

// NewCmdSync builds `qcli s3 sync`.
func NewCmdSync(f *cmdutil.Factory, runF func(context.Context, *SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{CpOptions: *newCpOptions(f)}
	cmd := &cobra.Command{
		Use:   "sync SOURCE DEST",
		Short: "Synchronise directories and prefixes",
		Long:  syncLong,
		Args:  opts.Attrs.args(cmdutil.ExactArgs(2, "a source and a destination")),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Src, opts.Dst = args[0], args[1]
			return cmdutil.Run(cmd.Context(), opts, runF, runSync)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Delete, "delete", false, "delete what DEST has and SOURCE does not")
	fl.BoolVar(&opts.SizeOnly, "size-only", false, "compare sizes only")
	fl.BoolVar(&opts.ExactTimestamps, "exact-timestamps", false, "copy same-size files unless their times match exactly")
	fl.BoolVar(&opts.NoOverwrite, "no-overwrite", false, "never replace existing destination files and objects")
	opts.Transfer.add(fl, true)
	opts.Attrs.add(fl)
	cmd.MarkFlagsMutuallyExclusive("size-only", "exact-timestamps")
	return cmd
}

func runSync(ctx context.Context, opts *SyncOptions) error {
	opts.Recursive = true
	src, err := parseLocation(opts.Src)
	if err != nil {
		return err
	}
	dst, err := parseLocation(opts.Dst)
	if err != nil {
		return err
	}
	if src.stdio || dst.stdio || (!src.s3 && !dst.s3) {
		return cmdutil.Usagef("sync needs a directory or S3 prefix on each side, at least one in S3")
	}
	if !src.s3 {
		if err := src.checkLocalDir(); err != nil {
			return err
		}
	}
	j, err := newCpJob(ctx, &opts.CpOptions)
	if err != nil {
		return err
	}
	j.tree.Delete, j.tree.SizeOnly, j.tree.ExactTimestamps = opts.Delete, opts.SizeOnly, opts.ExactTimestamps
	j.tree.Filter = filter.New(opts.Transfer.Rules...)
	sum, err := j.m.Sync(ctx, src.tree(), dst.tree(), j.tree)
	return j.rep.finish(ctx, sum, err)
}
