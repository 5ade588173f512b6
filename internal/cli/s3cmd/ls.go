package s3cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/humanize"
	"github.com/quilibrium/qcli/internal/s3uri"
	"github.com/quilibrium/qcli/transfer"
)

// LsOptions are `qcli s3 ls`'s inputs.
type LsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer

	Target        string // "" lists buckets
	Recursive     bool
	HumanReadable bool
	Summarize     bool
	PageSize      int32
	Versions      bool // every version and delete marker (ListObjectVersions)
	// ListConcurrency is how many ranges a --recursive listing lists at
	// once (see transfer.List).
	ListConcurrency int
}

const lsLong = `List buckets, or the objects and common prefixes under an S3 URI.

Text output has the AWS CLI's columns:
  2026-01-02 03:04:05 bucket-name                     (buckets)
                             PRE photos/              (common prefixes)
  2026-01-02 03:04:05       1234 notes.txt            (objects)

--output json writes one JSON object per line, so that a listing of any
size streams:
  {"type":"bucket","name":"b","creation_date":"2026-01-02T03:04:05.000Z"}
  {"type":"prefix","prefix":"photos/"}
  {"type":"object","key":"notes.txt","size":1234,"last_modified":"2026-01-02T03:04:05.000Z","etag":"\"...\"","storage_class":"STANDARD"}
  {"type":"summary","objects":1,"bytes":1234}   (with --summarize)

--versions lists every version and delete marker under the URI
(ListObjectVersions), newest first within a key: the version ID, then
LATEST for the current one, and DELETE in place of the size of a delete
marker:
  2026-01-02 03:04:05       1234 3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH LATEST notes.txt
  2026-01-01 03:04:05        980 n0LbZ1cfCcoIXgVtYB0tqyGj3uMeFU8b        notes.txt
  2026-01-03 03:04:05     DELETE Vp3e2.kD8fgKrYtkIzLCVZG8nVWnXVfo LATEST old.txt
and in JSON:
  {"type":"version","key":"notes.txt","version_id":"3HL4...","is_latest":true,"size":1234,"last_modified":"...","etag":"\"...\"","storage_class":"STANDARD"}
  {"type":"delete_marker","key":"old.txt","version_id":"Vp3e...","is_latest":true,"last_modified":"..."}
--summarize counts the versions and their bytes, and the delete markers.

A key or prefix that matches nothing exits 1, as aws s3 ls does, so
"qcli s3 ls s3://bucket/key" works as an existence test; s3:// alone
lists the buckets.

Listings are fetched and printed page by page; memory does not grow with
the number of keys. A --recursive listing of objects lists up to
--list-concurrency (8) ranges of keys at once, found with delimiter
listings, and prints in key order as a sequential one does.`

// NewCmdLs builds `qcli s3 ls`. runF replaces runLs in tests of flag parsing.
func NewCmdLs(f *cmdutil.Factory, runF func(context.Context, *LsOptions) error) *cobra.Command {
	opts := &LsOptions{Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "ls [s3://bucket[/prefix]]",
		Short: "List buckets or objects",
		Long:  lsLong,
		Args:  cmdutil.RangeArgs(0, 1, "at most one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Target = args[0]
			}
			if err := checkPageSize(opts.PageSize); err != nil {
				return err
			}
			if err := checkListConcurrency(opts.ListConcurrency); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runLs)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Recursive, "recursive", false, "list every object under the prefix, not one level")
	fl.BoolVar(&opts.HumanReadable, "human-readable", false, "show sizes as KiB, MiB, GiB")
	fl.BoolVar(&opts.Summarize, "summarize", false, "end with the number of objects and their total size")
	fl.Int32Var(&opts.PageSize, "page-size", 0, "keys per request, 1 to 1000 (default: the service's, 1000)")
	fl.BoolVar(&opts.Versions, "versions", false, "list every version and delete marker, with version IDs")
	addListConcurrency(fl, &opts.ListConcurrency)
	return cmd
}

