// Package faults builds the faults an emulator injects into requests for
// tests: error answers, connection resets (before an answer, or part-way
// through the request or the response body), delays, stalls, and answers
// whose body or Content-Length is wrong. Install one with
// Emulator.SetFault.
package faults

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Fault intercepts an authenticated request before it is routed; next
// routes it (a fault that mangles answers calls it). Returning true means
// the fault produced the response (or deliberately none) and the request
// goes no further. Faults run concurrently and must be safe for it.
type Fault func(w http.ResponseWriter, r *http.Request, next http.Handler) (handled bool)

// budget counts down matching requests; it is shared by concurrent requests.
type budget struct {
	left  atomic.Int64
	match func(*http.Request) bool
}

func newBudget(n int, match func(*http.Request) bool) *budget {
	b := &budget{match: match}
	b.left.Store(int64(n))
	return b
}

// take reports whether r matches and one of the n allowances remains.
func (b *budget) take(r *http.Request) bool {
	if b.match != nil && !b.match(r) {
		return false
	}
	return b.left.Add(-1) >= 0
}

// FailTimes answers the first n requests accepted by match (nil: all) with
// an S3 error document of the given status and code, plus header (for
// example Retry-After). Later requests pass through untouched.
func FailTimes(n int, status int, code string, header http.Header, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if !b.take(r) {
			return false
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		s3err.Write(w, r, s3err.Errorf(code, "Injected fault").WithStatus(status))
		return true
	}
}

// ResetTimes drops the connection without a response for the first n
// requests accepted by match, as a network reset would.
func ResetTimes(n int, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if !b.take(r) {
			return false
		}
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	}
}

// Delay holds every request accepted by match for d (or until the client
// gives up) and then lets it through. For latency, not for synchronisation.
func Delay(d time.Duration, match func(*http.Request) bool) Fault {
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if match != nil && !match(r) {
			return false
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		return false
	}
}

// TruncateBody serves the first n requests accepted by match normally but
// cuts the connection after `after` bytes of the response body, so the
// client sees a short body under a full Content-Length.
func TruncateBody(n int, after int64, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !b.take(r) {
			return false
		}
		tw := &truncatingWriter{ResponseWriter: w, left: after}
		next.ServeHTTP(tw, r)
		if tw.cut {
			panic(http.ErrAbortHandler)
		}
		return true
	}
}

type truncatingWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

func (t *truncatingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > t.left {
		n, _ := t.ResponseWriter.Write(p[:t.left])
		t.left, t.cut = 0, true
		if f, ok := t.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		return n, http.ErrAbortHandler
	}
	t.left -= int64(len(p))
	return t.ResponseWriter.Write(p)
}

// ResetRequestBody reads the first `after` bytes of the request body of the
// first n requests accepted by match and then resets the connection (TCP
// RST), as a network failure in the middle of an upload would. The request
// is not processed.
func ResetRequestBody(n int, after int64, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if !b.take(r) {
			return false
		}
		_, _ = io.CopyN(io.Discard, r.Body, after)
		resetConn(w)
		return true
	}
}

// ResetResponseBody processes the first n requests accepted by match, sends
// the status, the headers and half of the response body, and then resets
// the connection (TCP RST); a response without a body is reset before its
// headers. Unlike TruncateBody, which closes the connection cleanly, the
// client sees "connection reset by peer".
func ResetResponseBody(n int, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !b.take(r) {
			return false
		}
		rec := record(next, w, r)
		if body := rec.body.Bytes(); len(body) > 0 {
			rec.send(w, len(body), body[:len(body)/2])
		}
		resetConn(w)
		return true
	}
}

// WrongContentLength processes the first n requests accepted by match and
// sends the response with a Content-Length delta bytes off. A negative
// delta sends only that many fewer bytes, so the short body looks complete
// on the wire; a positive one sends the whole body and then closes the
// connection, so the client finds it short.
func WrongContentLength(n int, delta int64, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !b.take(r) {
			return false
		}
		rec := record(next, w, r)
		body := rec.body.Bytes()
		declared := max(int64(len(body))+delta, 0)
		rec.send(w, int(declared), body[:min(int64(len(body)), declared)])
		return true
	}
}

// Stall processes the first n requests accepted by match, sends the status,
// the headers and half of the response body (nothing at all when the
// response has no body) and then sends nothing more until the client hangs
// up or limit passes, when the connection is dropped. The client's read
// timeout is what must end it.
func Stall(n int, limit time.Duration, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !b.take(r) {
			return false
		}
		rec := record(next, w, r)
		_, _ = io.Copy(io.Discard, r.Body) // net/http notices a hang-up only once the body is read
		if body := rec.body.Bytes(); len(body) > 0 {
			rec.send(w, len(body), body[:len(body)/2])
		}
		t := time.NewTimer(limit)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		panic(http.ErrAbortHandler)
	}
}

// CancelAfterProcessing processes every request accepted by match, then
// calls cancel (the client's) instead of answering, and drops the
// connection once the client hangs up: a caller that gives up (Ctrl-C) on
// a call that took effect.
func CancelAfterProcessing(cancel context.CancelFunc, match func(*http.Request) bool) Fault {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !match(r) {
			return false
		}
		record(next, w, r)
		cancel()
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}
}

// Trickle serves every request accepted by match with its response body
// sent chunk bytes at a time, pause apart: a slow link that never stops
// moving, which no timeout may cut however long the answer takes.
func Trickle(chunk int, pause time.Duration, match func(*http.Request) bool) Fault {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !match(r) {
			return false
		}
		rec := record(next, w, r)
		body := rec.body.Bytes()
		rec.send(w, len(body), nil)
		for len(body) > 0 {
			n := min(chunk, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return true
			}
			_ = http.NewResponseController(w).Flush()
			body = body[n:]
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return true
			}
		}
		return true
	}
}

// recorder holds a routed response in memory, so that a fault can send it
// wrongly.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// record routes r into a recorder that starts with w's headers (request id).
func record(next http.Handler, w http.ResponseWriter, r *http.Request) *recorder {
	rec := &recorder{header: w.Header().Clone()}
	next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(p []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(p)
}

// send writes the recorded status and headers with the given
// Content-Length, then body, and flushes them onto the wire.
func (rec *recorder) send(w http.ResponseWriter, contentLength int, body []byte) {
	h := w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(contentLength))
	w.WriteHeader(rec.status)
	_, _ = w.Write(body)
	_ = http.NewResponseController(w).Flush()
}

// resetConn closes the request's connection with a TCP RST instead of an
// orderly close: SO_LINGER 0 makes the kernel send RST, and closing the TCP
// connection under TLS skips the close_notify alert.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): drop the stream instead
	}
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
