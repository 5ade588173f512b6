// Package jsonapi is the one caller of qcli's JSON APIs, the storage
// console's management API (client/console) and QuickSync
// (client/quicksync): it builds a call's request, sends it under the retry
// policy every qcli client follows (see Policy), and decodes the answer or
// the error. Each API client keeps its own routes, types and typed errors;
// it describes a request as a Call and gives errors their types through
// the hooks of Client.
package jsonapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/httptransport"
)

// Call is one API request, described once and sent as often as retries need.
type Call struct {
	Op     string // names the call in errors, e.g. "GetCredential"
	Method string
	Path   string // escaped, relative to Client.BaseURL, e.g. /buckets/my%20bucket
	Query  url.Values
	// Idempotent calls are sent again after a 5xx or a broken connection:
	// processing one twice does what processing it once does. The others
	// only when they surely were not processed (see Retryable).
	Idempotent bool
	In         any // marshalled as the JSON body when non-nil
	// Body, when set, is sent instead of In as application/octet-stream:
	// Size bytes from its start, rewound for every attempt.
	Body io.ReadSeeker
	Size int64
	// Header holds extra headers, their names sent exactly as written.
	Header  map[string]string
	NoAuth  bool     // the call needs no credentials: Client.Auth is skipped
	Subject string   // what the call is about, for errors: a file ID, "bucket b"
	Secrets []string // scrubbed from error messages, besides Client.Secrets
	// Unread, when set, is set to true once an attempt's answer goes
	// unread (see Attempt.Unread): a failed call that is not idempotent
	// may then have taken effect, and its caller can undo it.
	Unread *bool
}

// Client sends Calls to one API. It is safe for concurrent use.
type Client struct {
	BaseURL   string // scheme, host and base path, without a trailing slash
	HTTP      *http.Client
	UserAgent string // appended to qcli/<client.Version>
	// Auth sets the credentials' headers for a call (not for NoAuth ones)
	// and returns the secrets it used, which error messages never show. It
	// is asked once per call, not per attempt, so a provider behind it can
	// rotate credentials between calls; its error fails the call unsent.
	Auth func(ctx context.Context, h http.Header) (secrets []string, err error)
	// Secrets (API keys, tokens) never appear in an error message, even
	// when the service echoes them.
	Secrets []string
	Retry   Policy
	// StatusError gives an error answer the API's type; nil: *Failure.
	StatusError func(*Failure) error
	// ConnectionError gives a call that got no usable answer the API's
	// type; nil: the network error, prefixed with the call's name.
	ConnectionError func(op string, err error) error
	// Logger, when set, receives one Debug record per call, as the S3
	// client's Config.Logger does: API and call, HTTP status, attempts,
	// duration, and the error. Never credentials, headers or bodies.
	Logger *slog.Logger
	API    string // names the API in log records: "console", "quicksync"
}

// Credential is the secret a call is sent with: value when set, else what
// provider gives now (a key that rotates, or lives in a secret store), so
// every call asks again. A provider's error is wrapped as "getting <name>";
// when neither gives a secret the error is missing. Either error fails the
// call unsent. Console API keys and QuickSync tokens both follow this rule.
func Credential(ctx context.Context, value string, provider func(context.Context) (string, error), name string, missing error) (string, error) {
	if value == "" && provider != nil {
		var err error
		if value, err = provider(ctx); err != nil {
			return "", fmt.Errorf("getting %s: %w", name, err)
		}
	}
	if value == "" {
		return "", missing
	}
	return value, nil
}

// maxAnswer bounds a success's body: a listing can be long, not endless.
const maxAnswer = 256 << 20

// Do sends call under the retry policy and decodes a 2xx JSON answer into
// out (nil: the body is ignored; an empty body leaves out as it is).
func (c *Client) Do(ctx context.Context, call Call, out any) error {
	ctx = httptransport.WithCall(ctx) // its attempts share one stall budget
	var payload []byte
	if call.In != nil {
		var err error
		if payload, err = json.Marshal(call.In); err != nil {
			return fmt.Errorf("%s: encoding the request: %w", call.Op, err)
		}
	}
	auth := http.Header{}
	if !call.NoAuth && c.Auth != nil {
		secrets, err := c.Auth(ctx, auth)
		if err != nil {
			return fmt.Errorf("%s: %w", call.Op, err)
		}
		call.Secrets = slices.Concat(call.Secrets, secrets)
	}
	return c.Run(ctx, call.Op, call.Idempotent, func() Attempt {
		a := c.attempt(ctx, &call, auth, payload, out)
		if a.Unread && call.Unread != nil {
			*call.Unread = true
		}
		return a
	})
}

