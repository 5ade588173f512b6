package quicksynccmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// NewCmdRm builds `qcli quicksync rm`.
func NewCmdRm(f *cmdutil.Factory, runF func(context.Context, *FileOptions) error) *cobra.Command {
	return newFileCmd(f, "rm", "Delete a file or an unfinished upload",
		`Delete a file for good, or an unfinished upload (one that ls shows with
COMPLETED false). Prints "delete: FILE_ID"; --output json prints
{"deleted":"FILE_ID"}.`, runF, runRm)
}

func runRm(ctx context.Context, opts *FileOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	if err := c.Delete(ctx, opts.FileID); err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSON(map[string]string{"deleted": opts.FileID})
	}
	return p.Line("delete: %s", opts.FileID)
}
