package quicksync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/client"
)

// call is one API request, described once and sent as often as retries need.
type call struct {
	op         string
	method     string
	path       string // already escaped, e.g. /v1/buckets/file/abc
	fileID     string // for errors
	in         any    // JSON body, or nil
	body       io.ReadSeeker
	size       int64
	header     map[string]string // names are sent exactly as written
	noAuth     bool
	idempotent bool
	secrets    []string // scrubbed from error messages (the join password)
}

// Response size limits: a listing can be long, an error body never is.
const (
	maxResponseBody = 64 << 20
	maxErrorBody    = 64 << 10
)

// do sends cl, retrying as retryable allows, and decodes a 2xx JSON answer
// into out (nil: ignore the body).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if !cl.noAuth && c.cfg.Token == "" {
		return fmt.Errorf("%s: %w", cl.op, ErrNoToken)
	}
	var payload []byte
	if cl.in != nil {
		var err error
		if payload, err = json.Marshal(cl.in); err != nil {
			return fmt.Errorf("%s: %w", cl.op, err)
		}
	}
	for attempt := 1; ; attempt++ {
		status, wait, err := c.attempt(ctx, cl, payload, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", cl.op, ctx.Err())
		}
		var conn *ConnectionError
		if attempt >= c.cfg.MaxAttempts || !retryable(cl.idempotent, status, unwrapConn(err, &conn)) {
			return err
		}
		if err := c.sleep(ctx, retryDelay(attempt, wait, c.cfg.RetryBaseDelay, c.cfg.RetryMaxBackoff)); err != nil {
			return fmt.Errorf("%s: %w", cl.op, err)
		}
	}
}

// unwrapConn returns the network error inside a *ConnectionError, or err.
func unwrapConn(err error, conn **ConnectionError) error {
	if errors.As(err, conn) {
		return (*conn).Err
	}
	return err
}

// attempt sends cl once. It returns the status (0 when there was no
// answer), the wait the server asked for, and the error to report.
func (c *Client) attempt(ctx context.Context, cl call, payload []byte, out any) (int, time.Duration, error) {
	req, guard, err := c.newRequest(ctx, cl, payload)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", cl.op, err)
	}
	resp, err := c.hc.Do(req)
	guard.detach()
	if err != nil {
		return 0, 0, &ConnectionError{Op: cl.op, Endpoint: c.base, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return resp.StatusCode, retryAfter(resp.Header, c.now()), c.errorFrom(cl, resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return 0, 0, &ConnectionError{Op: cl.op, Endpoint: c.base, Err: err}
	}
	if out == nil {
		return resp.StatusCode, 0, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		// Status 0: a success that cannot be parsed is a broken answer (a
		// wrong Content-Length cuts it silently), retried as a broken
		// connection is when the call is idempotent.
		return 0, 0, fmt.Errorf("%s: unexpected response from %s (HTTP %d): %v", cl.op, c.base, resp.StatusCode, err)
	}
	return resp.StatusCode, 0, nil
}

// newRequest builds one attempt's request. A raw body is rewound and put
// behind a guard that the caller detaches once Do returns: net/http may go
// on reading a failed request's body in the background, and the next
// attempt must not share the reader with it.
func (c *Client) newRequest(ctx context.Context, cl call, payload []byte) (*http.Request, *bodyGuard, error) {
	guard := &bodyGuard{}
	var body io.Reader
	size := int64(len(payload))
	ctype := "application/json"
	switch {
	case cl.body != nil:
		if _, err := cl.body.Seek(0, io.SeekStart); err != nil {
			return nil, nil, fmt.Errorf("rewinding the part: %w", err)
		}
		guard.r = io.LimitReader(cl.body, cl.size)
		body, size, ctype = guard, cl.size, "application/octet-stream"
	case payload != nil:
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.base+cl.path, body)
	if err != nil {
		return nil, nil, err
	}
	req.ContentLength = size
	if body != nil && size == 0 {
		req.Body = http.NoBody
	}
	c.setHeaders(req, cl, ctype, body != nil)
	return req, guard, nil
}

func (c *Client) setHeaders(req *http.Request, cl call, ctype string, hasBody bool) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", strings.TrimSpace("qcli/"+client.Version+" "+c.cfg.UserAgent))
	if hasBody {
		req.Header.Set("Content-Type", ctype)
	}
	if !cl.noAuth {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	for k, v := range cl.header {
		req.Header[k] = []string{v}
	}
}

// bodyGuard passes reads through until detached, and fails them after.
type bodyGuard struct {
	mu   sync.Mutex
	r    io.Reader
	done bool
}

var errAttemptOver = errors.New("quicksync: request attempt is over")

func (g *bodyGuard) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done || g.r == nil {
		return 0, errAttemptOver
	}
	return g.r.Read(p)
}

// Close is called by net/http when it is done with the body.
func (g *bodyGuard) Close() error {
	g.detach()
	return nil
}

// detach waits for a read in progress and stops any later one.
func (g *bodyGuard) detach() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.done = true
	g.mu.Unlock()
}

// errorFrom turns a non-2xx response into an *Error with the service's
// message, secrets scrubbed.
func (c *Client) errorFrom(cl call, resp *http.Response) *Error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := messageOf(data)
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	for _, s := range append([]string{c.cfg.Token, c.cfg.SessionID}, cl.secrets...) {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[REDACTED]")
		}
	}
	return &Error{Op: cl.op, FileID: cl.fileID, StatusCode: resp.StatusCode, Message: msg,
		RetryAfter: retryAfter(resp.Header, c.now())}
}

// messageOf finds a human message in an error body: JSON {"message": …}
// or {"error": …}, or short plain text. HTML and XML pages are ignored.
func messageOf(data []byte) string {
	var doc struct {
		Message string `json:"message"`
		Error   any    `json:"error"`
	}
	if json.Unmarshal(data, &doc) == nil {
		if doc.Message != "" {
			return oneLine(doc.Message)
		}
		if s, ok := doc.Error.(string); ok {
			return oneLine(s)
		}
		return ""
	}
	text := strings.TrimSpace(string(data))
	if text == "" || strings.HasPrefix(text, "<") {
		return ""
	}
	return oneLine(text)
}

// oneLine keeps a message to one line of at most 200 characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
