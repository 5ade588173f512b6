package quicksynccmd_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/servercmd"
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
	if strings.Contains(b.buf.String(), "quicksync login") {
		b.once.Do(func() { close(b.ready) })
	}
	return len(p), nil
}

func (b *banner) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve runs `qcli server args...` until the test ends.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	out := &banner{ready: make(chan struct{})}
	ios, _, _, _ := iostreams.Test()
	ios.Out = out
	cmd := servercmd.NewCmdServer(&cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}, nil)
	cmd.SetArgs(append([]string{"--memory", "--addr", "127.0.0.1:0"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-out.ready:
	case err := <-done:
		t.Fatalf("server exited: %v\n%s", err, out)
	}
	return out.String()
}

func TestServerServesQuickSync(t *testing.T) {
	text := serve(t, "--quicksync-session", "my-session", "--quicksync-password", "my-password")
	m := regexp.MustCompile(`quicksync:  (http://\S+)/v1 \(session: my-session, password: my-password\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("banner:\n%s", text)
	}
	e := clitest.New(t)
	e.Vars["QCLI_QUICKSYNC_ENDPOINT"] = m[1]
	r := e.Run("my-password\n", "quicksync", "login", "--session", "my-session", "--password-stdin")
	if r.Code != 0 {
		t.Fatalf("login: %s", r.Stderr)
	}
	if ls := e.MustRun("quicksync", "ls"); ls.Stdout != "" {
		t.Errorf("ls: %q", ls.Stdout)
	}
}

func TestServerGeneratesAQuickSyncSession(t *testing.T) {
	text := serve(t)
	m := regexp.MustCompile(`session: (\S+), password: (\w{32})\)`).FindStringSubmatch(text)
	if m == nil || !strings.HasPrefix(m[1], "local-") {
		t.Fatalf("banner:\n%s", text)
	}
}
