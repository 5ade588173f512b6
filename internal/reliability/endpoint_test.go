package reliability_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestDeadAndBlackHoledEndpoints points every client (S3, console,
// QuickSync) at an endpoint that refuses connections and at one that
// accepts and never answers, over HTTP and HTTPS. Each command must give
// up after connect_timeout or read_timeout and its bounded retries, exit
// 255 and name the endpoint; the test's deadline only catches a hang.
func TestDeadAndBlackHoledEndpoints(t *testing.T) {
	e := newEnv(t)
	cfg := fmt.Sprintf("[default]\nca_bundle = %s\nmax_attempts = 2\nconnect_timeout = 0.5\nread_timeout = 0.5\n", filepath.Join(e.Dir, "ca.pem"))
	if err := os.WriteFile(filepath.Join(e.Dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
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
					e := e.withVars(map[string]string{"QCLI_ENDPOINT_URL": endpoint, "QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_QUICKSYNC_ENDPOINT": endpoint})
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					r := e.run(ctx, "", argv...)
					if ctx.Err() != nil {
						t.Fatalf("still running after a minute: %s", r.Stderr)
					}
					if r.Code != 255 && !(argv[1] == "cp" && r.Code == 1) || !strings.Contains(r.Stderr, endpoint) {
						t.Errorf("exit %d, %q; want 255 (cp: 1) naming %s", r.Code, r.Stderr, endpoint)
					}
					t.Log(r.Stderr)
				})
			}
		}
	}
}
