package quicksynccmd

import (
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/transfer"
)

// progressFlagHelp documents --progress, which works as qcli s3 cp's.
const progressFlagHelp = "progress display: auto, bar, log or none"

// parseProgress checks a --progress value.
func parseProgress(s string) (progress.Mode, error) {
	m, err := progress.ParseMode(s)
	if err != nil {
		return "", &cmdutil.UsageError{Err: err}
	}
	return m, nil
}

// newDisplay is the progress display of qcli s3 cp: a bar on a terminal,
// a plain line every few seconds in a log, nothing with --quiet or
// --output json.
func newDisplay(ios *iostreams.IOStreams, mode progress.Mode, quiet bool, format output.Format) progress.Display {
	return progress.New(progress.Resolve(mode, ios.StderrTTY, quiet, format == output.JSON), ios.ErrOut, 0)
}

// downloadEvents feeds a download's byte counts to a display as the
// transfer events it understands.
type downloadEvents struct {
	d      progress.Display
	source string
	dest   string
	size   int64
}

func (e *downloadEvents) emit(t transfer.EventType, n int64, err error) {
	e.d.Event(transfer.Event{Type: t, Op: transfer.OpDownload, Source: e.source, Dest: e.dest, Size: e.size, Bytes: n, Err: err})
}

func (e *downloadEvents) start()        { e.emit(transfer.Started, 0, nil) }
func (e *downloadEvents) bytes(n int64) { e.emit(transfer.Bytes, n, nil) }

func (e *downloadEvents) finish(err error) {
	if err != nil {
		e.emit(transfer.Failed, 0, err)
		return
	}
	e.emit(transfer.Done, 0, nil)
}
