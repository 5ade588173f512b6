package httptransport

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// sdkBody behaves as the AWS SDK's request bodies do at their worst: the
// SDK closes the body as soon as the response headers are in, and WriteTo
// on a closed body returns io.EOF. Its WriteTo waits for that close, as a
// writer goroutine scheduled late would reach it.
type sdkBody struct {
	*bytes.Reader
	once     sync.Once
	closed   chan struct{}
	calledTo atomic.Bool
}

func (b *sdkBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

func (b *sdkBody) WriteTo(w io.Writer) (int64, error) {
	b.calledTo.Store(true)
	<-b.closed
	return 0, io.EOF
}

// TestClosedRequestBodyDoesNotCutTheAnswer: a request body the caller
// closes once the answer's headers are in must not make the transport
// close the connection under the answer's body (the flaky
// TestDeleteTreeBatchesAsTheListingStreams: a DeleteObjects sent twice
// after its 200 body failed with "use of closed network connection").
func TestClosedRequestBodyDoesNotCutTheAnswer(t *testing.T) {
	payload := bytes.Repeat([]byte("k"), 64<<10) // past the write buffer: written straight to the connection
	rest := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "<Deleted>")
		w.(http.Flusher).Flush()
		<-rest // the rest of the answer comes after the caller closed its request body
		io.WriteString(w, "</Deleted>")
	}))
	defer srv.Close()
	body := &sdkBody{Reader: bytes.NewReader(payload), closed: make(chan struct{})}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
	req.ContentLength = int64(len(payload))
	resp, err := New(testOptions()).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body.Close()
	close(rest)
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != "<Deleted></Deleted>" {
		t.Errorf("answer %q, %v", got, err)
	}
	if body.calledTo.Load() {
		t.Error("the transport read the request body through WriteTo")
	}
}
