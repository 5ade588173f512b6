package s3cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/s3uri"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// RmOptions are `qcli s3 rm`'s inputs.
type RmOptions struct {
	IO      *iostreams.IOStreams
	Manager managerFunc
	Printer func() *output.Printer
	Getenv  func(string) string
	Quiet   func() bool

	Target    string
	Recursive bool
	VersionID string // delete that version (for good), not the latest
	// BypassGovernance deletes a --version-id under GOVERNANCE retention,
	// for a user the service lets bypass it.
	BypassGovernance bool
	Transfer         transferFlags
}

const rmLong = `Delete an object, or with --recursive every object under a prefix.

Recursive deletes go 1,000 keys per DeleteObjects request while the
listing streams, so a prefix of millions of keys is never held in memory.
--exclude and --include select keys by their path below the prefix (the
last matching pattern wins); --dryrun prints what would be deleted.

  qcli s3 rm s3://bucket/old.txt
  qcli s3 rm s3://bucket/tmp/ --recursive --exclude "*" --include "*.tmp"

In a versioned bucket a delete adds a delete marker and keeps the versions;
--version-id deletes that one version for good (a delete marker's version
removes the marker; qcli s3 ls --versions lists them).

Object Lock: a version under retention or a legal hold cannot be deleted;
rm --version-id then names it and what protects it and exits 1 (a delete
without a version only adds a marker, which Object Lock allows).
--bypass-governance-retention, with --version-id, deletes a version under
GOVERNANCE retention for a user the service lets bypass it; nothing lifts
COMPLIANCE retention or a legal hold.

Output lines read "delete: s3://bucket/key" ("(version ID)" after it with
--version-id); --output json prints one JSON object per key and a summary
line. Exit status 1 if any key could not be deleted.`

// NewCmdRm builds `qcli s3 rm`.
func NewCmdRm(f *cmdutil.Factory, runF func(context.Context, *RmOptions) error) *cobra.Command {
	opts := &RmOptions{IO: f.IO, Manager: newManagerFunc(f), Printer: f.Printer, Getenv: f.Getenv, Quiet: func() bool { return f.Quiet }}
	cmd := &cobra.Command{
		Use:   "rm s3://bucket/key",
		Short: "Delete objects",
		Long:  rmLong,
		Args:  cmdutil.ExactArgs(1, "one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return cmdutil.Run(cmd.Context(), opts, runF, runRm)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Recursive, "recursive", false, "delete every object under the prefix")
	fl.StringVar(&opts.VersionID, "version-id", "", "delete that version of the object for good")
	fl.BoolVar(&opts.BypassGovernance, bypassFlag, false, "with --version-id: delete it even under GOVERNANCE retention (needs the permission to bypass it)")
	opts.Transfer.addFilters(fl)
	fl.BoolVar(&opts.Transfer.DryRun, "dryrun", false, "show what would be deleted, delete nothing")
	opts.Transfer.addListing(fl)
	fl.BoolVar(&opts.Transfer.OnlyShowErrors, "only-show-errors", false, "print only errors")
	opts.Transfer.Progress, opts.Transfer.Concurrency, opts.Transfer.PartSize, opts.Transfer.Threshold = "none", transfer.DefaultConcurrency, "8MiB", "8MiB"
	return cmd
}

func runRm(ctx context.Context, opts *RmOptions) error {
	u, err := s3uri.Parse(opts.Target)
	if err != nil {
		return err
	}
	switch {
	case opts.VersionID != "" && (opts.Recursive || u.Key == ""):
		return cmdutil.Usagef("--version-id names a version of one object: give its key, without --recursive")
	case u.Key == "" && !opts.Recursive:
		return cmdutil.Usagef("rm of a whole bucket needs --recursive")
	case opts.BypassGovernance && opts.VersionID == "":
		return cmdutil.Usagef("--%s applies to deleting a version: add --version-id (a delete without one only adds a delete marker, which Object Lock allows)", bypassFlag)
	}
	shard, err := opts.Transfer.listing(opts.Getenv, opts.Recursive)
	if err != nil {
		return err
	}
	topts, err := opts.Transfer.options(opts.Getenv, "")
	if err != nil {
		return err
	}
	rep, err := newReporter(opts.IO, opts.Printer(), opts.Quiet(), &opts.Transfer, false, shard)
	if err != nil {
		return err
	}
	topts.Progress = rep.event
	m, err := opts.Manager(ctx, topts)
	if err != nil {
		return err
	}
	if !opts.Recursive {
		rep.single, rep.sourceVersion = true, opts.VersionID
		return rmOne(ctx, m, rep, u, opts.VersionID, opts.BypassGovernance, opts.Transfer.DryRun)
	}
	loc := location{s3: true, uri: u}
	sum, err := m.DeleteTree(ctx, loc.tree(), transfer.TreeOptions{Filter: filter.New(opts.Transfer.Rules...), DryRun: opts.Transfer.DryRun, Shard: shard})
	return rep.finish(ctx, sum, err)
}

// rmOne deletes a single key (or one version of it) with DeleteObject; a
// version Object Lock keeps is named with what protects it.
func rmOne(ctx context.Context, m *transfer.Manager, rep *reporter, u s3uri.URI, versionID string, bypass, dryRun bool) error {
	res := &transfer.Result{Op: transfer.OpDelete, Source: u.String(), VersionID: versionID, DryRun: dryRun}
	if !dryRun {
		c := m.Client()
		if err := c.DeleteObject(ctx, u.Bucket, u.Key, versionID, deleteOptions(bypass)...); err != nil {
			rep.finish(ctx, transfer.Summary{Failed: 1}, nil)
			return transferError(lockedDeleteError(ctx, c, u.Bucket, client.ObjectID{Key: u.Key, VersionID: versionID}, err, bypass))
		}
	}
	rep.done(transfer.Event{Type: transfer.Done, Op: transfer.OpDelete, Result: res})
	return rep.finish(ctx, transfer.Summary{Done: 1}, nil)
}
