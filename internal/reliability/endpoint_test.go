package reliability_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

// blackHole accepts connections and never answers, as a firewall that
// drops packets or a hung server does.
type blackHole struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newBlackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackHole{ln: ln}
	go b.accept()
	t.Cleanup(b.close)
	return ln.Addr().String()
}

func (b *blackHole) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		b.conns = append(b.conns, c)
		b.mu.Unlock()
	}
}

func (b *blackHole) close() {
	b.ln.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
}

// deadAddress is a port nothing listens on: connections are refused.
func deadAddress(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// useSettings replaces the environment's config file with one that trusts
// the emulator's CA and holds settings (INI lines).
func (e *env) useSettings(t *testing.T, settings string) {
	t.Helper()
	cfg := fmt.Sprintf("[default]\nca_bundle = %s\n%s", filepath.Join(e.Dir, "ca.pem"), settings)
	if err := os.WriteFile(filepath.Join(e.Dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runAgainst runs a command line with every client pointed at endpoint; a
// command still running after a minute fails the test (a hang, not a
// timing assertion).
func (e *env) runAgainst(t *testing.T, endpoint string, argv ...string) clitest.Result {
	t.Helper()
	e = e.withVars(map[string]string{"QCLI_ENDPOINT_URL": endpoint, "QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_QUICKSYNC_ENDPOINT": endpoint})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := e.run(ctx, "", argv...)
	if ctx.Err() != nil {
		t.Fatalf("still running after a minute: %s", r.Stderr)
	}
	t.Log(r.Stderr)
	return r
}

// failedReaching reports the exit code and message of a command that could
// not reach endpoint: 255, or 1 for a transfer, naming the endpoint.
func failedReaching(r clitest.Result, argv []string, endpoint string) bool {
	return (r.Code == 255 || argv[1] == "cp" && r.Code == 1) && strings.Contains(r.Stderr, endpoint)
}

// TestDeadAndBlackHoledEndpoints points every client (S3, console,
// QuickSync) at an endpoint that refuses connections and at one that
// accepts and never answers, over HTTP and HTTPS. Each command must give
// up after connect_timeout or read_timeout and its bounded retries, exit
// 255 and name the endpoint; the test's deadline only catches a hang.
func TestDeadAndBlackHoledEndpoints(t *testing.T) {
	e := newEnv(t)
	e.useSettings(t, "max_attempts = 2\nconnect_timeout = 0.5\nread_timeout = 0.5\n")
	src := filepath.Join(t.TempDir(), "f.txt")
	tree{"f.txt": []byte("data")}.write(t, filepath.Dir(src))
	commands := [][]string{
		{"s3", "ls"},
		{"s3", "cp", src, "s3://bkt/f.txt"},
		{"console", "stats"},
		{"quicksync", "ls"},
	}
	for _, where := range []struct{ name, addr string }{{"dead", deadAddress(t)}, {"black hole", newBlackHole(t)}} {
		for _, scheme := range []string{"http", "https"} {
			endpoint := scheme + "://" + where.addr
			for _, argv := range commands {
				t.Run(fmt.Sprintf("%s %s %s", where.name, scheme, argv[0]+" "+argv[1]), func(t *testing.T) {
					t.Parallel()
					if r := e.runAgainst(t, endpoint, argv...); !failedReaching(r, argv, endpoint) {
						t.Errorf("exit %d, %q; want 255 (cp: 1) naming %s", r.Code, r.Stderr, endpoint)
					}
				})
			}
		}
	}
}

// TestBlackHoleEndsWithinTheCallTimeout gives every client far more
// attempts than the call_timeout allows: against a listener that accepts
// and never answers, each command must end once its attempts have stalled
// for call_timeout, saying so, not after max_attempts times the idle
// timeout. A recursive upload stops at the first object that stalls that
// long instead of spending the budget again on every other file. (With
// the defaults, read_timeout 20s and call_timeout 50s, a call ends within
// 50s plus the waits between attempts: under a minute.)
func TestBlackHoleEndsWithinTheCallTimeout(t *testing.T) {
	e := newEnv(t)
	e.useSettings(t, "max_attempts = 50\nconnect_timeout = 0.2\nread_timeout = 0.2\ncall_timeout = 0.5\n")
	files := tree{}
	for i := range 40 {
		files[fmt.Sprintf("f%02d.txt", i)] = []byte("data")
	}
	src := t.TempDir()
	files.write(t, src)
	commands := [][]string{
		{"s3", "ls"},
		{"s3", "cp", filepath.Join(src, "f00.txt"), "s3://bkt/f.txt"},
		{"s3", "cp", src, "s3://bkt/tree/", "--recursive"},
		{"s3", "cp", "s3://bkt/f.txt", filepath.Join(t.TempDir(), "f.txt")},
		{"console", "stats"},
		{"quicksync", "ls"},
	}
	addr := newBlackHole(t)
	for _, scheme := range []string{"http", "https"} {
		endpoint := scheme + "://" + addr
		for _, argv := range commands {
			t.Run(scheme+" "+strings.Join(argv[:2], " ")+fmt.Sprint(len(argv)), func(t *testing.T) {
				t.Parallel()
				r := e.runAgainst(t, endpoint, argv...)
				if !failedReaching(r, argv, endpoint) || !strings.Contains(r.Stderr, "stalled") {
					t.Errorf("exit %d, %q; want 255 (cp: 1) saying the attempts stalled at %s", r.Code, r.Stderr, endpoint)
				}
				if n := strings.Count(r.Stderr, "\n"); n > 17 {
					t.Errorf("%d lines: the upload went on after the endpoint stopped answering:\n%s", n, r.Stderr)
				}
			})
		}
	}
}

// TestSlowButMovingDownloadIsNotCut trickles a download's answer, 4 KiB
// every 20 ms, far longer than call_timeout: bytes keep moving, so neither
// the idle timeout nor the call's budget may cut it.
func TestSlowButMovingDownloadIsNotCut(t *testing.T) {
	e := newEnv(t)
	e.useSettings(t, "read_timeout = 10\ncall_timeout = 0.2\n")
	data := make([]byte, 200<<10)
	_, _ = rand.Read(data)
	e.Put(bucket, map[string]string{"slow.bin": string(data)})
	e.Server.Emulator.SetFault(faults.Trickle(4<<10, 20*time.Millisecond, func(r *http.Request) bool { return r.Method == http.MethodGet }))
	dst := filepath.Join(t.TempDir(), "slow.bin")
	r := e.run(t.Context(), "", "s3", "cp", "s3://bkt/slow.bin", dst)
	if got, _ := os.ReadFile(dst); r.Code != 0 || !bytes.Equal(got, data) {
		t.Errorf("exit %d, %s; %d of %d bytes", r.Code, r.Stderr, len(got), len(data))
	}
}