func runLs(ctx context.Context, opts *LsOptions) error {
	var uri s3uri.URI
	if opts.Target == "s3://" { // aws s3 ls s3:// lists the buckets too
		opts.Target = ""
	}
	if opts.Target != "" {
		var err error
		if uri, err = s3uri.Parse(opts.Target); err != nil {
			return err
		}
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	p := newLsPrinter(opts.Printer(), opts.HumanReadable)
	defer p.close()
	switch {
	case opts.Target == "" && opts.Versions:
		return cmdutil.Usagef("--versions lists what a bucket holds: give s3://bucket[/prefix]")
	case opts.Target == "":
		return listBuckets(ctx, c, p, opts.PageSize)
	case opts.Versions:
		return listVersions(ctx, c, p, uri, opts)
	}
	return listObjects(ctx, c, p, uri, opts)
}

func listBuckets(ctx context.Context, c *client.Client, p *lsPrinter, pageSize int32) error {
	for b, err := range c.ListBuckets(ctx, client.ListBucketsInput{MaxBuckets: pageSize}) {
		if err != nil {
			return err
		}
		if err := p.bucket(b); err != nil {
			return err
		}
	}
	return nil
}

func listObjects(ctx context.Context, c *client.Client, p *lsPrinter, uri s3uri.URI, opts *LsOptions) error {
	in := client.ListObjectsInput{Bucket: uri.Bucket, Prefix: uri.Key, MaxKeys: opts.PageSize, Delimiter: p.scope(uri, opts.Recursive)}
	pages := c.ListObjects(ctx, in)
	if opts.Recursive {
		// In parallel, in the same order.
		pages = transfer.List(ctx, c, transfer.ListInput{Bucket: uri.Bucket, Prefix: uri.Key, PageSize: opts.PageSize, Concurrency: opts.ListConcurrency})
	}
	var count, size, prefixes int64
	for page, err := range pages {
		if err != nil {
			return err
		}
		n, err := p.prefixes(page.CommonPrefixes)
		if prefixes += n; err != nil {
			return err
		}
		for _, o := range page.Objects {
			count, size = count+1, size+o.Size
			if err := p.object(o); err != nil {
				return err
			}
		}
	}
	if opts.Summarize {
		if err := p.summary(count, size); err != nil {
			return err
		}
	}
	return matched(uri, count+prefixes, "object")
}

// listVersions is ls --versions: versions and delete markers, page by page.
func listVersions(ctx context.Context, c *client.Client, p *lsPrinter, uri s3uri.URI, opts *LsOptions) error {
	in := client.ListObjectVersionsInput{Bucket: uri.Bucket, Prefix: uri.Key, MaxKeys: opts.PageSize, Delimiter: p.scope(uri, opts.Recursive)}
	var versions, size, markers, prefixes int64
	for page, err := range c.ListObjectVersions(ctx, in) {
		if err != nil {
			return err
		}
		n, err := p.prefixes(page.CommonPrefixes)
		if prefixes += n; err != nil {
			return err
		}
		for _, v := range page.Versions {
			if v.DeleteMarker {
				markers++
			} else {
				versions, size = versions+1, size+v.Size
			}
			if err := p.version(v); err != nil {
				return err
			}
		}
	}
	if opts.Summarize {
		if err := p.versionSummary(versions, size, markers); err != nil {
			return err
		}
	}
	return matched(uri, versions+markers+prefixes, "version")
}

// matched is ls's existence test: as aws s3 ls, a key or prefix that
// matches nothing (no what, no prefix) exits 1.
func matched(uri s3uri.URI, found int64, what string) error {
	if uri.Key != "" && found == 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("no %s or prefix matches %s", what, uri)}
	}
	return nil
}

// lsPrinter renders listing entries in the chosen format as they arrive.
type lsPrinter struct {
	out   *output.Printer
	human bool
	trim  string // prefix cut from displayed names in text and table output
	table *output.TableWriter
}

func newLsPrinter(out *output.Printer, human bool) *lsPrinter {
	return &lsPrinter{out: out, human: human}
}

const lsTime = "2006-01-02 15:04:05"

func (p *lsPrinter) size(n int64) string {
	if p.human {
		return humanize.Bytes(n)
	}
	return fmt.Sprint(n)
}

func (p *lsPrinter) bucket(b client.Bucket) error {
	switch p.out.Format {
	case output.JSON:
		return p.out.JSON(jsonBucket{Type: "bucket", Name: b.Name, CreationDate: output.Time(b.CreationDate)})
	case output.Table:
		return p.row([]string{"Created", "Bucket"}, b.CreationDate.Local().Format(lsTime), b.Name)
	}
	return p.out.Line("%s %s", b.CreationDate.Local().Format(lsTime), b.Name)
}

// scope is how a listing of uri goes: one level, "/" the delimiter and
// names printed relative to the "directory" being listed, as aws s3 ls
// does; or, recursive, everything under it with full keys.
func (p *lsPrinter) scope(uri s3uri.URI, recursive bool) (delimiter string) {
	if recursive {
		return ""
	}
	p.trim = uri.Key[:strings.LastIndex(uri.Key, "/")+1]
	return "/"
}

// prefixes prints a page's common prefixes and counts them.
func (p *lsPrinter) prefixes(list []string) (int64, error) {
	for i, prefix := range list {
		if err := p.prefix(prefix); err != nil {
			return int64(i), err
		}
	}
	return int64(len(list)), nil
}

func (p *lsPrinter) prefix(prefix string) error {
	switch p.out.Format {
	case output.JSON:
		return p.out.JSON(jsonPrefix{Type: "prefix", Prefix: prefix})
	case output.Table:
		return p.row(objectColumns, "", "PRE", strings.TrimPrefix(prefix, p.trim))
	}
	return p.out.Line("%30s %s", "PRE", strings.TrimPrefix(prefix, p.trim))
}

