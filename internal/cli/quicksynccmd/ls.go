package quicksynccmd

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/humanize"
)

// LsOptions are `qcli quicksync ls`'s inputs.
type LsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
}

const lsLong = `List the session's files, unfinished uploads included (COMPLETED false).

Names are shown decrypted when the session ID is known (stored by login, or
QCLI_QUICKSYNC_SESSION); a name that does not decrypt with it is shown as
"-". Text output has one file per line, the name last:
  FILE KEY  SIZE  PARTS  COMPLETED  CREATOR  NAME
--output json writes one JSON object per line:
  {"fileKey":"…","name":"a.bin","fileName":"U2FsdGVk…","size":1234,"parts":1,"completed":true,"creatorId":"…"}
where fileName is the encrypted name as stored and name is left out when
it cannot be decrypted.`

// NewCmdLs builds `qcli quicksync ls`.
func NewCmdLs(f *cmdutil.Factory, runF func(context.Context, *LsOptions) error) *cobra.Command {
	opts := &LsOptions{Client: f.QuickSyncClient, Printer: f.Printer}
	return &cobra.Command{
		Use:   "ls",
		Short: "List files",
		Long:  lsLong,
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runLs)
		},
	}
}

func runLs(ctx context.Context, opts *LsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	files, err := c.List(ctx)
	if err != nil {
		return err
	}
	session := c.Config().SessionID
	p := opts.Printer()
	switch p.Format {
	case output.JSON:
		for _, f := range files {
			if err := p.JSON(newFileDoc(f, session)); err != nil {
				return err
			}
		}
		return nil
	case output.Table:
		return lsTable(p, files, session)
	}
	return lsText(p, files, session)
}

// fileDoc is a file as --output json shows it.
type fileDoc struct {
	FileKey   string `json:"fileKey"`
	Name      string `json:"name,omitempty"`
	FileName  string `json:"fileName"`
	Size      int64  `json:"size"`
	Parts     int    `json:"parts"`
	Completed bool   `json:"completed"`
	CreatorID string `json:"creatorId"`
}

func newFileDoc(f quicksync.File, session string) fileDoc {
	return fileDoc{FileKey: f.FileKey, Name: plainName(f, session), FileName: f.FileName, Size: f.OriginalSizeInBytes,
		Parts: f.TotalParts, Completed: f.Completed, CreatorID: f.CreatorID}
}

// plainName is the decrypted name, or "" when the session is unknown or
// the name was encrypted otherwise.
func plainName(f quicksync.File, session string) string {
	if session == "" {
		return ""
	}
	name, err := quicksync.DecryptName(f.FileName, session)
	if err != nil {
		return ""
	}
	return name
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func lsText(p *output.Printer, files []quicksync.File, session string) error {
	if len(files) == 0 {
		return nil
	}
	w := tabwriter.NewWriter(p.Writer(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FILE KEY\tSIZE\tPARTS\tCOMPLETED\tCREATOR\tNAME")
	for _, f := range files {
		fmt.Fprintf(w, "%s\t%d\t%d\t%t\t%s\t%s\n", output.Name(f.FileKey), f.OriginalSizeInBytes, f.TotalParts, f.Completed,
			output.Name(orDash(f.CreatorID)), output.Name(orDash(plainName(f, session))))
	}
	return w.Flush()
}

func lsTable(p *output.Printer, files []quicksync.File, session string) error {
	t := p.Table("File key", "Name", "Size", "Parts", "Completed", "Creator")
	for _, f := range files {
		if err := t.Row(f.FileKey, orDash(plainName(f, session)), humanize.Bytes(f.OriginalSizeInBytes),
			strconv.Itoa(f.TotalParts), strconv.FormatBool(f.Completed), orDash(f.CreatorID)); err != nil {
			return err
		}
	}
	return t.Close()
}
