package quicksynccmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/internal/humanize"
	"github.com/quilibrium/qcli/transfer"
)

// UploadOptions are `qcli quicksync upload`'s inputs.
type UploadOptions struct {
	IO      *iostreams.IOStreams
	Client  clientFunc
	Printer func() *output.Printer
	Quiet   bool

	Files       []string
	Name        string
	PartSize    int64
	Concurrency int
	Progress    progress.Mode
}

const uploadLong = `Upload files to QuickSync, each as a multipart upload whose parts are sent
in parallel and retried on failure. The file's name (or --name) is
encrypted with the session ID before it is sent. Prints each file's key,
which info, url, download and rm take.

Empty files are refused: QuickSync uploads are multipart and every part
carries data. Files are checked before the first upload starts; uploads
stop at the first failure, which names the file and the part, and an
unfinished upload is deleted again (if even that fails, the error says to
run qcli quicksync rm FILE_KEY).

--output json prints one line per file:
  {"file":"a.bin","name":"a.bin","uploadId":"…","fileKey":"…","size":1234,"parts":1,"partSize":8388608}

--progress works as for qcli s3 cp: auto (a bar on a terminal, a plain
line every few seconds elsewhere, nothing with --quiet or --output json),
bar, log or none.`

// NewCmdUpload builds `qcli quicksync upload`.
func NewCmdUpload(f *cmdutil.Factory, runF func(context.Context, *UploadOptions) error) *cobra.Command {
	opts := &UploadOptions{IO: f.IO, Client: f.QuickSyncClient, Printer: f.Printer}
	var partSize, mode string
	cmd := &cobra.Command{
		Use:   "upload FILE... [--name NAME]",
		Short: "Upload files",
		Long:  uploadLong,
		Args:  cmdutil.RangeArgs(1, 1<<20, "one or more files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files, opts.Quiet = args, f.Quiet
			if opts.Name != "" && len(args) > 1 {
				return cmdutil.Usagef("--name names one file; upload several files without it")
			}
			if partSize != "" {
				n, err := cmdutil.ParseSize(partSize)
				if err == nil && n < 1 {
					err = errors.New("the part size must be at least 1 byte")
				}
				if err != nil {
					return cmdutil.Usagef("invalid --part-size: %w", err)
				}
				opts.PartSize = n
			}
			var err error
			if opts.Progress, err = parseProgress(mode); err != nil {
				return err
			}
			if opts.Concurrency < 1 || opts.Concurrency > 1000 {
				return cmdutil.Usagef("invalid --concurrency %d: use 1 to 1000", opts.Concurrency)
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runUpload)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Name, "name", "", "the name to store (default: the file's base name); one file only")
	fl.StringVar(&partSize, "part-size", "", "part size, e.g. 8MiB (default 8MiB; grows to fit 10,000 parts)")
	fl.IntVar(&opts.Concurrency, "concurrency", transfer.DefaultQuickSyncConcurrency, "parts in flight at once")
	fl.StringVar(&mode, "progress", "auto", progressFlagHelp)
	return cmd
}

// localFile is a file checked for upload.
type localFile struct {
	path string
	name string
	size int64
}

func runUpload(ctx context.Context, opts *UploadOptions) error {
	files, err := checkFiles(opts.Files, opts.Name)
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	p := opts.Printer()
	display := newDisplay(opts.IO, opts.Progress, opts.Quiet, p.Format)
	defer display.Close()
	out := newUploadPrinter(p)
	for i, lf := range files {
		res, err := uploadFile(ctx, c, lf, opts, display.Event)
		if err != nil {
			if left := len(files) - i - 1; left > 0 {
				err = fmt.Errorf("%w (%d more file(s) not uploaded)", err, left)
			}
			return err
		}
		display.Print(func() { err = out.row(lf, res) })
		if err != nil {
			return err
		}
	}
	return out.close()
}

// checkFiles stats every file before any upload starts, so a typo in the
// last argument does not surface after the first files went up.
func checkFiles(paths []string, name string) ([]localFile, error) {
	var out []localFile
	for _, path := range paths {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, cmdutil.Usagef("%s: no such file", path)
		case err != nil:
			return nil, cmdutil.Usagef("cannot read %s: %v", path, errors.Unwrap(err))
		case !fi.Mode().IsRegular():
			return nil, cmdutil.Usagef("%s is not a regular file", path)
		case fi.Size() == 0:
			return nil, cmdutil.Usagef("%s is empty: QuickSync stores files of 1 byte or more", path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, cmdutil.Usagef("cannot read %s: %v", path, errors.Unwrap(err))
		}
		f.Close()
		n := name
		if n == "" {
			n = filepath.Base(path)
		}
		out = append(out, localFile{path: path, name: n, size: fi.Size()})
	}
	return out, nil
}

func uploadFile(ctx context.Context, c *quicksync.Client, lf localFile, opts *UploadOptions, events func(transfer.Event)) (*quicksync.UploadResult, error) {
	f, err := os.Open(lf.path)
	if err != nil {
		return nil, cmdutil.Usagef("cannot read %s: %v", lf.path, errors.Unwrap(err))
	}
	defer f.Close()
	res, err := transfer.UploadQuickSync(ctx, c, f, transfer.QuickSyncInput{Name: lf.name, Size: lf.size,
		PartSize: opts.PartSize, Concurrency: opts.Concurrency, Progress: events, Source: lf.path})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lf.path, err)
	}
	return res, nil
}

// uploadPrinter renders finished uploads: the file key per line in text,
// a JSON line each, or a table.
type uploadPrinter struct {
	p     *output.Printer
	table *output.TableWriter
}

func newUploadPrinter(p *output.Printer) *uploadPrinter {
	u := &uploadPrinter{p: p}
	if p.Format == output.Table {
		u.table = p.Table("File", "File key", "Size", "Parts")
	}
	return u
}

func (u *uploadPrinter) row(lf localFile, res *quicksync.UploadResult) error {
	switch u.p.Format {
	case output.JSON:
		return u.p.JSON(struct {
			File string `json:"file"`
			Name string `json:"name"`
			*quicksync.UploadResult
		}{lf.path, lf.name, res})
	case output.Table:
		return u.table.Row(lf.path, res.FileKey, humanize.Bytes(res.Size), strconv.Itoa(res.Parts))
	}
	return u.p.Line("%s", res.FileKey)
}

func (u *uploadPrinter) close() error {
	if u.table != nil {
		return u.table.Close()
	}
	return nil
}