// Run is Retry.Run, logged: it tries until try succeeds or fails for good,
// and gives the Logger one record of the whole call.
func (c *Client) Run(ctx context.Context, op string, idempotent bool, try func() Attempt) error {
	if c.Logger == nil {
		return c.Retry.Run(ctx, op, idempotent, try)
	}
	start := time.Now()
	var attempts, status int
	err := c.Retry.Run(ctx, op, idempotent, func() Attempt {
		a := try()
		attempts, status = attempts+1, a.Status
		return a
	})
	attrs := []slog.Attr{slog.String("op", op), slog.Int("status", status), slog.Int("attempts", attempts),
		slog.Duration("duration", time.Since(start))}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.Logger.LogAttrs(ctx, slog.LevelDebug, c.API+" operation", attrs...)
	return err
}

// attempt sends call once, with the credentials' headers auth.
func (c *Client) attempt(ctx context.Context, call *Call, auth http.Header, payload []byte, out any) Attempt {
	req, guard, err := c.newRequest(ctx, call, auth, payload)
	if err != nil {
		return Attempt{Err: fmt.Errorf("%s: %w", call.Op, err)}
	}
	resp, err := c.HTTP.Do(req)
	guard.detach()
	if err != nil {
		return NoAnswer(err, c.connectionError(call.Op, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return c.Failed(call, resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case err != nil: // the connection broke mid-body
		return NoAnswer(err, c.connectionError(call.Op, err))
	case len(data) > maxAnswer:
		return Attempt{Err: fmt.Errorf("%s: the answer from %s is over %d MiB", call.Op, c.BaseURL, maxAnswer>>20)}
	case out == nil || len(bytes.TrimSpace(data)) == 0:
		return Attempt{Status: resp.StatusCode}
	}
	if err := json.Unmarshal(data, out); err != nil {
		// A wrong Content-Length cuts a body silently: a success that
		// cannot be parsed is a broken answer, retried as a broken
		// connection is.
		return Attempt{Broken: true, Unread: true, Err: fmt.Errorf("%s: the answer from %s (HTTP %d) is not the expected JSON: %w",
			call.Op, c.BaseURL, resp.StatusCode, err)}
	}
	return Attempt{Status: resp.StatusCode}
}

func (c *Client) connectionError(op string, err error) error {
	if c.ConnectionError == nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.ConnectionError(op, err)
}

// newRequest builds one attempt's request. A raw body is rewound and put
// behind a guard that the caller detaches once Do returns: net/http may go
// on reading a failed request's body in the background, and the next
// attempt must not share the reader with it.
func (c *Client) newRequest(ctx context.Context, call *Call, auth http.Header, payload []byte) (*http.Request, *bodyGuard, error) {
	target := c.BaseURL + call.Path
	if len(call.Query) > 0 {
		target += "?" + call.Query.Encode()
	}
	guard := &bodyGuard{}
	var body io.Reader
	size := int64(len(payload))
	ctype := "application/json"
	switch {
	case call.Body != nil:
		if _, err := call.Body.Seek(0, io.SeekStart); err != nil {
			return nil, nil, fmt.Errorf("rewinding the body: %w", err)
		}
		guard.r = io.LimitReader(call.Body, call.Size)
		body, size, ctype = guard, call.Size, "application/octet-stream"
	case payload != nil:
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, target, body)
	if err != nil {
		return nil, nil, err
	}
	req.ContentLength = size
	if body != nil && size == 0 {
		req.Body = http.NoBody
	}
	h := req.Header
	h.Set("Accept", "application/json")
	h.Set("User-Agent", UserAgent(c.UserAgent))
	if body != nil {
		h.Set("Content-Type", ctype)
	}
	for k, v := range auth {
		h[k] = v
	}
	for k, v := range call.Header {
		h[k] = []string{v}
	}
	return req, guard, nil
}

// UserAgent is the User-Agent qcli's API clients send: qcli/<version>,
// then the caller's extra.
func UserAgent(extra string) string {
	return strings.TrimSpace("qcli/" + client.Version + " " + extra)
}

// bodyGuard passes reads through until detached, and fails them after.
type bodyGuard struct {
	mu   sync.Mutex
	r    io.Reader
	done bool
}

var errAttemptOver = errors.New("jsonapi: request attempt is over")

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
