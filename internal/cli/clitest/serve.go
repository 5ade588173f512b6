package clitest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
)

// Serve runs `qcli server --addr 127.0.0.1:0 --memory args...` in-process
// until the test ends, and returns the banner it prints on start.
func Serve(t testing.TB, args ...string) string {
	t.Helper()
	out := &banner{ready: make(chan struct{})}
	ios, _, _, errOut := iostreams.Test()
	ios.Out = out
	f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- root.Run(ctx, f, append([]string{"server", "--addr", "127.0.0.1:0", "--memory"}, args...))
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-out.ready:
	case code := <-done:
		t.Fatalf("qcli server exited %d: %s %s", code, out, errOut)
	}
	return out.String()
}

// banner collects the server's output; ready closes at the first write,
// since the server prints its whole banner in one.
type banner struct {
	mu    sync.Mutex
	buf   strings.Builder
	once  sync.Once
	ready chan struct{}
}

func (b *banner) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	b.once.Do(func() { close(b.ready) })
	return len(p), nil
}

func (b *banner) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
