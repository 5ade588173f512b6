package reliability_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// mode is how often a fault strikes.
type mode struct {
	short  string // for the subtests' names
	title  string
	budget int  // matching requests that fail
	wins   bool // whether retries can outlast it
}

var modes = []mode{
	{"win", "Retries can win: the first 2 matching requests fail", 2, true},
	{"lose", "Retries cannot win: every matching request fails", 1 << 30, false},
}

const (
	// cellDeadline bounds each command: a failure must come well before it.
	cellDeadline = 90 * time.Second
	// matrixParallel cells run at once; they mostly wait.
	matrixParallel = 12
)

// outcome is one cell of the matrix.
type outcome struct {
	fault, op string
	mode      mode
	na        string // why the pair does not apply
	code      int
	elapsed   time.Duration
	checked   string // what verify compared
	injected  int64  // faults that struck
	message   string // the failure's first line on stderr, paths elided
	failed    bool
}

// TestFaultMatrix runs every operation under every fault, twice: once
// where retries can win, when the result must be byte-identical, and once
// where they cannot, when the command must fail with exit 1 (ls: its
// service or network code), saying what failed, well within cellDeadline.
// Either way no multipart or QuickSync upload may stay open and no partial
// file or object may sit where the result goes. Each cell is a subtest
// (-run 'TestFaultMatrix/lose,_HTTP_500,_sync' runs one; a pair that does
// not apply is skipped). With -v it prints the table of the cells that ran;
// QCLI_REPORT=path writes it to path.
func TestFaultMatrix(t *testing.T) {
	var cells []*outcome
	t.Cleanup(func() { // after every cell, parallel ones included
		report := renderMatrix(cells)
		if testing.Verbose() {
			fmt.Print(report)
		}
		if path := os.Getenv("QCLI_REPORT"); path != "" {
			if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
				t.Error(err)
			}
		}
	})
	pool := newCellPool(matrixParallel)
	for _, c := range matrixOrder() {
		m, k, op := c.mode, c.kind, c.op
		o := &outcome{fault: k.name, op: op.name, mode: m}
		t.Run(fmt.Sprintf("%s, %s, %s", m.short, k.name, op.name), func(t *testing.T) {
			cells = append(cells, o) // subtests start one at a time, before t.Parallel
			if _, o.na = k.target(op); o.na != "" {
				t.Skip(o.na)
			}
			done := pool.run(t, func(t testing.TB) { runFaultCell(t, k, op, o) })
			t.Parallel()
			<-done
			o.failed = t.Failed()
		})
	}
}

type cellSpec struct {
	mode mode
	kind faultKind
	op   operation
}

