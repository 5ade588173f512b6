package s3cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/transfer"
)

// reporter turns transfer events into the AWS CLI's result lines
// ("upload: ./a to s3://b/a") or JSON lines on stdout, error and warning
// lines on stderr, and the progress display.
type reporter struct {
	mu        sync.Mutex
	p         *output.Printer
	errOut    io.Writer
	display   progress.Display
	move      bool // mv: an object is reported when its source is removed
	single    bool // one object: its error is the command's, printed once by the caller
	onlyErrs  bool
	start     time.Time
	printErrs error // the first error writing stdout (a closed pipe)
}

// newReporter sets up reporting for a transfer command.
func newReporter(ios *iostreams.IOStreams, p *output.Printer, quiet bool, t *transferFlags, move bool) (*reporter, error) {
	mode, err := t.progressMode()
	if err != nil {
		return nil, err
	}
	mode = progress.Resolve(mode, ios.StderrTTY, quiet, p.Format == output.JSON)
	return &reporter{p: p, errOut: ios.ErrOut, display: progress.New(mode, ios.ErrOut, 0), move: move,
		onlyErrs: t.OnlyShowErrors, start: time.Now()}, nil
}

// event is the transfer.Options.Progress callback.
func (r *reporter) event(ev transfer.Event) {
	r.display.Event(ev)
	switch ev.Type {
	case transfer.Done:
		if ev.Result != nil && (!r.move || ev.Result.DryRun || ev.Op == transfer.OpDelete) {
			r.done(ev)
		}
	case transfer.Removed:
		r.done(ev)
	case transfer.Failed:
		if !r.single {
			r.failed(ev)
		}
	case transfer.Skipped:
		if ev.Err != nil {
			r.skipped(ev)
		}
	}
}

// action is the word a result line starts with.
func (r *reporter) action(op transfer.Op) string {
	if r.move && op != transfer.OpDelete {
		return "move"
	}
	return string(op)
}

// jsonLine is one object of --output json.
type jsonLine struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	*transfer.Result
	Error string `json:"error,omitempty"`
}

func (r *reporter) done(ev transfer.Event) {
	if r.onlyErrs {
		return
	}
	res := ev.Result
	r.display.Print(func() {
		if r.p.Format == output.JSON {
			status := "done"
			if res.DryRun {
				status = "dryrun"
			}
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: status, Result: res}))
			return
		}
		prefix := ""
		if res.DryRun {
			prefix = "(dryrun) "
		}
		if res.Dest == "" {
			r.write(r.p.Line("%s%s: %s", prefix, r.action(ev.Op), res.Source))
			return
		}
		r.write(r.p.Line("%s%s: %s to %s", prefix, r.action(ev.Op), res.Source, res.Dest))
	})
}

func (r *reporter) failed(ev transfer.Event) {
	r.display.Print(func() {
		where := ev.Source
		if ev.Dest != "" {
			where += " to " + ev.Dest
		}
		fmt.Fprintf(r.errOut, "%s failed: %s: %v\n", r.action(ev.Op), where, oneLine(ev.Err))
		if r.p.Format == output.JSON {
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: "failed", Error: oneLine(ev.Err),
				Result: &transfer.Result{Op: ev.Op, Source: ev.Source, Dest: ev.Dest, Size: max(ev.Size, 0)}}))
		}
	})
}

func (r *reporter) skipped(ev transfer.Event) {
	r.display.Print(func() {
		fmt.Fprintf(r.errOut, "warning: skipping %s: %v\n", ev.Source, oneLine(ev.Err))
		if r.p.Format == output.JSON {
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: "skipped", Error: oneLine(ev.Err),
				Result: &transfer.Result{Op: ev.Op, Source: ev.Source, Dest: ev.Dest, Size: max(ev.Size, 0)}}))
		}
	})
}

func (r *reporter) write(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && r.printErrs == nil {
		r.printErrs = err
	}
}

func oneLine(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// finish closes the display, prints the JSON summary line and turns the
// outcome into the command's error: 130 when interrupted, 1 when an object
// failed, 2 when one was skipped with a warning.
func (r *reporter) finish(ctx context.Context, sum transfer.Summary, err error) error {
	r.display.Close()
	if r.p.Format == output.JSON {
		r.write(r.p.JSON(struct {
			Type string `json:"type"`
			transfer.Summary
			Seconds float64 `json:"seconds"`
		}{"summary", sum, time.Since(r.start).Seconds()}))
	}
	return outcome(ctx, sum, err, r.printErrs)
}

// outcome maps a tree operation's result to the command's error.
func outcome(ctx context.Context, sum transfer.Summary, err, printErr error) error {
	switch {
	case ctx.Err() != nil:
		return cmdutil.ErrInterrupted
	case err != nil:
		return transferError(err)
	case sum.Failed > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("%d of %d objects failed", sum.Failed, sum.Failed+sum.Done)}
	case sum.Skipped > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitParse, Err: fmt.Errorf("%d objects were skipped", sum.Skipped)}
	case printErr != nil:
		return printErr
	}
	return nil
}

// transferError gives a failed transfer the AWS CLI's exit code 1; errors
// that already carry a meaning (configuration, usage, interruption) keep
// theirs.
func transferError(err error) error {
	var (
		cfg   *cmdutil.ConfigError
		usage *cmdutil.UsageError
		exit  *cmdutil.ExitError
	)
	if errors.Is(err, context.Canceled) || errors.As(err, &cfg) || errors.As(err, &usage) || errors.As(err, &exit) {
		return err
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: err}
}
