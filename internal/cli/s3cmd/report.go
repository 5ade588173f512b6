package s3cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	mu       sync.Mutex
	p        *output.Printer
	errOut   io.Writer
	display  progress.Display
	move     bool // mv: an object is reported when its source is removed
	single   bool // one object: its error is the command's, printed once by the caller
	onlyErrs bool // --only-show-errors or --quiet: no per-object lines
	// sourceVersion is the version --version-id named, which text lines
	// show after the source ("delete: s3://b/k (version v)").
	sourceVersion string
	start         time.Time
	cwd           string // for the AWS CLI's relative local paths
	printErrs     error  // the first error writing stdout (a closed pipe)
	// shard is "I/N" when the job is one shard of several, named on every line.
	shard string
}

// newReporter sets up reporting for a transfer command. With quiet, per-object
// lines and progress are left out; failures, warnings and the JSON summary
// are not. For one shard of a job, every line names the shard: text lines,
// on stdout and stderr, start with "[shard I/N] ", and JSON lines carry
// "shard":"I/N".
func newReporter(ios *iostreams.IOStreams, p *output.Printer, quiet bool, t *transferFlags, move bool, shard transfer.Shard) (*reporter, error) {
	mode, err := t.progressMode()
	if err != nil {
		return nil, err
	}
	mode = progress.Resolve(mode, ios.StderrTTY, quiet, p.Format == output.JSON)
	cwd, _ := os.Getwd()
	r := &reporter{p: p, errOut: ios.ErrOut, move: move, onlyErrs: t.OnlyShowErrors || quiet, start: time.Now(), cwd: cwd}
	display := ios.ErrOut
	if shard.Count > 1 {
		r.shard = shard.String()
		tag := "[shard " + r.shard + "] "
		r.errOut = newLinePrefixer(ios.ErrOut, tag)
		if mode != progress.Bar { // a bar redraws one line in place
			display = r.errOut
		}
		if p.Format != output.JSON {
			r.p = output.New(newLinePrefixer(p.Writer(), tag), p.Format)
		}
	}
	r.display = progress.New(mode, display, 0)
	return r, nil
}

// linePrefixer starts every line written through it with a prefix.
type linePrefixer struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	inLine bool // the last write did not end a line
}

func newLinePrefixer(w io.Writer, prefix string) *linePrefixer {
	return &linePrefixer{w: w, prefix: prefix}
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for rest := string(p); rest != ""; {
		if !l.inLine {
			b.WriteString(l.prefix)
		}
		line, after, ended := strings.Cut(rest, "\n")
		b.WriteString(line)
		if ended {
			b.WriteByte('\n')
		}
		l.inLine, rest = !ended, after
	}
	if _, err := io.WriteString(l.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
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
		r.failed(ev)
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

// The statuses of an action's JSON line.
const (
	statusDone    = "done"
	statusDryRun  = "dryrun"
	statusFailed  = "failed"
	statusSkipped = "skipped"
)

// jsonAction is the JSON line of an action that has no transfer result
// (make_bucket, remove_bucket, abort_upload, rb --force's deletes): the
// same type, status and source as jsonLine's.
type jsonAction struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Source string `json:"source"`
}

// jsonLine is one object of --output json: type is the word of the text
// line (upload, download, copy, move, delete), the rest transfer.Result's.
type jsonLine struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	*transfer.Result
	Error string `json:"error,omitempty"`
	Shard string `json:"shard,omitempty"`
}

func (r *reporter) done(ev transfer.Event) {
	res := ev.Result
	if r.onlyErrs || (res.Source == "-" && r.p.Format != output.JSON) {
		return // an upload from stdin prints no line, as in the AWS CLI
	}
	r.display.Print(func() {
		if r.p.Format == output.JSON {
			status := statusDone
			if res.DryRun {
				status = statusDryRun
			}
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: status, Result: res, Shard: r.shard}))
			return
		}
		prefix := ""
		if res.DryRun {
			prefix = "(dryrun) "
		}
		source := r.shown(res.Source) + versionSuffix(r.sourceVersion)
		if res.Dest == "" {
			r.write(r.p.Line("%s%s: %s", prefix, r.action(ev.Op), source))
			return
		}
		r.write(r.p.Line("%s%s: %s to %s", prefix, r.action(ev.Op), source, r.shown(res.Dest)))
	})
}

