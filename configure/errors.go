package configure

import "errors"

// Errors that callers may want to tell apart, e.g. for exit codes. The
// errors Resolve and RequireCredentials return wrap them (use errors.Is)
// but carry their own one-line message with the fix.
var (
	// ErrProfileNotFound: an explicitly named profile is in neither file.
	ErrProfileNotFound = errors.New("profile not found")
	// ErrNoCredentials: no source supplied credentials.
	ErrNoCredentials = errors.New("no credentials")
	// ErrIncompleteCredentials: a source holds half of a key pair.
	ErrIncompleteCredentials = errors.New("incomplete credentials")
)

// kindError is an error with its own message that errors.Is matches to kind.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
