package quicksynccmd

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// FileOptions are the inputs of the commands that take one FILE_ID: info,
// rm and url.
type FileOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	FileID  string
}

// newFileCmd builds a command taking one FILE_ID.
func newFileCmd(f *cmdutil.Factory, use, short, long string, runF, run func(context.Context, *FileOptions) error) *cobra.Command {
	opts := &FileOptions{Client: f.QuickSyncClient, Printer: f.Printer}
	return &cobra.Command{
		Use:   use + " FILE_ID",
		Short: short,
		Long:  long,
		Args:  cmdutil.ExactArgs(1, "one file ID (a file key from qcli quicksync ls)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.FileID = args[0]
			return cmdutil.Run(cmd.Context(), opts, runF, run)
		},
	}
}

// NewCmdInfo builds `qcli quicksync info`.
func NewCmdInfo(f *cmdutil.Factory, runF func(context.Context, *FileOptions) error) *cobra.Command {
	return newFileCmd(f, "info", "Show a file's metadata",
		`Show a file's metadata: key, name (decrypted when the session ID is known),
size, parts, whether the upload is completed, and its creator. --output json
prints the same fields as a line of qcli quicksync ls --output json.`, runF, runInfo)
}

func runInfo(ctx context.Context, opts *FileOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	info, err := c.Info(ctx, opts.FileID)
	if err != nil {
		return err
	}
	doc := newFileDoc(*info, c.Config().SessionID)
	p := opts.Printer()
	fields := [][2]string{
		{"File key", doc.FileKey}, {"Name", orDash(doc.Name)}, {"Size", strconv.FormatInt(doc.Size, 10)},
		{"Parts", strconv.Itoa(doc.Parts)}, {"Completed", strconv.FormatBool(doc.Completed)},
		{"Creator", orDash(doc.CreatorID)}, {"Encrypted name", doc.FileName},
	}
	switch p.Format {
	case output.JSON:
		return p.JSONIndented(doc)
	case output.Table:
		t := p.Table("Field", "Value")
		for _, f := range fields {
			if err := t.Row(f[0], f[1]); err != nil {
				return err
			}
		}
		return t.Close()
	}
	w := tabwriter.NewWriter(p.Writer(), 0, 0, 1, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(w, "%s:\t%s\n", f[0], output.Name(f[1]))
	}
	return w.Flush()
}
