package reliability_test

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// cellT is the testing.TB of one matrix cell. Cells run on goroutines of
// their own, many at a time: most of their time is spent waiting out
// backoffs and read timeouts, which the -parallel limit (one per CPU) would
// serialise. cellT records failures instead of ending the parent test, and
// owns its temporary directories and cleanups, so that a cell releases its
// emulator as soon as it ends.
type cellT struct {
	testing.TB // the parent test, for logging and its temporary root

	mu       sync.Mutex
	errs     []string
	cleanups []func()
	dir      string
}

func newCellT(parent testing.TB) *cellT {
	return &cellT{TB: parent, dir: parent.TempDir()}
}

func (c *cellT) Helper() {}

func (c *cellT) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *cellT) Error(args ...any) { c.Errorf("%s", fmt.Sprint(args...)) }
func (c *cellT) Fail()             { c.Errorf("failed") }

// FailNow ends the cell's goroutine, as testing.T ends a test's.
func (c *cellT) FailNow() { runtime.Goexit() }

func (c *cellT) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	c.FailNow()
}

func (c *cellT) Fatal(args ...any) {
	c.Error(args...)
	c.FailNow()
}

func (c *cellT) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.errs) > 0
}

func (c *cellT) Cleanup(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, f)
}

func (c *cellT) TempDir() string {
	dir, err := os.MkdirTemp(c.dir, "cell")
	if err != nil {
		c.Fatal(err)
	}
	return dir
}

// finish runs the cleanups, last registered first, and returns the failures.
func (c *cellT) finish() []string {
	c.mu.Lock()
	fns := slices.Clone(c.cleanups)
	c.cleanups = nil
	c.mu.Unlock()
	for _, f := range slices.Backward(fns) {
		f()
	}
	_ = os.RemoveAll(c.dir)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errs
}

// runCell runs f with a fresh cellT on a goroutine of its own and returns
// its failures once f has returned or called FailNow.
func runCell(parent testing.TB, f func(t *cellT)) []string {
	ct := newCellT(parent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(ct)
	}()
	<-done
	return ct.finish()
}
