package httptransport

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func testOptions() Options {
	return Options{ConnectTimeout: time.Second, ReadTimeout: 200 * time.Millisecond, MaxConnsPerHost: 4}
}

func TestRedirectsStayOnTheHost(t *testing.T) {
	var reached atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Store(true) }))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/final", http.StatusFound)
			return
		}
		if r.URL.Path == "/final" {
			io.WriteString(w, "ok")
			return
		}
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer origin.Close()
	c := New(testOptions())

	req, _ := http.NewRequest(http.MethodGet, origin.URL+"/elsewhere", nil)
	req.Header.Set("X-Api-Key", "secret")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || reached.Load() {
		t.Errorf("cross-host redirect followed: status %d, other host reached %v", resp.StatusCode, reached.Load())
	}
	resp, err = c.Get(origin.URL + "/same")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Errorf("same-host redirect not followed: %q", body)
	}
}

func TestStalledBodyFailsWithinReadTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		<-release // then nothing more: a stalled connection
	}))
	defer srv.Close()
	defer close(release)
	resp, err := New(testOptions()).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("reading a stalled body: %v, want a timeout", err)
	}
}

// A connection left idle as long as the read timeout must not fail the next
// request on it: that cost retried requests (Retry-After equal to the read
// timeout) one of their attempts.
func TestIdleAsLongAsTheReadTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	opts := testOptions()
	opts.ReadTimeout = 100 * time.Millisecond
	c := New(opts)
	for i := range 20 {
		// A streamed body: net/http cannot resend it on a fresh connection itself.
		req, _ := http.NewRequest(http.MethodPut, srv.URL, io.NopCloser(strings.NewReader("data")))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("request %d after an idle period of one read timeout: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(opts.ReadTimeout) // the idle period under test, not synchronisation
	}
}
