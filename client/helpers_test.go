package client_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// newTestClient starts an emulator over TLS (signatures checked) and
// returns a client for it with fast retries.
func newTestClient(t *testing.T, tweak ...func(*client.Config)) (*client.Client, *emulatortest.Server) {
	t.Helper()
	srv := emulatortest.Start(t, emulator.Options{MinPartSize: 1024})
	cfg := client.Config{
		Endpoint:        srv.URL,
		Credentials:     client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
		RootCAs:         srv.CertPool,
		RetryBaseDelay:  time.Millisecond,
		RetryMaxBackoff: 20 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// requestLog records requests the emulator authenticated.
type requestLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func observe(srv *emulatortest.Server) *requestLog {
	l := &requestLog{}
	srv.Emulator.Observe(func(r *http.Request) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.reqs = append(l.reqs, r.Clone(r.Context()))
	})
	return l
}

func (l *requestLog) count(match func(*http.Request) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.reqs {
		if match == nil || match(r) {
			n++
		}
	}
	return n
}

func (l *requestLog) all() []*http.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*http.Request(nil), l.reqs...)
}

func isListBuckets(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/" }
