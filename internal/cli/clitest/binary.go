package clitest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// built is the qcli binary of this test process: linking it takes seconds,
// so it is built once, by the first test that needs it.
var built struct {
	once sync.Once
	dir  string // removed by Main
	path string
	err  error
}

// Binary returns the path of a qcli binary built from this checkout, for
// tests that run it as a shell would (exit codes, signals, pipes). The
// first call in a test process builds it into a temporary directory; the
// package's TestMain must call Main, which removes it.
func Binary(tb testing.TB) string {
	tb.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "qcli-test-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "qcli")
		if runtime.GOOS == "windows" {
			built.path += ".exe"
		}
		// -buildvcs=auto (the toolchain's default, which GOFLAGS may
		// override) stamps the commit, as a user's `go build` in a clone does.
		out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", built.path, "github.com/quilibrium/qcli/cmd/qcli").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("building qcli: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		tb.Fatal(built.err)
	}
	return built.path
}

// Main runs a package's tests and removes the binary Binary built. Call it
// from TestMain: os.Exit skips deferred calls and t.Cleanup would remove
// the binary after the first test that used it.
func Main(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
