package emulator

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Fault intercepts an authenticated request before it is routed. Returning
// true means the fault produced the response (or deliberately none) and the
// request goes no further. Faults run concurrently and must be safe for it.
type Fault func(w http.ResponseWriter, r *http.Request) (handled bool)

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
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !b.take(r) {
			return false
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		e := errf(code, "Injected fault")
		e.status = status
		writeError(w, r, e)
		return true
	}
}

// ResetTimes drops the connection without a response for the first n
// requests accepted by match, as a network reset would.
func ResetTimes(n int, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !b.take(r) {
			return false
		}
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	}
}

// Delay holds every request accepted by match for d (or until the client
// gives up) and then lets it through. For latency, not for synchronisation.
func Delay(d time.Duration, match func(*http.Request) bool) Fault {
	return func(w http.ResponseWriter, r *http.Request) bool {
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
// client sees a short body under a full Content-Length. It is a method, not
// a function like the other faults, because it routes the request itself.
func (e *Emulator) TruncateBody(n int, after int64, match func(*http.Request) bool) Fault {
	b := newBudget(n, match)
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !b.take(r) {
			return false
		}
		tw := &truncatingWriter{ResponseWriter: w, left: after}
		e.route(tw, r)
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
