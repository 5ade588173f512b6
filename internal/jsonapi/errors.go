package jsonapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/backoff"
)

// Failure is an error answer, decoded. Client.StatusError gives it the
// API's type.
type Failure struct {
	Op         string // Call.Op
	Subject    string // Call.Subject
	StatusCode int
	// Message is the service's message on one line, secrets scrubbed, or
	// the status text when the answer has none.
	Message string
	// RetryAfter is the wait the answer asked for (Retry-After,
	// X-RateLimit-Reset), if any.
	RetryAfter time.Duration
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", strings.TrimSpace(f.Op+" "+f.Subject), f.Message, f.StatusCode)
}

// Limits of an error message: an error body is never long, and a message
// shown to a person stays on one line.
const (
	maxErrorBody = 64 << 10
	maxMessage   = 200 // runes
)

// Failed decodes an error answer (status 300 or more) to call into the
// Attempt the retry policy judges, its error typed by StatusError.
func (c *Client) Failed(call *Call, resp *http.Response) Attempt {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := message(data)
	for _, secrets := range [][]string{c.Secrets, call.Secrets} {
		for _, s := range secrets {
			if s != "" {
				msg = strings.ReplaceAll(msg, s, "[REDACTED]")
			}
		}
	}
	f := &Failure{Op: call.Op, Subject: call.Subject, StatusCode: resp.StatusCode, Message: oneLine(msg)}
	if f.Message == "" {
		f.Message = strings.ToLower(http.StatusText(resp.StatusCode))
	}
	f.RetryAfter, _ = backoff.ServerWait(resp.Header, time.Now())
	a := Attempt{Status: resp.StatusCode, Header: resp.Header, Err: f}
	if c.StatusError != nil {
		a.Err = c.StatusError(f)
	}
	return a
}

// message finds the human message in an error body: the first string of
// the JSON fields message, error and detail (the shapes such APIs use), or
// plain text. A JSON document without one, and an HTML or XML page, say
// nothing useful: "".
func message(body []byte) string {
	var doc struct{ Message, Error, Detail any }
	if json.Unmarshal(body, &doc) == nil {
		for _, v := range []any{doc.Message, doc.Error, doc.Detail} {
			if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	}
	if text := strings.TrimSpace(string(body)); !strings.HasPrefix(text, "<") {
		return text
	}
	return ""
}

// oneLine keeps a message to one line of at most maxMessage characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage]) + "…"
	}
	return s
}