func (r *reporter) failed(ev transfer.Event) {
	r.display.Print(func() {
		where := output.Name(r.shown(ev.Source))
		if ev.Dest != "" {
			where += " to " + output.Name(r.shown(ev.Dest))
		}
		if !r.single { // a single object's error is the command's, printed once by the caller
			fmt.Fprintf(r.errOut, "%s failed: %s: %v\n", r.action(ev.Op), where, output.Name(oneLine(ev.Err)))
		}
		if r.p.Format == output.JSON {
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: statusFailed, Error: oneLine(ev.Err), Shard: r.shard,
				Result: &transfer.Result{Op: ev.Op, Source: ev.Source, Dest: ev.Dest, Size: max(ev.Size, 0)}}))
		}
	})
}

func (r *reporter) skipped(ev transfer.Event) {
	reason := skipReason(ev.Err)
	r.display.Print(func() {
		fmt.Fprintf(r.errOut, "warning: skipping %s: %s\n", output.Name(r.shown(ev.Source)), output.Name(reason))
		if r.p.Format == output.JSON {
			r.write(r.p.JSON(jsonLine{Type: r.action(ev.Op), Status: statusSkipped, Error: reason, Shard: r.shard,
				Result: &transfer.Result{Op: ev.Op, Source: ev.Source, Dest: ev.Dest, Size: max(ev.Size, 0)}}))
		}
	})
}

// skipReason is why an entry was skipped, without the path the warning
// line names already ("permission denied", not "skipping a: open a:
// permission denied").
func skipReason(err error) string {
	var se *transfer.SourceError
	note := ""
	if errors.As(err, &se) {
		err = se.Err
		if se.Note != "" {
			note = "; " + se.Note
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return oneLine(err) + note
}

// shown is a location as the AWS CLI's text lines show it: S3 URLs and
// "-" as they are, local paths relative to the working directory, with
// "./" before a name in it ("./a.txt", "sub/b.txt", "../c.txt"). An
// absolute path outside the working directory is shown as given, where
// the AWS CLI climbs up to it ("../../../tmp/x").
func (r *reporter) shown(loc string) string {
	if loc == "" || loc == "-" || strings.HasPrefix(loc, "s3://") || r.cwd == "" {
		return loc
	}
	abs, err := filepath.Abs(loc)
	if err != nil {
		return loc
	}
	dir, err := filepath.Rel(r.cwd, filepath.Dir(abs))
	if err != nil || filepath.IsAbs(loc) && (dir == ".." || strings.HasPrefix(dir, ".."+string(filepath.Separator))) {
		return loc
	}
	return dir + string(filepath.Separator) + filepath.Base(abs)
}

func (r *reporter) write(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && r.printErrs == nil {
		r.printErrs = err
	}
}

// oneLine is an object's error as its line shows it: the first line, with
// the qcli command that fixes it (cmdutil.Advise).
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	s := cmdutil.Advise(err).Error()
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// jsonSummary is the last line of a transfer's --output json.
type jsonSummary struct {
	Type string `json:"type"` // summary
	transfer.Summary
	Seconds float64 `json:"seconds"`
	Shard   string  `json:"shard,omitempty"`
}

// finish closes the display, prints the JSON summary line and turns the
// outcome into the command's error: 130 when interrupted, 1 when an object
// failed, 2 when one was skipped with a warning.
func (r *reporter) finish(ctx context.Context, sum transfer.Summary, err error) error {
	r.display.Close()
	if r.p.Format == output.JSON {
		r.write(r.p.JSON(jsonSummary{Type: "summary", Summary: sum, Seconds: time.Since(r.start).Seconds(), Shard: r.shard}))
	}
	err = outcome(ctx, sum, err, r.printErrs)
	if err != nil && r.shard != "" {
		err = fmt.Errorf("shard %s: %w", r.shard, err)
	}
	return err
}

// outcome maps a tree operation's result to the command's error.
func outcome(ctx context.Context, sum transfer.Summary, err, printErr error) error {
	switch {
	case ctx.Err() != nil:
		return cmdutil.ErrInterrupted
	case err != nil:
		return transferError(err)
	case sum.Failed > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("%d of %s failed", sum.Failed, objects(sum.Failed+sum.Done))}
	case sum.Skipped > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitParse, Err: fmt.Errorf("%s skipped", wasWere(sum.Skipped))}
	case printErr != nil:
		return printErr
	}
	return nil
}

// objects is "1 object" or "n objects".
func objects(n int64) string {
	if n == 1 {
		return "1 object"
	}
	return fmt.Sprintf("%d objects", n)
}

// wasWere is "1 object was" or "n objects were".
func wasWere(n int64) string {
	if n == 1 {
		return "1 object was"
	}
	return objects(n) + " were"
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
