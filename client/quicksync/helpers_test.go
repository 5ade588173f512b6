package quicksync

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

const (
	testSession  = "session-4711-abcdef"
	testPassword = "pass+word/that-must-not-leak"
)

// startServer runs an emulator serving QuickSync over TLS.
func startServer(t *testing.T, qs emulator.QuickSyncOptions, opts ...func(*emulator.Options)) *emulatortest.Server {
	t.Helper()
	if qs.Sessions == nil {
		qs.Sessions = map[string]string{testSession: testPassword}
	}
	o := emulator.Options{QuickSync: qs}
	for _, f := range opts {
		f(&o)
	}
	return emulatortest.Start(t, o)
}

// newClient is a client for srv with tiny backoff and recorded waits
// instead of real sleeps, so retry tests are quick and can check the waits.
func newClient(t *testing.T, srv *emulatortest.Server, cfg Config) (*Client, *sleeps) {
	t.Helper()
	cfg.Endpoint, cfg.RootCAs = srv.URL, srv.CertPool
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	c.sleep = s.sleep
	return c, s
}

// login joins the test session and returns a client holding the token.
func login(t *testing.T, srv *emulatortest.Server) (*Client, *sleeps) {
	t.Helper()
	c, s := newClient(t, srv, Config{})
	sess, err := c.JoinSession(context.Background(), testSession, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return c.WithSession(sess), s
}

// sleeps records backoff waits without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}
