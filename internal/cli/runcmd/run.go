// Package runcmd holds `qcli run`: many command lines in one process, run
// concurrently over one configuration and one S3 connection pool, so a
// script of thousands of operations pays process start, configuration and
// TLS set-up once.
package runcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/transfer"
)

// Tree is how run reaches the rest of the command tree, which it cannot
// import (the tree includes run): New builds a root command over a
// Factory, Execute runs one command line and returns its exit code and
// error line (root.NewCmdRoot and root.Execute).
type Tree struct {
	New     func(*cmdutil.Factory) *cobra.Command
	Execute func(context.Context, *cmdutil.Factory, []string) (code int, msg string)
}

// Options are `qcli run`'s inputs.
type Options struct {
	IO       *iostreams.IOStreams
	Printer  func() *output.Printer
	Config   func() (*configure.Resolved, error)
	NewBatch func(connsPerHost int, errOut io.Writer) *cmdutil.Batch
	Tree     Tree

	File        string // "" or "-": standard input
	Concurrency int
}

const runLong = `Run many qcli commands in one process: one command a line, written as on
the command line without the leading qcli, read from FILE or standard
input. The lines run concurrently (--concurrency at a time) over one
configuration and one connection pool, through the same code as the
commands themselves, checks included.

  s3 mb s3://backup
  s3 cp s3://photos/2024/a.jpg s3://backup/2024/a.jpg
  cp s3://photos/2024/b.jpg s3://backup/2024/b.jpg     # the s3 may be left out
  rm 's3://backup/old report.pdf'                      # shell quoting

Lines are split like a shell's words ('single', "double" quotes and
backslashes; # starts a comment) but nothing is expanded: a line with $,
backquotes, {a,b} or a leading ~ is refused, as are ;, |, && and
redirections.
Every line is checked before any runs: a line that does not parse, or
names a command that cannot run in a batch (run, server, configure,
completion, s3 cat, cp or mv to or from -), or sets a global flag such as
--profile (give those to qcli run itself), is reported with its number,
and nothing runs (exit 2).

Each line's output is printed whole when it finishes, so lines appear in
the order they finish (--concurrency 1 keeps their order). A failed line
prints "line N failed (exit CODE): COMMAND: ERROR" on stderr. --output json prints one object per line and a summary:
  {"type":"line","line":2,"command":"s3 cp ...","exit_code":0,"output":[{...},...]}
  {"type":"line","line":4,"command":"rm ...","exit_code":254,"error":"..."}
  {"type":"summary","lines":4,"ok":3,"failed":1,"not_run":0,"seconds":0.12}
"output" holds the command's own JSON values ("text" its lines, when it
printed text).

Exit status: 0 when every line succeeded, 1 when any failed, 2 when a
line cannot run (nothing ran), 252 when FILE cannot be read, 130 when
interrupted (lines not started are counted as not_run).`

// NewCmdRun builds `qcli run`. runF replaces runRun in tests.
func NewCmdRun(f *cmdutil.Factory, tree Tree, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Printer: f.Printer, Config: f.Config, NewBatch: f.NewBatch, Tree: tree}
	cmd := &cobra.Command{
		Use:   "run [FILE]",
		Short: "Run many commands in one process",
		Long:  runLong,
		Args:  cmdutil.RangeArgs(0, 1, "at most one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if opts.Concurrency < 1 || opts.Concurrency > 1000 {
				return cmdutil.Usagef("invalid --concurrency %d: use 1 to 1000", opts.Concurrency)
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runRun)
		},
	}
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", transfer.DefaultConcurrency, "lines running at once, 1 to 1000")
	return cmd
}

func runRun(ctx context.Context, opts *Options) error {
	text, err := readBatch(ctx, opts)
	if err != nil {
		return err
	}
	if _, err := opts.Config(); err != nil {
		return err
	}
	// One connection for each line in flight, as a transfer of that
	// concurrency would have; lines with parts of their own queue for them.
	// Reports and the shared client's --debug trace share stderr.
	errOut := &syncWriter{w: opts.IO.ErrOut}
	batch := opts.NewBatch(transfer.Options{Concurrency: opts.Concurrency}.ConnsPerHost(), errOut)
	lines, bad := parseBatch(text, opts.Tree.New, batch)
	rep := newReporter(errOut, opts.Printer())
	for _, b := range bad {
		rep.invalid(b)
	}
	if len(bad) == 0 {
		runLines(ctx, opts, batch, lines, rep)
	} else {
		rep.notRun(len(lines))
	}
	return rep.finish(ctx)
}

// readBatch reads the whole batch: every line is checked before any runs.
// Ctrl-C ends a read from a terminal or a stalled pipe.
func readBatch(ctx context.Context, opts *Options) (string, error) {
	if opts.File == "" || opts.File == "-" {
		type read struct {
			b   []byte
			err error
		}
		done := make(chan read, 1)
		go func() {
			b, err := io.ReadAll(opts.IO.In)
			done <- read{b, err}
		}()
		select {
		case r := <-done:
			if r.err != nil {
				return "", fmt.Errorf("reading the batch from standard input: %w", r.err)
			}
			return string(r.b), nil
		case <-ctx.Done():
			return "", cmdutil.ErrInterrupted
		}
	}
	b, err := os.ReadFile(opts.File)
	if err != nil {
		return "", cmdutil.Usagef("cannot read the batch: %w", err)
	}
	return string(b), nil
}

// runLines runs the lines, opts.Concurrency at a time, and reports each as
// it finishes. After an interrupt no further line starts.
func runLines(ctx context.Context, opts *Options, batch *cmdutil.Batch, lines []line, rep *reporter) {
	next := make(chan line)
	var wg sync.WaitGroup
	for range min(opts.Concurrency, len(lines)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range next {
				rep.done(l, runLine(ctx, opts.Tree, batch, l))
			}
		}()
	}
	sent := 0
feed:
	for _, l := range lines {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- l:
			sent++
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	rep.notRun(len(lines) - sent)
}

// result is one line's outcome: exit code, error line and its streams.
type result struct {
	code        int
	msg         string
	out, errOut []byte
}

// runLine runs one line with its own streams and Factory over the batch.
func runLine(ctx context.Context, tree Tree, batch *cmdutil.Batch, l line) result {
	out, errOut := newLockedBuffer(), newLockedBuffer()
	ios := &iostreams.IOStreams{In: noStdin{}, Out: out, ErrOut: errOut}
	code, msg := tree.Execute(ctx, batch.Factory(ios), l.args)
	return result{code: code, msg: msg, out: out.Bytes(), errOut: errOut.Bytes()}
}

// noStdin is a line's standard input: the batch itself may be standard
// input, and a line has no terminal to ask anything on.
type noStdin struct{}

func (noStdin) Read([]byte) (int, error) { return 0, errNoStdin }

var errNoStdin = errors.New("a line of qcli run cannot read standard input")

// syncWriter serialises writes from concurrent goroutines to one stream.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
