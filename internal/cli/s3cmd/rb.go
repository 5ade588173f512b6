package s3cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// RbOptions are `qcli s3 rb`'s inputs.
type RbOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	ErrOut  io.Writer
	Quiet   func() bool

	Target   string
	Force    bool
	PageSize int32
	// BypassGovernance deletes versions under GOVERNANCE retention (with
	// --force), for a user the service lets bypass it.
	BypassGovernance bool
}

// NewCmdRb builds `qcli s3 rb`.
func NewCmdRb(f *cmdutil.Factory, runF func(context.Context, *RbOptions) error) *cobra.Command {
	opts := &RbOptions{Client: f.Client, Printer: f.Printer, ErrOut: f.IO.ErrOut, Quiet: func() bool { return f.Quiet }}
	cmd := &cobra.Command{
		Use:   "rb s3://bucket",
		Short: "Remove a bucket",
		Long: `Remove an empty bucket. With --force, first delete every object (1,000 per
request) and abort every open multipart upload; in a bucket that is or was
versioned, every version and delete marker.

In a bucket with Object Lock, --force first looks for a version that a
retention or a legal hold protects (one HEAD per version, until it finds
one): if there is one, it names it and what protects it, deletes nothing,
leaves the bucket and exits 1. --bypass-governance-retention counts
GOVERNANCE retention as no obstacle and deletes those versions, for a user
the service lets bypass it; nothing lifts COMPLIANCE retention or a legal
hold.`,
		Args: cmdutil.ExactArgs(1, "one bucket URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if err := checkPageSize(opts.PageSize); err != nil {
				return err
			}
			if opts.BypassGovernance && !opts.Force {
				return cmdutil.Usagef("--%s applies to the versions --force deletes: add --force", bypassFlag)
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runRb)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "delete every object (every version, if versioned) and abort open multipart uploads first")
	cmd.Flags().Int32Var(&opts.PageSize, "page-size", 1000, "with --force: keys per listing request (and per delete), 1 to 1000")
	cmd.Flags().BoolVar(&opts.BypassGovernance, bypassFlag, false, "with --force: delete versions under GOVERNANCE retention too (needs the permission to bypass it)")
	return cmd
}

func runRb(ctx context.Context, opts *RbOptions) error {
	uri, err := parseBucketURI(opts.Target, "rb")
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	p := actionPrinter(opts.Printer(), opts.Quiet())
	if opts.Force {
		locked, err := findLockedVersion(ctx, c, uri.Bucket, opts.PageSize, opts.BypassGovernance)
		if err != nil {
			return err
		}
		if locked != "" {
			return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("rb --force: %s; nothing was deleted and s3://%s was not removed", locked, uri.Bucket)}
		}
		if err := emptyBucket(ctx, c, p, opts.ErrOut, uri.Bucket, opts.PageSize, opts.BypassGovernance); err != nil {
			return err
		}
	}
	if err := c.DeleteBucket(ctx, uri.Bucket); err != nil {
		return err
	}
	return printAction(p, "remove_bucket", uri.Bucket, "")
}

// emptyBucket deletes a page of objects per DeleteObjects request as the
// listing streams, then aborts open multipart uploads. Any object that could
// not be deleted fails the command: the bucket would not be removable. A
// version Object Lock kept (locked since findLockedVersion looked) is
// named with what protects it.
func emptyBucket(ctx context.Context, c *client.Client, p *output.Printer, errOut io.Writer, bucket string, pageSize int32, bypass bool) error {
	pages, err := objectsToDelete(ctx, c, bucket, pageSize)
	if err != nil {
		return err
	}
	failed, locked := 0, 0
	for ids, err := range pages {
		if err != nil {
			return err
		}
		res, err := c.DeleteObjects(ctx, bucket, ids, deleteOptions(bypass)...)
		for _, d := range res.Deleted {
			if perr := printDeleted(p, bucket, d); perr != nil {
				return perr
			}
		}
		if err != nil {
			return err
		}
		failed += len(res.Failed)
		for _, f := range res.Failed {
			if msg, ok := lockRefusal(ctx, c, bucket, f.ObjectID, f.Code, f.Message, bypass); ok {
				locked++
				fmt.Fprintf(errOut, "delete failed: %s\n", output.Name(msg))
				continue
			}
			fmt.Fprintf(errOut, "delete failed: %s: %s: %s\n", output.Name("s3://"+bucket+"/"+f.Key)+versionSuffix(f.VersionID), f.Code, output.Name(f.Message))
		}
	}
	if failed > 0 {
		why := ""
		if locked > 0 {
			why = fmt.Sprintf(" (%d protected by Object Lock)", locked)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("rb --force: %s could not be deleted%s; s3://%s was not removed", objects(int64(failed)), why, bucket)}
	}
	return abortUploads(ctx, c, p, bucket)
}