// matrixOrder is every cell, those that wait out read timeouts first
// (15-30s each where retries cannot win, against well under a second for
// most others), so that they wait while the pool runs the rest rather than
// after it.
func matrixOrder() []cellSpec {
	var specs []cellSpec
	for _, m := range modes {
		for _, k := range faultKinds {
			for _, op := range operations {
				specs = append(specs, cellSpec{m, k, op})
			}
		}
	}
	slow := func(c cellSpec) int {
		switch {
		case c.kind.waitsOutReads && !c.mode.wins:
			return 0
		case c.kind.waitsOutReads:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(specs, func(a, b cellSpec) int { return slow(a) - slow(b) })
	return specs
}

// cellPool runs matrix cells on goroutines of its own, n at a time: cells
// mostly wait out backoffs and read timeouts, which the -parallel limit
// (one per CPU) would serialise. A cell's subtest starts its work here and
// only then calls t.Parallel, so -run still picks the cells that run.
type cellPool struct{ sem chan struct{} }

func newCellPool(n int) *cellPool { return &cellPool{sem: make(chan struct{}, n)} }

// run starts f with t's subtest and returns a channel closed when f ends.
func (p *cellPool) run(t *testing.T, f func(testing.TB)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.sem <- struct{}{}
		defer func() { <-p.sem }()
		pt := &poolT{T: t}
		defer pt.cleanup()
		f(pt)
	}()
	return done
}

// poolT is a subtest's T used from a pool goroutine. Errors, logs and
// temporary directories go to the subtest as usual; FailNow, which testing
// allows only on the test's own goroutine, ends the pool goroutine instead,
// after marking the subtest failed; cleanups (the cell's emulator) run as
// soon as the cell ends, not when its subtest gets its turn to finish.
type poolT struct {
	*testing.T
	mu       sync.Mutex
	cleanups []func()
}

func (p *poolT) FailNow()                          { p.T.Fail(); runtime.Goexit() }
func (p *poolT) Fatal(args ...any)                 { p.T.Error(args...); runtime.Goexit() }
func (p *poolT) Fatalf(format string, args ...any) { p.T.Errorf(format, args...); runtime.Goexit() }

func (p *poolT) Cleanup(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cleanups = append(p.cleanups, f)
}

// cleanup runs the cleanups, last registered first.
func (p *poolT) cleanup() {
	p.mu.Lock()
	fns := p.cleanups
	p.cleanups = nil
	p.mu.Unlock()
	for _, f := range slices.Backward(fns) {
		f()
	}
}

// runFaultCell runs op once under fault k and checks the aftermath.
func runFaultCell(t testing.TB, k faultKind, op operation, o *outcome) {
	tr := newTranscript()
	e := newWrappedEnv(t, tr.wrap)
	if k.waitsOutReads {
		writeConfig(t, e.Env, stallReadTimeout)
	}
	tmp := filepath.Dir(t.TempDir()) // the cell's temporary directories are under it
	j := op.prepare(e)
	target, _ := k.target(op)
	var matched atomic.Int64
	e.Server.Emulator.SetFault(k.build(o.mode.budget, func(r *http.Request) bool {
		if target(r) {
			matched.Add(1)
			return true
		}
		return false
	}))
	ctx, cancel := context.WithTimeout(context.Background(), cellDeadline)
	defer cancel()
	start := time.Now()
	r := e.run(ctx, "", j.argv...)
	o.elapsed = time.Since(start)
	e.Server.Emulator.SetFault(nil)
	o.code, o.injected = r.Code, min(matched.Load(), int64(o.mode.budget))
	o.message = elide(firstLine(r.Stderr), tmp, e.Server.URL)
	if ctx.Err() != nil {
		t.Errorf("still running after %s", cellDeadline)
	}
	judge(t, op, j, o, r)
	checkAftermath(t, e, j)
	if t.Failed() || os.Getenv("QCLI_TRANSCRIPT") != "" {
		t.Logf("exit %d, stderr:\n%s\nrequests (%d aimed at by the fault, of which %d struck):\n%s", r.Code, r.Stderr, matched.Load(), o.injected, tr)
	}
}

// judge checks the command's outcome against the cell's mode.
func judge(t testing.TB, op operation, j *job, o *outcome, r clitest.Result) {
	switch {
	case o.injected == 0: // the command failed before the requests the fault is aimed at, or sent none
		t.Errorf("the fault never struck (exit %d): %s", r.Code, firstLine(r.Stderr))
	case o.mode.wins && r.Code != 0:
		t.Errorf("exit %d, want 0: %s", r.Code, r.Stderr)
	case r.Code == 0: // where retries cannot win, only a lost answer to a processed request can end well
		var err error
		if o.checked, err = j.verify(r.Stdout); err != nil {
			t.Errorf("result differs: %v", err)
		}
	case !slices.Contains(op.failCodes, r.Code):
		t.Errorf("exit %d, want one of %v: %s", r.Code, op.failCodes, r.Stderr)
	case !strings.Contains(r.Stderr, j.names):
		t.Errorf("the error does not name %s: %s", j.names, r.Stderr)
	}
}

// checkAftermath: no upload left open, nothing partial where the result goes.
func checkAftermath(t testing.TB, e *env, j *job) {
	if err := j.intact(); err != nil {
		t.Errorf("partial result left: %v", err)
	}
	e.checkNoOpenUploads(t)
}

// firstLine is the first line of s that says something failed, else the first line.
func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "qcli:") || strings.Contains(l, "failed:") {
			return l
		}
	}
	return lines[0]
}

// elide replaces the cell's temporary paths and the emulator's address,
// which change from run to run.
func elide(s, tmp, url string) string {
	s = regexp.MustCompile(regexp.QuoteMeta(tmp)+`/[0-9]+`).ReplaceAllString(s, "$$TMP")
	return port.ReplaceAllString(strings.ReplaceAll(s, url, "https://emulator"), "127.0.0.1:PORT")
}

var port = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
