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

func newCmdUploads(f *cmdutil.Factory) *cobra.Command {
	return group("uploads", "List unfinished multipart uploads", NewCmdUploadsList(f, nil))
}

// UploadsOptions are `qcli console uploads list`'s inputs.
type UploadsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer

	Bucket string
}

// NewCmdUploadsList builds `qcli console uploads list BUCKET`.
func NewCmdUploadsList(f *cmdutil.Factory, runF func(context.Context, *UploadsOptions) error) *cobra.Command {
	opts := &UploadsOptions{Client: f.ConsoleClient, Printer: f.Printer}
	return &cobra.Command{
		Use:   "list BUCKET",
		Short: "List a bucket's unfinished multipart uploads",
		Long: `List a bucket's unfinished multipart uploads: their parts hold storage
until the upload is completed or aborted.`,
		Args: cmdutil.ExactArgs(1, "a bucket name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bucket = args[0]
			if err := client.ValidateBucketName(opts.Bucket); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runUploadsList)
		},
	}
}

func runUploadsList(ctx context.Context, opts *UploadsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	uploads, err := c.ListMultipartUploads(ctx, opts.Bucket)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.UploadList{Uploads: nonNil(uploads)})
	}
	rows := make([][]string, len(uploads))
	for i, u := range uploads {
		rows[i] = []string{u.ObjectKey, u.UploadID, fmt.Sprint(u.PartCount), size(u.TotalSize), orDash(u.InitiatedBy), when(u.InitiatedAt)}
	}
	return printRows(p, []string{"Key", "Upload id", "Parts", "Size", "Initiated by", "Initiated"}, rows)
}