// objectsToDelete yields, a listing page at a time, what must go before
// the bucket can: its objects, or, if it is or was versioned, every
// version and delete marker (S3 refuses to delete a bucket while any
// remain). A server without versioning answers NotImplemented to the
// question, and has only objects.
func objectsToDelete(ctx context.Context, c *client.Client, bucket string, pageSize int32) (iter.Seq2[[]client.ObjectID, error], error) {
	v, err := c.GetBucketVersioning(ctx, bucket)
	if err != nil && !errors.Is(err, client.ErrNotImplemented) {
		return nil, err
	}
	if v.Status != "" {
		pages := c.ListObjectVersions(ctx, client.ListObjectVersionsInput{Bucket: bucket, MaxKeys: pageSize})
		return idPages(pages, func(page *client.VersionPage) []client.ObjectID {
			ids := make([]client.ObjectID, len(page.Versions))
			for i, o := range page.Versions {
				ids[i] = client.ObjectID{Key: o.Key, VersionID: o.VersionID}
			}
			return ids
		}), nil
	}
	return idPages(c.ListObjects(ctx, client.ListObjectsInput{Bucket: bucket, MaxKeys: pageSize}), func(page *client.ObjectPage) []client.ObjectID {
		ids := make([]client.ObjectID, len(page.Objects))
		for i, o := range page.Objects {
			ids[i] = client.ObjectID{Key: o.Key}
		}
		return ids
	}), nil
}

// idPages turns a listing's pages into the IDs each names, ending at the
// first error.
func idPages[P any](pages iter.Seq2[P, error], ids func(P) []client.ObjectID) iter.Seq2[[]client.ObjectID, error] {
	return func(yield func([]client.ObjectID, error) bool) {
		for page, err := range pages {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(ids(page), nil) {
				return
			}
		}
	}
}

// versionSuffix names a version after a target, as the text output shows
// it ("" for none).
func versionSuffix(versionID string) string {
	if versionID == "" {
		return ""
	}
	return " (version " + versionID + ")"
}

// printDeleted prints one deleted object or version: "delete:
// s3://b/k (version v)", or a JSON line of the action family with
// version_id.
func printDeleted(p *output.Printer, bucket string, id client.ObjectID) error {
	if p.Format == output.JSON {
		return p.JSON(struct {
			jsonAction
			VersionID string `json:"version_id,omitempty"`
		}{jsonAction{Type: "delete", Status: statusDone, Source: "s3://" + bucket + "/" + id.Key}, id.VersionID})
	}
	return p.Line("delete: %s%s", "s3://"+bucket+"/"+id.Key, versionSuffix(id.VersionID)) // the URL whole: Line escapes it as one name
}

func abortUploads(ctx context.Context, c *client.Client, p *output.Printer, bucket string) error {
	for u, err := range c.ListMultipartUploads(ctx, bucket, "") {
		if err != nil {
			return err
		}
		if err := c.AbortMultipartUpload(ctx, bucket, u.Key, u.UploadID); err != nil && !client.IsNotFound(err) {
			return err
		}
		if err := printAction(p, "abort_upload", bucket, u.Key); err != nil {
			return err
		}
	}
	return nil
}

// actionPrinter is the printer of action lines (make_bucket: b,
// delete: s3://b/k): --quiet leaves them out.
func actionPrinter(p *output.Printer, quiet bool) *output.Printer {
	if quiet {
		return output.New(io.Discard, p.Format)
	}
	return p
}

// printAction prints one done action the AWS CLI way ("delete: s3://b/k"),
// or as a JSON line of the same family as cp's and rm's:
// {"type":"delete","status":"done","source":"s3://b/k"}.
func printAction(p *output.Printer, action, bucket, key string) error {
	target := "s3://" + bucket
	if key != "" {
		target += "/" + key
	}
	if p.Format == output.JSON {
		return p.JSON(jsonAction{Type: action, Status: statusDone, Source: target})
	}
	if action == "remove_bucket" || action == "make_bucket" {
		target = bucket
	}
	return p.Line("%s: %s", action, target)
}
