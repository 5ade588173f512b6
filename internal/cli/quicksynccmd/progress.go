package quicksynccmd

import (
	"fmt"
	"io"
	"time"

	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/humanize"
	"github.com/quilibrium/qcli/transfer"
)

// progress shows one transfer on stderr. On a terminal it redraws one line
// at most every redrawEvery; elsewhere (CI logs) it writes a plain line at
// the start and at each quarter, with no carriage returns. It is off with
// --quiet and --output json, which keep stderr for errors only.
type progress struct {
	w        io.Writer
	tty      bool
	op       string // "upload", "download"
	label    string
	size     int64
	done     int64
	quarter  int64
	lastDraw time.Time
	now      func() time.Time
}

const redrawEvery = 200 * time.Millisecond

// newProgress returns nil, which shows nothing, when progress is off.
func newProgress(ios *iostreams.IOStreams, off bool, op, label string, size int64) *progress {
	if off {
		return nil
	}
	p := &progress{w: ios.ErrOut, tty: ios.StderrTTY, op: op, label: label, size: size, now: time.Now}
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %s: started, %s\n", op, label, humanize.Bytes(size))
	}
	return p
}

// add counts n more bytes.
func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.done += n
	if p.tty {
		if now := p.now(); now.Sub(p.lastDraw) >= redrawEvery {
			p.lastDraw = now
			p.draw()
		}
		return
	}
	if p.size > 0 {
		for q := p.done * 4 / p.size; p.quarter < q && q < 4; {
			p.quarter++
			fmt.Fprintf(p.w, "%s: %s: %d%% (%s of %s)\n", p.op, p.label, p.quarter*25, humanize.Bytes(p.done), humanize.Bytes(p.size))
		}
	}
}

func (p *progress) draw() {
	pct := int64(100)
	if p.size > 0 {
		pct = p.done * 100 / p.size
	}
	fmt.Fprintf(p.w, "\r%s: %s: %s of %s (%d%%)\x1b[K", p.op, p.label, humanize.Bytes(p.done), humanize.Bytes(p.size), pct)
}

// finish ends the display; the outcome itself is printed by the command.
func (p *progress) finish(err error) {
	if p == nil {
		return
	}
	switch {
	case p.tty:
		p.draw()
		fmt.Fprintln(p.w)
	case err == nil:
		fmt.Fprintf(p.w, "%s: %s: done, %s\n", p.op, p.label, humanize.Bytes(p.done))
	}
}

// event feeds an upload's transfer events to the display.
func (p *progress) event(ev transfer.Event) {
	switch ev.Type {
	case transfer.Bytes:
		p.add(ev.Bytes)
	case transfer.Done, transfer.Failed:
		p.finish(ev.Err)
	}
}
