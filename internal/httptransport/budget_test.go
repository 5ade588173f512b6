package httptransport

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// blackHole accepts connections and never answers.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// retryLoop stands for an API client's retries: one call, as many attempts
// as it takes, until one succeeds or fails for good.
func retryLoop(c *http.Client, method, url string, body []byte) (attempts int, err error) {
	ctx := WithCall(context.Background())
	for attempts = 1; attempts <= 100; attempts++ {
		req, _ := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		var resp *http.Response
		if resp, err = c.Do(req); err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err == nil || IsStallError(err) {
			return attempts, err
		}
	}
	return attempts, err
}

// A listener that accepts and never answers stalls every attempt (the TLS
// handshake, or the wait for the answer): the call gives up once another
// stall could pass CallTimeout, not after its hundred attempts.
func TestBlackHoleEndsWithinTheCallTimeout(t *testing.T) {
	addr := blackHole(t)
	opts := Options{ConnectTimeout: 50 * time.Millisecond, ReadTimeout: 100 * time.Millisecond,
		CallTimeout: 300 * time.Millisecond, MaxConnsPerHost: 4}
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			attempts, err := retryLoop(New(opts), http.MethodGet, scheme+"://"+addr+"/", nil)
			var se *StallError
			if !errors.As(err, &se) {
				t.Fatalf("after %d attempts: %v, want a StallError", attempts, err)
			}
			if se.Stalled+max(opts.ConnectTimeout, opts.ReadTimeout) <= opts.CallTimeout || se.Stalled > opts.CallTimeout {
				t.Errorf("%s stalled over %d attempts: the budget of %s was not used as promised", se.Stalled, se.Attempts, opts.CallTimeout)
			}
			var ne net.Error
			if !errors.As(se.Last, &ne) || !ne.Timeout() {
				t.Errorf("last attempt's error %v, want a timeout", se.Last)
			}
			t.Log(err)
		})
	}
}

// A body that keeps moving, byte by byte, is never cut, whether the server
// sends it slowly or reads it slowly, although the transfer lasts longer
// than CallTimeout: only stalled time counts against a call.
func TestSlowButMovingTransfersAreNotCut(t *testing.T) {
	const chunks, pause = 40, 20 * time.Millisecond
	opts := Options{ConnectTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, CallTimeout: 300 * time.Millisecond, MaxConnsPerHost: 4}
	upload := make([]byte, 32<<20) // more than the socket buffers hold, so writes wait for the reader
	_, _ = rand.Read(upload)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut { // a slow reader
			var got int64
			for {
				n, err := io.CopyN(io.Discard, r.Body, int64(len(upload)/chunks))
				got += n
				if err != nil {
					break
				}
				time.Sleep(pause)
			}
			io.WriteString(w, strings.Repeat("x", int(got%7)))
			return
		}
		for range chunks { // a slow writer
			io.WriteString(w, "x")
			w.(http.Flusher).Flush()
			time.Sleep(pause)
		}
	}))
	defer srv.Close()
	opts.RootCAs = x509.NewCertPool()
	opts.RootCAs.AddCert(srv.Certificate())
	c := New(opts)
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		var body []byte
		if method == http.MethodPut {
			body = upload
		}
		if attempts, err := retryLoop(c, method, srv.URL, body); err != nil || attempts != 1 {
			t.Errorf("%s: %v after %d attempts, want one attempt moving to the end", method, err, attempts)
		}
	}
}
