package s3cmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// WebsiteOptions are `qcli s3 website`'s inputs.
type WebsiteOptions struct {
	Client clientFunc

	Target        string
	IndexDocument string
	ErrorDocument string
}

// NewCmdWebsite builds `qcli s3 website`.
func NewCmdWebsite(f *cmdutil.Factory, runF func(context.Context, *WebsiteOptions) error) *cobra.Command {
	opts := &WebsiteOptions{Client: f.Client}
	cmd := &cobra.Command{
		Use:   "website s3://bucket --index-document index.html [--error-document error.html]",
		Short: "Serve a bucket as a static website",
		Long: `Set a bucket's static website configuration, as aws s3 website does: the
index document is the suffix served for a request to a "directory" (a name
such as index.html, no slash), the error document the key served on a 4xx
error. It replaces any configuration the bucket had, and prints nothing.
qcli s3api get-bucket-website shows it; delete-bucket-website removes it.`,
		Args: cmdutil.ExactArgs(1, "one bucket (s3://bucket, or its name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return cmdutil.Run(cmd.Context(), opts, runF, runWebsite)
		},
	}
	cmd.Flags().StringVar(&opts.IndexDocument, "index-document", "", "the index document's suffix, e.g. index.html")
	cmd.Flags().StringVar(&opts.ErrorDocument, "error-document", "", "the key served on a 4xx error, e.g. error.html")
	return cmd
}

func runWebsite(ctx context.Context, opts *WebsiteOptions) error {
	// As the AWS CLI: s3://bucket or the bare name, a trailing slash dropped.
	target := strings.TrimSuffix(opts.Target, "/")
	if !strings.HasPrefix(target, "s3://") {
		target = "s3://" + target
	}
	uri, err := parseBucketURI(target, "website")
	if err != nil {
		return err
	}
	if opts.IndexDocument == "" {
		return cmdutil.Usagef("website needs --index-document, e.g. --index-document index.html")
	}
	if err := (client.WebsiteConfig{IndexDocument: opts.IndexDocument}).Validate(); err != nil {
		return cmdutil.Usagef("--index-document: %w", err)
	}
	if opts.ErrorDocument != "" {
		if err := client.ValidateKey(opts.ErrorDocument); err != nil {
			return cmdutil.Usagef("--error-document: %w", err)
		}
	}
	cfg := client.WebsiteConfig{IndexDocument: opts.IndexDocument, ErrorDocument: opts.ErrorDocument}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	return c.PutBucketWebsite(ctx, uri.Bucket, cfg)
}
