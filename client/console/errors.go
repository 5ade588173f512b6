package console

import (
	"fmt"
	"net/http"
	"strings"
)

// Status is an HTTP status. The constants below are sentinels:
// errors.Is(err, console.ErrNotFound) is true for any *Error with that status.
type Status int

func (s Status) Error() string { return fmt.Sprintf("HTTP %d %s", int(s), http.StatusText(int(s))) }

// Sentinels for the statuses callers act on.
const (
	ErrBadRequest   Status = http.StatusBadRequest   // the service rejected a value
	ErrUnauthorized Status = http.StatusUnauthorized // no API key, or one the service does not know
	ErrForbidden    Status = http.StatusForbidden    // the API key may not do this
	ErrNotFound     Status = http.StatusNotFound     // no such credential, bucket or object
	ErrConflict     Status = http.StatusConflict     // it exists already, or a bucket is not empty
)

// Error is an error answer from the management API.
type Error struct {
	Op         Op     // the call, e.g. OpGetCredential
	Resource   string // what it was about, e.g. "credential 7" or "bucket photos"; may be empty
	StatusCode int
	Message    string // the service's message, or the status text
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Op))
	if e.Resource != "" {
		b.WriteString(" " + e.Resource)
	}
	fmt.Fprintf(&b, ": %s (HTTP %d)", e.Message, e.StatusCode)
	return b.String()
}

// Is matches Status sentinels.
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && int(s) == e.StatusCode
}
