package quicksync

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/httpdebug"
)

// Sentinels for the kinds of Error: errors.Is(err, ErrUnauthorized) is true
// for a 401 from any call.
var (
	// ErrUnauthorized: the token was rejected or has expired (401), or
	// JoinSession's session ID or password was wrong.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNotFound: no such file or upload (404).
	ErrNotFound = errors.New("not found")
	// ErrTooLarge: a size or count over the service's limits (413).
	ErrTooLarge = errors.New("over a service limit")
	// ErrRateLimited: too many requests (429), after retries.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: the service failed (5xx), after retries.
	ErrServer = errors.New("server error")
	// ErrNoToken: a call needs a token and the Config has none; nothing
	// was sent.
	ErrNoToken = errors.New("no QuickSync token: join a session first")
)

// Error is an error response from the service.
type Error struct {
	Op         string // the call, e.g. "Initiate"
	FileID     string // the file the call was about, if any
	StatusCode int
	Message    string // the service's message, or the status text
	// RetryAfter is the wait the service asked for (429, 503), if any.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.FileID != "" {
		b.WriteString(" " + e.FileID)
	}
	fmt.Fprintf(&b, ": %s (HTTP %d)", e.Message, e.StatusCode)
	if hint := e.hint(); hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

func (e *Error) hint() string {
	switch {
	case e.Op == opJoin && e.is(ErrUnauthorized):
		return "check the session ID and password"
	case e.is(ErrUnauthorized):
		return "the token was rejected or has expired"
	case e.is(ErrTooLarge):
		return "the file or part is over the service's limits"
	}
	return ""
}

// Is matches the Err* sentinels by status.
func (e *Error) Is(target error) bool { return e.is(target) }

func (e *Error) is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// ConnectionError is a request that got no answer: the endpoint could not
// be reached or the connection broke, and retries ran out.
type ConnectionError struct {
	Op       string
	Endpoint string
	Err      error
}

func (e *ConnectionError) Error() string {
	msg := fmt.Sprintf("%s: cannot reach %s: %s", e.Op, e.Endpoint, httpdebug.RedactError(rootCause(e.Err)))
	var cert *tls.CertificateVerificationError
	if errors.As(e.Err, &cert) {
		// As the QStorage client says it: the fix is trust, not the network.
		return msg + "; the server's TLS certificate is not trusted (set ca_bundle, or --no-verify-ssl for a test server)"
	}
	return msg + "; check the QuickSync endpoint (quicksync_endpoint) and the network"
}

// rootCause drops net/http's *url.Error wrapper, which repeats the URL (a
// download URL's signature included), down to the network error.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Unwrap gives the network error.
func (e *ConnectionError) Unwrap() error { return e.Err }
