package servercmd

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/configure"
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
	return serveWith(t, configure.Flags{}, args...)
}

// serveWith is serve with the global flags given.
func serveWith(t *testing.T, global configure.Flags, args ...string) (endpoint string, out *announceWriter, stop func()) {
	t.Helper()
	out = &announceWriter{ready: make(chan struct{})}
	ios, _, _, _ := iostreams.Test()
	ios.Out = out
	f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }, Flags: global}
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
	c := newClient(t, endpoint, "")
	if err := c.CreateBucket(context.Background(), "kept", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), "kept", "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	stop()

	endpoint, _, stop = serve(t, args...)
	defer stop()
	data, err := newClient(t, endpoint, "").Download(context.Background(), "kept", "k")
	if err != nil || string(data) != "v" {
		t.Fatalf("after restart: %q, %v", data, err)
	}
}

func TestServerFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		region string
		args   []string
	}{{"", []string{"--access-key", "only"}}, {"", []string{"--data", "x", "--memory"}}, {"Not A Region", nil}} {
		ios, _, _, _ := iostreams.Test()
		f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }, Flags: configure.Flags{Region: tc.region}}
		cmd := NewCmdServer(f, func(context.Context, *Options) error { return nil })
		cmd.SetArgs(tc.args)
		err := cmd.Execute()
		if cmdutil.ExitCode(err) != cmdutil.ExitSyntax {
			t.Errorf("%v (region %q): %v (exit %d)", tc.args, tc.region, err, cmdutil.ExitCode(err))
		}
	}
}

// TestServerServesTheRegionAsked: --region is what requests must be
// signed for and what answers name.
func TestServerServesTheRegionAsked(t *testing.T) {
	endpoint, out, stop := serveWith(t, configure.Flags{Region: "eu-test-1"},
		"--addr", "127.0.0.1:0", "--memory", "--access-key", "AKSERVER", "--secret-key", "server-secret")
	defer stop()
	for _, want := range []string{"region:     eu-test-1", "QCLI_ENDPOINT_URL=" + endpoint + " QCLI_REGION=eu-test-1 qcli"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if err := newClient(t, endpoint, "eu-test-1").CreateBucket(context.Background(), "here", client.CreateBucketOptions{}); err != nil {
		t.Fatalf("a client of region eu-test-1: %v", err)
	}
	if err := newClient(t, endpoint, "").HeadBucket(context.Background(), "here"); err == nil {
		t.Error("a request signed for q-world-1 was accepted")
	}
	resp, err := http.Head(endpoint + "/here") // anonymous: refused, but names the region
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Amz-Bucket-Region"); got != "eu-test-1" {
		t.Errorf("x-amz-bucket-region %q, want eu-test-1", got)
	}
}

// newClient is a client of the server's key pair, signing for region ("":
// the default).
func newClient(t *testing.T, endpoint, region string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: endpoint, Region: region,
		Credentials: client.Credentials{AccessKeyID: "AKSERVER", SecretAccessKey: "server-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
