package servercmd

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// announceWriter collects output and closes ready once the banner is out.
type announceWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	once  sync.Once
	ready chan struct{}
}

func (w *announceWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), "Try:") {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func (w *announceWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// serve runs `qcli server args...` until stop is called, returning its endpoint.
func serve(t *testing.T, args ...string) (endpoint string, out *announceWriter, stop func()) {
	t.Helper()
	out = &announceWriter{ready: make(chan struct{})}
	ios, _, _, _ := iostreams.Test()
	ios.Out = out
	f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}
	cmd := NewCmdServer(f, nil)
	cmd.SetArgs(args)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	select {
	case <-out.ready:
	case err := <-done:
		t.Fatalf("server exited: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`at (http://\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no endpoint in %q", out.String())
	}
	return m[1], out, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	}
}

func TestServerKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--addr", "127.0.0.1:0", "--data", dir, "--access-key", "AKSERVER", "--secret-key", "server-secret"}
	endpoint, out, stop := serve(t, args...)
	for _, want := range []string{"access key: AKSERVER", "secret key: server-secret", "data:       " + dir} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	c := newClient(t, endpoint)
	if err := c.CreateBucket(context.Background(), "kept", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), "kept", "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	stop()

	endpoint, _, stop = serve(t, args...)
	defer stop()
	data, err := newClient(t, endpoint).Download(context.Background(), "kept", "k")
	if err != nil || string(data) != "v" {
		t.Fatalf("after restart: %q, %v", data, err)
	}
}

func TestServerFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--access-key", "only"}, {"--data", "x", "--memory"}} {
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdServer(&cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}, func(context.Context, *Options) error { return nil })
		cmd.SetArgs(args)
		err := cmd.Execute()
		if cmdutil.ExitCode(err) != cmdutil.ExitSyntax {
			t.Errorf("%v: %v (exit %d)", args, err, cmdutil.ExitCode(err))
		}
	}
}

func newClient(t *testing.T, endpoint string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: endpoint, Credentials: client.Credentials{AccessKeyID: "AKSERVER", SecretAccessKey: "server-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
