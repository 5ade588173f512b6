package reliability_test

import (
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/faults"
)

// aim says which of an operation's requests a fault is aimed at.
type aim int

const (
	aimData         aim = iota // the requests carrying its data, else the responses it reads
	aimRequestBody             // the requests carrying its data only
	aimResponseBody            // the responses whose body it reads only
)

// faultKind is one column of trouble the emulator can make.
type faultKind struct {
	name  string
	aim   aim
	build func(n int, match func(*http.Request) bool) faults.Fault
	// waitsOutReads: the fault is silence that only the client's read
	// timeout ends, so its cells run with stallReadTimeout.
	waitsOutReads bool
}

var faultKinds = []faultKind{
	{"HTTP 500", aimData, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.FailTimes(n, http.StatusInternalServerError, "InternalError", nil, m)
	}, false},
	{"503 SlowDown", aimData, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.FailTimes(n, http.StatusServiceUnavailable, "SlowDown", nil, m)
	}, false},
	{"429 + Retry-After: 1", aimData, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.FailTimes(n, http.StatusTooManyRequests, "TooManyRequests", http.Header{"Retry-After": {"1"}}, m)
	}, false},
	{"reset while sending the request body", aimRequestBody, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.ResetRequestBody(n, 512, m)
	}, false},
	{"reset while reading the response body", aimResponseBody, faults.ResetResponseBody, false},
	{"truncated response body", aimResponseBody, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.TruncateBody(n, 20, m)
	}, false},
	{"stalled response (> read timeout)", aimData, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.Stall(n, 30*time.Second, m)
	}, true},
	{"Content-Length 7 bytes too short", aimResponseBody, func(n int, m func(*http.Request) bool) faults.Fault {
		return faults.WrongContentLength(n, -7, m)
	}, false},
}

// target is what k is aimed at in op, or why the pair does not apply.
func (k faultKind) target(op operation) (match func(*http.Request) bool, na string) {
	switch {
	case k.aim == aimRequestBody && op.reqBody == nil:
		return nil, "n/a (sends no data)"
	case k.aim == aimRequestBody:
		return op.reqBody, ""
	case k.aim == aimResponseBody && op.respBody == nil:
		return nil, "n/a (no response body)"
	case k.aim == aimResponseBody:
		return op.respBody, ""
	case op.reqBody != nil:
		return op.reqBody, ""
	}
	return op.respBody, ""
}
