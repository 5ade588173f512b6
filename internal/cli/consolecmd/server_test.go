package consolecmd_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
)

// banner collects `qcli server`'s output and closes ready once it is out.
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
	if strings.Contains(b.buf.String(), "qcli console stats") {
		b.once.Do(func() { close(b.ready) })
	}
	return len(p), nil
}

func (b *banner) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve runs `qcli server args...` in-process until the test ends and
// returns its banner.
func serve(t *testing.T, args ...string) string {
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
		t.Fatalf("server exited %d: %s %s", code, out, errOut)
	}
	return out.String()
}

// qcli runs one command line against a plain environment.
func qcli(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	env["QCLI_CONFIG_DIR"] = t.TempDir()
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }}
	code = root.Run(t.Context(), f, args)
	return out.String(), errOut.String(), code
}

// qcli server serves the console on its S3 address: the endpoint and the
// key are all a client needs, whether the key was given or generated.
func TestServerServesTheConsole(t *testing.T) {
	for _, args := range [][]string{{"--console-api-key", "given-key-123"}, nil} {
		out := serve(t, args...)
		m := regexp.MustCompile(`QCLI_CONSOLE_ENDPOINT=(\S+) QCLI_CONSOLE_API_KEY=(\S+) qcli console stats`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("banner lacks the console line:\n%s", out)
		}
		endpoint, key := m[1], m[2]
		if args != nil && key != "given-key-123" || args == nil && !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(key) {
			t.Errorf("key %q (args %v)", key, args)
		}
		stdout, stderr, code := qcli(t, map[string]string{"QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_CONSOLE_API_KEY": key}, "console", "stats")
		if code != 0 || !strings.Contains(stdout, "credentials:       1") {
			t.Errorf("console stats: exit %d\n%s%s", code, stdout, stderr)
		}
		_, stderr, code = qcli(t, map[string]string{"QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_CONSOLE_API_KEY": "guess"}, "console", "stats")
		if code != cmdutil.ExitService || !strings.Contains(stderr, "HTTP 403") {
			t.Errorf("wrong key: exit %d %s", code, stderr)
		}
	}
}
