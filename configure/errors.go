package configure

import "errors"

// Errors that callers may want to tell apart, e.g. for exit codes. The
// errors Resolve and RequireCredentials return are *Error values that
// wrap them (use errors.Is), each with its own one-line message and fix.
var (
	// ErrProfileNotFound: an explicitly named profile is in neither file.
	ErrProfileNotFound = errors.New("profile not found")
	// ErrNoCredentials: no source supplied credentials.
	ErrNoCredentials = errors.New("no credentials")
	// ErrIncompleteCredentials: a source holds half of a key pair.
	ErrIncompleteCredentials = errors.New("incomplete credentials")
)

// Error is a profile that cannot be used: Kind is one of the Err values
// above, Profile the profile's name, Problem what is wrong and Fix what to
// change in the settings files or the environment. The message is Problem
// and Fix; it names no command, so a program that writes the files for
// its users (as the qcli CLI does) can offer its own when FileFix is set.
type Error struct {
	Kind    error
	Profile string
	Problem string
	Fix     string
	// FileFix: the fix is an edit of the settings files, which a tool
	// that writes them could make instead.
	FileFix bool
}

func (e *Error) Error() string { return e.Problem + "; " + e.Fix }

// Unwrap returns Kind, so that errors.Is(err, ErrNoCredentials) works.
func (e *Error) Unwrap() error { return e.Kind }
