package reliability_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
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
	title  string
	budget int  // matching requests that fail
	wins   bool // whether retries can outlast it
}

var modes = []mode{
	{"Retries can win: the first 2 matching requests fail", 2, true},
	{"Retries cannot win: every matching request fails", 1 << 30, false},
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
	problems  []string
}

// TestFaultMatrix runs every operation under every fault, twice: once
// where retries can win, when the result must be byte-identical, and once
// where they cannot, when the command must fail with exit 1 (ls: its
// service or network code), saying what failed, well within cellDeadline.
// Either way no multipart or QuickSync upload may stay open and no partial
// file or object may sit where the result goes. With -v it prints the
// table; QCLI_REPORT=path writes it to path.
func TestFaultMatrix(t *testing.T) {
	var cells []*outcome
	var wg sync.WaitGroup
	sem := make(chan struct{}, matrixParallel)
	for _, m := range modes {
		for _, k := range faultKinds {
			for _, op := range operations {
				o := &outcome{fault: k.name, op: op.name, mode: m}
				cells = append(cells, o)
				if _, o.na = k.target(op); o.na != "" {
					continue
				}
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					o.problems = runCell(t, func(ct *cellT) { runFaultCell(ct, k, op, o) })
				})
			}
		}
	}
	wg.Wait()
	for _, o := range cells {
		for _, p := range o.problems {
			t.Errorf("%s / %s / %s: %s", o.mode.title[:17], o.fault, o.op, p)
		}
	}
	report := renderMatrix(cells)
	if testing.Verbose() {
		fmt.Print(report)
	}
	if path := os.Getenv("QCLI_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// runFaultCell runs op once under fault k and checks the aftermath.
func runFaultCell(t *cellT, k faultKind, op operation, o *outcome) {
	e := newEnv(t)
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
	o.message = elide(firstLine(r.Stderr), t.dir, e.Server.URL)
	if ctx.Err() != nil {
		t.Errorf("still running after %s", cellDeadline)
	}
	judge(t, op, j, o, r)
	checkAftermath(t, e, j)
}

// judge checks the command's outcome against the cell's mode.
func judge(t *cellT, op operation, j *job, o *outcome, r clitest.Result) {
	switch {
	case o.injected == 0:
		t.Errorf("the fault never struck")
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
func checkAftermath(t *cellT, e *env, j *job) {
	if err := j.intact(); err != nil {
		t.Errorf("partial result left: %v", err)
	}
	if open, err := e.openUploads(); err != nil || len(open) > 0 {
		t.Errorf("uploads left open: %v %v", open, err)
	}
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

// elide replaces the test's temporary paths and the emulator's address,
// which change from run to run.
func elide(s, dir, url string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, dir, "$TMP"), url, "https://emulator")
	return port.ReplaceAllString(cellDir.ReplaceAllString(s, "$$TMP"), "127.0.0.1:PORT")
}

var (
	cellDir = regexp.MustCompile(`\$TMP/cell[0-9]+`)
	port    = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
)