var objectColumns = []string{"Last modified", "Size", "Name"}

func (p *lsPrinter) object(o client.Object) error {
	switch p.out.Format {
	case output.JSON:
		return p.out.JSON(jsonObject{Type: "object", Key: o.Key, Size: o.Size, LastModified: output.Time(o.LastModified), ETag: o.ETag, StorageClass: o.StorageClass})
	case output.Table:
		return p.row(objectColumns, o.LastModified.Local().Format(lsTime), p.size(o.Size), strings.TrimPrefix(o.Key, p.trim))
	}
	return p.out.Line("%s %10s %s", o.LastModified.Local().Format(lsTime), p.size(o.Size), strings.TrimPrefix(o.Key, p.trim))
}

var versionColumns = []string{"Last modified", "Size", "Version", "Latest", "Name"}

// version prints a version or a delete marker (DELETE where the size goes).
func (p *lsPrinter) version(v client.ObjectVersion) error {
	if p.out.Format == output.JSON {
		if v.DeleteMarker {
			return p.out.JSON(jsonDeleteMarker{Type: "delete_marker", Key: v.Key, VersionID: v.VersionID, IsLatest: v.IsLatest,
				LastModified: output.Time(v.LastModified)})
		}
		return p.out.JSON(jsonVersion{Type: "version", Key: v.Key, VersionID: v.VersionID, IsLatest: v.IsLatest, Size: v.Size,
			LastModified: output.Time(v.LastModified), ETag: v.ETag, StorageClass: v.StorageClass})
	}
	size, latest := p.size(v.Size), ""
	if v.DeleteMarker {
		size = "DELETE"
	}
	if v.IsLatest {
		latest = "LATEST"
	}
	name := strings.TrimPrefix(v.Key, p.trim)
	if p.out.Format == output.Table {
		return p.row(versionColumns, v.LastModified.Local().Format(lsTime), size, v.VersionID, latest, name)
	}
	return p.out.Line("%s %10s %-32s %-6s %s", v.LastModified.Local().Format(lsTime), size, v.VersionID, latest, name)
}

func (p *lsPrinter) versionSummary(versions, size, markers int64) error {
	if p.out.Format == output.JSON {
		return p.out.JSON(jsonListSummary{Type: "summary", Objects: versions, Bytes: size, DeleteMarkers: &markers})
	}
	if err := p.summary(versions, size); err != nil {
		return err
	}
	return p.out.Line("Delete Markers: %d", markers)
}

func (p *lsPrinter) summary(count, size int64) error {
	if p.out.Format == output.JSON {
		return p.out.JSON(jsonListSummary{Type: "summary", Objects: count, Bytes: size})
	}
	p.close()
	return p.out.Line("\nTotal Objects: %d\n   Total Size: %s", count, p.size(size))
}

func (p *lsPrinter) row(headers []string, cells ...string) error {
	if p.table == nil {
		p.table = p.out.Table(headers...)
	}
	return p.table.Row(cells...)
}

func (p *lsPrinter) close() {
	if p.table != nil {
		_ = p.table.Close()
		p.table = nil
	}
}

// The JSON lines of `qcli s3 ls --output json`; see lsLong and README's
// "JSON output" for the family they belong to.
type (
	jsonBucket struct {
		Type         string      `json:"type"`
		Name         string      `json:"name"`
		CreationDate output.Time `json:"creation_date,omitzero"`
	}
	jsonPrefix struct {
		Type   string `json:"type"`
		Prefix string `json:"prefix"`
	}
	jsonObject struct {
		Type         string      `json:"type"`
		Key          string      `json:"key"`
		Size         int64       `json:"size"`
		LastModified output.Time `json:"last_modified,omitzero"`
		ETag         string      `json:"etag"`
		StorageClass string      `json:"storage_class,omitempty"`
	}
	jsonListSummary struct {
		Type          string `json:"type"`
		Objects       int64  `json:"objects"`
		Bytes         int64  `json:"bytes"`
		DeleteMarkers *int64 `json:"delete_markers,omitempty"` // ls --versions
	}
	jsonVersion struct {
		Type         string      `json:"type"`
		Key          string      `json:"key"`
		VersionID    string      `json:"version_id"`
		IsLatest     bool        `json:"is_latest"`
		Size         int64       `json:"size"`
		LastModified output.Time `json:"last_modified,omitzero"`
		ETag         string      `json:"etag"`
		StorageClass string      `json:"storage_class,omitempty"`
	}
	jsonDeleteMarker struct {
		Type         string      `json:"type"`
		Key          string      `json:"key"`
		VersionID    string      `json:"version_id"`
		IsLatest     bool        `json:"is_latest"`
		LastModified output.Time `json:"last_modified,omitzero"`
	}
)
