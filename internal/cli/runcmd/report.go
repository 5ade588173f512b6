package runcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// reporter prints each line's outcome whole, one line at a time, and
// counts outcomes for the summary and the exit status. Text: the command's
// own output, and "line N failed: ..." on stderr. JSON: one lineResult a
// line and a summary; stderr as in text.
type reporter struct {
	mu       sync.Mutex
	errOut   io.Writer
	p        *output.Printer
	start    time.Time
	sum      summary
	writeErr error // the first error writing stdout (a closed pipe)
}

// lineResult is one line of --output json.
type lineResult struct {
	Type     string            `json:"type"` // "line"
	Line     int               `json:"line"`
	Command  string            `json:"command"`
	ExitCode int               `json:"exit_code"`
	Error    string            `json:"error,omitempty"`
	Output   []json.RawMessage `json:"output,omitempty"` // the command's JSON values
	Text     []string          `json:"text,omitempty"`   // or its lines, when it printed text
}

// summary is the last line of --output json.
type summary struct {
	Type    string  `json:"type"` // "summary"
	Lines   int     `json:"lines"`
	OK      int     `json:"ok"`
	Failed  int     `json:"failed"`
	Invalid int     `json:"invalid,omitempty"`
	NotRun  int     `json:"not_run"`
	Seconds float64 `json:"seconds"`
}

func newReporter(errOut io.Writer, p *output.Printer) *reporter {
	return &reporter{errOut: errOut, p: p, start: time.Now(), sum: summary{Type: "summary"}}
}

// done reports a line that ran.
func (r *reporter) done(l line, res result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Lines++
	if res.code == cmdutil.ExitOK {
		r.sum.OK++
	} else {
		r.sum.Failed++
	}
	_, _ = r.errOut.Write(res.errOut)
	if res.code != cmdutil.ExitOK {
		fmt.Fprintf(r.errOut, "line %d failed (exit %d): %s: %s\n", l.num, res.code, output.Name(l.text), output.Name(res.msg))
	}
	if r.p.Format != output.JSON {
		r.write(writeAll(r.p.Writer(), res.out))
		return
	}
	lr := lineResult{Type: "line", Line: l.num, Command: l.text, ExitCode: res.code, Error: res.msg}
	lr.Output, lr.Text = embed(res.out)
	r.write(r.p.JSON(lr))
}

// invalid reports a line that cannot run.
func (r *reporter) invalid(b badLine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Lines++
	r.sum.Invalid++
	msg := cmdutil.ErrorLine(b.err)
	fmt.Fprintf(r.errOut, "line %d cannot run: %s: %s\n", b.num, output.Name(b.text), output.Name(msg))
	if r.p.Format == output.JSON {
		r.write(r.p.JSON(lineResult{Type: "line", Line: b.num, Command: b.text, ExitCode: cmdutil.ExitCode(b.err), Error: msg}))
	}
}

// notRun counts lines left unstarted by an interrupt.
func (r *reporter) notRun(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Lines += n
	r.sum.NotRun += n
}

// finish prints the JSON summary and turns the outcome into run's error.
func (r *reporter) finish(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p.Format == output.JSON {
		r.sum.Seconds = time.Since(r.start).Seconds()
		r.write(r.p.JSON(r.sum))
	}
	s := r.sum
	switch {
	case s.Invalid > 0:
		return &cmdutil.FlagError{Err: fmt.Errorf("%d of %d lines cannot run; nothing was run", s.Invalid, s.Lines)}
	case ctx.Err() != nil:
		return cmdutil.ErrInterrupted
	case s.Failed > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("%d of %d lines failed", s.Failed, s.Lines)}
	}
	return r.writeErr
}

func (r *reporter) write(err error) {
	if err != nil && r.writeErr == nil {
		r.writeErr = err
	}
}

func writeAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}

// embed returns a command's output as its JSON values, or as text lines
// when it is not a stream of JSON values (a command that prints text).
func embed(out []byte) ([]json.RawMessage, []string) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	var values []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return values, nil
		}
		if err != nil {
			return nil, strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		}
		values = append(values, v)
	}
}

// lockedBuffer is a line's stdout or stderr: a command may write from more
// than one goroutine (results and a progress log).
type lockedBuffer struct {
	syncWriter
	buf bytes.Buffer
}

func newLockedBuffer() *lockedBuffer {
	b := &lockedBuffer{}
	b.w = &b.buf
	return b
}

// Bytes is what was written; call it once the command has returned.
func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Bytes()
}
