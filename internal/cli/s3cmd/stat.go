package s3cmd

import (
	"context"
	"fmt"
	"maps"
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
		Long: `Describe an object without reading it (HeadObject): size, ETag, times,
content headers, storage class, encryption and user metadata. --output
table draws a table; --output json prints one JSON object:
  {"bucket":"b","key":"k","size":3,"etag":"\"...\"","last_modified":"...","content_type":"text/plain","metadata":{...}}`,
		Args: cmdutil.ExactArgs(1, "one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStat(cmd.Context(), opts)
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
		return &cmdutil.UsageError{Err: fmt.Errorf("stat needs an object, not a bucket")}
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
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: u.Bucket, Key: u.Key, CustomerKey: key})
	if err != nil {
		return err
	}
	p := opts.Printer()
	switch p.Format {
	case output.JSON:
		return p.JSONIndented(info)
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
		if err := p.Line("%-20s %s", f[0]+":", f[1]); err != nil {
			return err
		}
	}
	return nil
}

// statFields lists what stat shows, in order; empty fields are left out.
func statFields(info client.ObjectInfo) [][2]string {
	fields := [][2]string{
		{"Name", s3uri.URI{Bucket: info.Bucket, Key: info.Key}.String()},
		{"Size", fmt.Sprint(info.Size)},
		{"Last modified", info.LastModified.UTC().Format(time.RFC3339)},
		{"ETag", info.ETag},
		{"Content-Type", info.ContentType},
		{"Cache-Control", info.CacheControl},
		{"Content-Disposition", info.ContentDisposition},
		{"Content-Encoding", info.ContentEncoding},
		{"Storage class", info.StorageClass},
		{"Encryption", info.SSE},
		{"Version", info.VersionID},
	}
	if info.PartsCount > 0 {
		fields = append(fields, [2]string{"Parts", fmt.Sprint(info.PartsCount)})
	}
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
