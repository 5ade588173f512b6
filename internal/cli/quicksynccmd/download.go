package quicksynccmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/transfer"
)

// DownloadOptions are `qcli quicksync download`'s inputs.
type DownloadOptions struct {
	IO      *iostreams.IOStreams
	Client  clientFunc
	Printer func() *output.Printer
	Quiet   bool

	FileID   string
	Output   string // -o: a file, a directory, or - for stdout
	Progress progress.Mode
}

const downloadLong = `Download a file through a temporary download URL. The bytes go to a
temporary file beside the target, which replaces the target only when the
size matches the file's; an interrupted download leaves the target as it
was. A transfer that breaks off is resumed where it stopped.

-o names the target file, or a directory to put it in; - writes to stdout.
The default is the file's decrypted name (its last path element) in the
current directory, or the file key when the name is unknown. Prints
"download: FILE_ID to PATH"; --output json prints
{"fileKey":"…","path":"…","size":1234}. --progress works as for qcli s3 cp.`

// NewCmdDownload builds `qcli quicksync download`.
func NewCmdDownload(f *cmdutil.Factory, runF func(context.Context, *DownloadOptions) error) *cobra.Command {
	opts := &DownloadOptions{IO: f.IO, Client: f.QuickSyncClient, Printer: f.Printer}
	var mode string
	cmd := &cobra.Command{
		Use:   "download FILE_ID [-o PATH]",
		Short: "Download a file",
		Long:  downloadLong,
		Args:  cmdutil.ExactArgs(1, "one file ID (a file key from qcli quicksync ls)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.FileID, opts.Quiet = args[0], f.Quiet
			var err error
			if opts.Progress, err = parseProgress(mode); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runDownload)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output-file", "o", "", "target file or directory; - for stdout")
	cmd.Flags().StringVar(&mode, "progress", "auto", progressFlagHelp)
	return cmd
}

func runDownload(ctx context.Context, opts *DownloadOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	info, err := c.Info(ctx, opts.FileID)
	if err != nil {
		return err
	}
	if !info.Completed {
		return &cmdutil.ExitError{Code: cmdutil.ExitService, Err: fmt.Errorf(
			"%s is an unfinished upload with nothing to download; remove it with `qcli quicksync rm %s`", opts.FileID, opts.FileID)}
	}
	p := opts.Printer()
	target := "-"
	if opts.Output != "-" {
		target = targetPath(opts.Output, plainName(*info, c.Config().SessionID), info.FileKey)
	}
	display := newDisplay(opts.IO, opts.Progress, opts.Quiet, p.Format)
	ev := &downloadEvents{d: display, source: info.FileKey, dest: target, size: info.OriginalSizeInBytes}
	ev.start()
	if target == "-" {
		err = fetch(ctx, c, info, opts.IO.Out, ev.bytes)
	} else {
		err = downloadTo(ctx, c, info, target, ev.bytes)
	}
	ev.finish(err)
	display.Close()
	if err != nil || target == "-" {
		return err
	}
	if p.Format == output.JSON {
		return p.JSON(map[string]any{"fileKey": info.FileKey, "path": target, "size": info.OriginalSizeInBytes})
	}
	return p.Line("download: %s to %s", opts.FileID, target)
}

// fetch downloads into w and checks that every byte came.
func fetch(ctx context.Context, c *quicksync.Client, info *quicksync.File, w io.Writer, report func(int64)) error {
	n, err := c.Download(ctx, info.FileKey, w, report)
	if err != nil {
		return err
	}
	if n != info.OriginalSizeInBytes {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed,
			Err: fmt.Errorf("download of %s: got %d bytes, the file has %d", info.FileKey, n, info.OriginalSizeInBytes)}
	}
	return nil
}

// downloadTo writes to a temporary file beside target and renames it over
// target only when complete, so a failure never leaves a partial target.
func downloadTo(ctx context.Context, c *quicksync.Client, info *quicksync.File, target string, report func(int64)) (err error) {
	tmp, err := transfer.CreateTemp(target)
	if err != nil {
		return cmdutil.Usagef("cannot write beside %s: %v", target, errors.Unwrap(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fetch(ctx, c, info, tmp, report); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// targetPath resolves -o: a file, a directory (existing, or written with a
// trailing separator) to put the file in, or "" for the current directory.
func targetPath(o, name, fileKey string) string {
	base := safeName(name)
	if base == "" {
		base = fileKey
	}
	if o == "" {
		return base
	}
	if strings.HasSuffix(o, string(os.PathSeparator)) || strings.HasSuffix(o, "/") {
		return filepath.Join(o, base)
	}
	if fi, err := os.Stat(o); err == nil && fi.IsDir() {
		return filepath.Join(o, base)
	}
	return o
}

// safeName keeps a stored name's last element, and refuses what could
// write outside the target directory or cannot be a file name: the name
// comes from the service, not from the user.
func safeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, 0) {
		return ""
	}
	return name
}
