package quicksynccmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// NewCmdURL builds `qcli quicksync url`.
func NewCmdURL(f *cmdutil.Factory, runF func(context.Context, *FileOptions) error) *cobra.Command {
	return newFileCmd(f, "url", "Print a temporary download URL",
		`Print a temporary URL the file can be downloaded from without a token
(anyone holding the URL can, until it expires). --output json prints
{"url":"…"}.`, runF, runURL)
}

func runURL(ctx context.Context, opts *FileOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	u, err := c.DownloadURL(ctx, opts.FileID)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSON(map[string]string{"url": u})
	}
	return p.Line("%s", u)
}
