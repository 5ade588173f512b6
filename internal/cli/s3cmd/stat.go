package s3cmd

import (
	"context"
	"fmt"
	"maps"
	"mime"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/s3uri"
)

// StatOptions are `qcli s3 stat`'s inputs.
type StatOptions struct {
	Client  clientFunc
	Printer func() *output.Printer

	Target  string
	SSECKey string
}

// NewCmdStat builds `qcli s3 stat`.
func NewCmdStat(f *cmdutil.Factory, runF func(context.Context, *StatOptions) error) *cobra.Command {
	opts := &StatOptions{Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "stat s3://bucket/key",
		Short: "Describe an object",
		Long: `Describe an object without reading it (HeadObject): everything the service
says about it, where present: size, ETag, time, version, parts, content
headers (Content-Type, Cache-Control, Content-Disposition, Content-Encoding,
Content-Language, Expires), website redirect, storage class, encryption,
stored checksums, tag count, object lock, replication, restore and archive
status, and user metadata (non-ASCII values decoded from RFC 2047).
--output table draws a table; --output json prints one JSON object:
  {"type":"object","bucket":"b","key":"k","size":3,"etag":"\"...\"","last_modified":"2026-01-02T03:04:05.000Z","content_type":"text/plain","metadata":{...}}
A missing object exits 1, as aws s3 does for a failed operation.`,
		Args: cmdutil.ExactArgs(1, "one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return cmdutil.Run(cmd.Context(), opts, runF, runStat)
		},
	}
	cmd.Flags().StringVar(&opts.SSECKey, "sse-c-key", "", "SSE-C key the object was written with: 32 bytes, raw or base64, or @file")
	return cmd
}

func runStat(ctx context.Context, opts *StatOptions) error {
	u, err := s3uri.Parse(opts.Target)
	if err != nil {
		return err
	}
	if u.Key == "" {
		return cmdutil.Usagef("stat needs an object, not a bucket")
	}
	var key []byte
	if opts.SSECKey != "" {
		if key, err = customerKey("sse-c-key", "", opts.SSECKey); err != nil {
			return err
		}
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: u.Bucket, Key: u.Key, CustomerKey: key, Checksums: true})
	if err != nil {
		return err
	}
	info.Metadata = decodeMetadata(info.Metadata)
	p := opts.Printer()
	switch p.Format {
	case output.JSON:
		return p.JSON(jsonStat{Type: "object", ObjectInfo: info, LastModified: output.Time(info.LastModified),
			LockRetainUntil: output.Time(info.LockRetainUntil)})
	case output.Table:
		t := p.Table("Field", "Value")
		for _, f := range statFields(info) {
			if err := t.Row(f[0], f[1]); err != nil {
				return err
			}
		}
		return t.Close()
	}
	for _, f := range statFields(info) {
		if err := p.Line("%-28s %s", f[0]+":", f[1]); err != nil {
			return err
		}
	}
	return nil
}

// jsonStat is stat's JSON line: the "object" of ls's JSON with every field
// HeadObject gave, timestamps in the one JSON form.
type jsonStat struct {
	Type string `json:"type"`
	client.ObjectInfo
	LastModified    output.Time `json:"last_modified,omitzero"`
	LockRetainUntil output.Time `json:"object_lock_retain_until_date,omitzero"`
}

// decodeMetadata decodes metadata values the service sent RFC 2047-encoded
// (=?UTF-8?B?...?=), as it does for non-ASCII values; a value that does not
// decode is shown as sent.
func decodeMetadata(md map[string]string) map[string]string {
	var dec mime.WordDecoder
	out := make(map[string]string, len(md))
	for k, v := range md {
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		out[k] = v
	}
	return out
}

// statFields lists what stat shows, in order; empty fields are left out.
func statFields(info client.ObjectInfo) [][2]string {
	num := func(n int32) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	yes := func(b bool) string {
		if b {
			return "true"
		}
		return ""
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	fields := [][2]string{
		{"Name", s3uri.URI{Bucket: info.Bucket, Key: info.Key}.String()},
		{"Size", fmt.Sprint(info.Size)},
		{"Last modified", when(info.LastModified)},
		{"ETag", info.ETag},
		{"Version", info.VersionID},
		{"Parts", num(info.PartsCount)},
		{"Content-Type", info.ContentType},
		{"Cache-Control", info.CacheControl},
		{"Content-Disposition", info.ContentDisposition},
		{"Content-Encoding", info.ContentEncoding},
		{"Content-Language", info.ContentLanguage},
		{"Expires", info.Expires},
		{"Accept-Ranges", info.AcceptRanges},
		{"Website redirect", info.WebsiteRedirect},
		{"Storage class", info.StorageClass},
		{"Encryption", info.SSE},
		{"KMS key", info.SSEKMSKeyID},
		{"Bucket key", yes(info.BucketKeyEnabled)},
		{"SSE-C algorithm", info.SSECustomerAlgorithm},
		{"SSE-C key MD5", info.SSECustomerKeyMD5},
	}
	for _, alg := range slices.Sorted(maps.Keys(info.Checksums)) {
		fields = append(fields, [2]string{"Checksum " + alg, info.Checksums[alg]})
	}
	fields = append(fields, [][2]string{
		{"Checksum type", info.ChecksumType},
		{"Tags", num(info.TagCount)},
		{"Object lock mode", info.LockMode},
		{"Object lock retain until", when(info.LockRetainUntil)},
		{"Legal hold", info.LegalHold},
		{"Replication", info.ReplicationStatus},
		{"Restore", info.Restore},
		{"Archive status", info.ArchiveStatus},
		{"Expiration", info.Expiration},
		{"Delete marker", yes(info.DeleteMarker)},
		{"Missing metadata", num(info.MissingMeta)},
	}...)
	for _, k := range slices.Sorted(maps.Keys(info.Metadata)) {
		fields = append(fields, [2]string{"Metadata " + k, info.Metadata[k]})
	}
	out := fields[:0]
	for _, f := range fields {
		if f[1] != "" {
			out = append(out, f)
		}
	}
	return out
}
