package jsonapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/httptransport"
	"github.com/quilibrium/qcli/internal/jsonapi"
)

const maxAttempts = 3

// serve runs handler and returns a caller for it that does not wait
// between tries, and the number of requests the handler saw.
func serve(t *testing.T, handler http.HandlerFunc) (*jsonapi.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	hc := httptransport.New(httptransport.Options{ConnectTimeout: time.Minute, ReadTimeout: time.Minute, MaxConnsPerHost: 4})
	return &jsonapi.Client{BaseURL: srv.URL + "/api", HTTP: hc, Secrets: []string{"the-api-key"},
		Retry: jsonapi.Policy{MaxAttempts: maxAttempts, BaseDelay: time.Millisecond, MaxBackoff: time.Second, Sleep: noSleep},
	}, &n
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// lastWait makes c record the wait before its latest retry instead of waiting.
func lastWait(c *jsonapi.Client) *atomic.Int64 {
	var d atomic.Int64
	c.Retry.Sleep = func(ctx context.Context, wait time.Duration) error {
		d.Store(int64(wait))
		return ctx.Err()
	}
	return &d
}

func call(idempotent bool) jsonapi.Call {
	return jsonapi.Call{Op: "Op", Method: http.MethodPost, Path: "/x", Idempotent: idempotent}
}

// The policy's table: which answers a call is sent again after, for
// idempotent calls and for the others, and which leave what the call did
// unknown (Call.Unread).
func TestRetryPolicy(t *testing.T) {
	broken := func(w http.ResponseWriter, _ *http.Request) { // headers, then half the promised body
		w.Header().Set("Content-Length", "100")
		fmt.Fprint(w, `{"a":`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}
	silent := func(w http.ResponseWriter, _ *http.Request) { // the connection closes with no answer
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}
	cut := func(w http.ResponseWriter, _ *http.Request) { // a 200 whose JSON is cut short
		fmt.Fprint(w, `{"a":[1,2`)
	}
	tests := []struct {
		answer                string
		handler               http.HandlerFunc
		idempotent, otherwise bool // retried when the call is idempotent, and when it is not
		unread                bool
	}{
		{"429", status(429), true, true, false},
		{"500", status(500), true, false, false},
		{"502", status(502), true, false, false},
		{"503", status(503), true, false, false},
		{"504", status(504), true, false, false},
		{"501", status(501), false, false, false},
		{"505", status(505), false, false, false},
		{"507", status(507), false, false, false},
		{"400", status(400), false, false, false},
		{"401", status(401), false, false, false},
		{"404", status(404), false, false, false},
		{"409", status(409), false, false, false},
		{"302 elsewhere", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://elsewhere.invalid/", http.StatusFound)
		}, false, false, false},
		{"no answer", silent, true, false, true},
		{"body broken off", broken, true, false, true},
		{"200 with cut JSON", cut, true, false, true},
	}
	for _, tt := range tests {
		for _, idempotent := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/idempotent=%v", tt.answer, idempotent), func(t *testing.T) {
				c, n := serve(t, tt.handler)
				var out any
				unread := false
				cl := call(idempotent)
				cl.Unread = &unread
				err := c.Do(t.Context(), cl, &out)
				want := tt.otherwise
				if idempotent {
					want = tt.idempotent
				}
				attempts := int32(1)
				if want {
					attempts = maxAttempts
				}
				if err == nil || n.Load() != attempts || unread != tt.unread {
					t.Errorf("%d attempts, want %d; unread %v; err %v", n.Load(), attempts, unread, err)
				}
			})
		}
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		fmt.Fprint(w, `{"message":"nope"}`)
	}
}

// A connection never made is retried for any call: the request never left.
func TestRefusedDialIsRetriedForAnyCall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var reported atomic.Int32
	c := &jsonapi.Client{BaseURL: "http://" + addr, HTTP: &http.Client{},
		Retry: jsonapi.Policy{MaxAttempts: maxAttempts, Sleep: noSleep},
		ConnectionError: func(op string, err error) error {
			reported.Add(1)
			return fmt.Errorf("typed %s: %w", op, err)
		}}
	unread := false
	cl := call(false)
	cl.Unread = &unread
	err = c.Do(t.Context(), cl, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "typed Op: ") || reported.Load() != maxAttempts || unread {
		t.Errorf("err %v after %d attempts; unread %v", err, reported.Load(), unread)
	}
}

func TestRetryAfterAndRateLimitResetAreHonouredAndCapped(t *testing.T) {
	for name, tt := range map[string]struct {
		header, value string
		want          time.Duration
	}{
		"Retry-After seconds":        {"Retry-After", "3", 3 * time.Second},
		"Retry-After capped":         {"Retry-After", "3600", 10 * time.Second},
		"Retry-After date":           {"Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), 10 * time.Second},
		"X-RateLimit-Reset delta":    {"X-RateLimit-Reset", "4", 4 * time.Second},
		"X-RateLimit-Reset unixtime": {"X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), 10 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			c, n := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set(tt.header, tt.value)
				w.WriteHeader(http.StatusTooManyRequests)
			})
			c.Retry.MaxBackoff = 10 * time.Second
			waited := lastWait(c)
			var f *jsonapi.Failure
			err := c.Do(t.Context(), call(false), nil)
			if w := time.Duration(waited.Load()); !errors.As(err, &f) || n.Load() != maxAttempts || w != tt.want || f.RetryAfter < tt.want {
				t.Errorf("waited %s, want %s; err %v", w, tt.want, err)
			}
		})
	}
}

func TestSuccessAfterRetriesDecodesTheAnswer(t *testing.T) {
	var tries atomic.Int32
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) < maxAttempts {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"name":"x","size":3}`)
	})
	var out struct {
		Name string
		Size int
	}
	if err := c.Do(t.Context(), jsonapi.Call{Op: "Get", Method: http.MethodGet, Path: "/x", Idempotent: true}, &out); err != nil ||
		out.Name != "x" || out.Size != 3 || tries.Load() != maxAttempts {
		t.Errorf("got %+v, %v after %d attempts", out, err, tries.Load())
	}
}

// A raw body is sent whole on every attempt: it is rewound, and a reader
// the failed attempt left behind cannot drain it.
func TestRawBodyIsResentWhole(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b)+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("partNumber"))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	cl := jsonapi.Call{Op: "Part", Method: http.MethodPut, Path: "/p", Idempotent: true,
		Body: strings.NewReader("0123456789"), Size: 4, Header: map[string]string{"partNumber": "7"}}
	if err := c.Do(t.Context(), cl, nil); err != nil {
		t.Fatal(err)
	}
	want := "0123 application/octet-stream 7"
	if len(bodies) != 2 || bodies[0] != want || bodies[1] != want {
		t.Errorf("bodies %q, want two of %q", bodies, want)
	}
}

func TestRequestShape(t *testing.T) {
	var got *http.Request
	var body []byte
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
	})
	c.UserAgent = "test/1"
	c.Auth = func(_ context.Context, h http.Header) ([]string, error) {
		h.Set("X-API-Key", "the-api-key")
		return []string{"the-api-key"}, nil
	}
	in := map[string]int{"n": 1}
	if err := c.Do(t.Context(), jsonapi.Call{Op: "Op", Method: http.MethodPost, Path: "/b/a%20b", In: in,
		Query: map[string][]string{"prefix": {"p/q"}}}, nil); err != nil {
		t.Fatal(err)
	}
	h := got.Header
	if got.URL.EscapedPath() != "/api/b/a%20b" || got.URL.RawQuery != "prefix=p%2Fq" || string(body) != `{"n":1}` ||
		h.Get("Content-Type") != "application/json" || h.Get("Accept") != "application/json" || h.Get("X-API-Key") != "the-api-key" ||
		!strings.HasPrefix(h.Get("User-Agent"), "qcli/") || !strings.HasSuffix(h.Get("User-Agent"), " test/1") {
		t.Errorf("request %s %s %v body %s", got.Method, got.URL, h, body)
	}
	if err := c.Do(t.Context(), jsonapi.Call{Op: "Op", Method: http.MethodGet, Path: "/", NoAuth: true}, nil); err != nil ||
		got.Header.Get("X-API-Key") != "" || got.Header.Get("Content-Type") != "" {
		t.Errorf("NoAuth call: %v, headers %v", err, got.Header)
	}
}

// The message comes from message, error or detail, on one line, without
// secrets; the status text stands in when there is none.
func TestErrorMessages(t *testing.T) {
	long := strings.Repeat("é", 300)
	for body, want := range map[string]string{
		`{"error":"not_found","message":"no credential 7"}`: "no credential 7",
		`{"error":"bucket is not empty"}`:                   "bucket is not empty",
		`{"error":{"code":5},"detail":"Not authenticated"}`: "Not authenticated",
		`{"code":5}`:                        "not found",
		"plain text\nreason":                "plain text reason",
		"<html><body>502</body></html>":     "not found",
		"":                                  "not found",
		`{"message":"key the-api-key bad"}`: "key [REDACTED] bad",
		`{"message":"pw hunter2 bad"}`:      "pw [REDACTED] bad",
		long:                                strings.Repeat("é", 200) + "…",
	} {
		c, _ := serve(t, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, body)
		})
		var typed *jsonapi.Failure
		c.StatusError = func(f *jsonapi.Failure) error {
			typed = f
			return errors.New("typed")
		}
		err := c.Do(t.Context(), jsonapi.Call{Op: "Get", Subject: "thing 7", Secrets: []string{"hunter2"}}, nil)
		if err == nil || err.Error() != "typed" || typed.Message != want || typed.StatusCode != 404 || typed.Subject != "thing 7" {
			t.Errorf("body %q: %v, %+v; want message %q", body, err, typed, want)
		}
	}
}

func TestCancelledCallSaysSo(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c, n := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	if err := c.Do(ctx, call(true), nil); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "Op: ") || n.Load() != 1 {
		t.Errorf("err %v after %d attempts", err, n.Load())
	}
}

// Credential, the rule both API clients' keys and tokens follow: a value
// wins, else the provider is asked; its error names the credential, and no
// secret at all is the caller's missing error.
func TestCredential(t *testing.T) {
	missing, boom := errors.New("none"), errors.New("vault down")
	give := func(s string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return s, err }
	}
	for _, c := range []struct {
		value    string
		provider func(context.Context) (string, error)
		want     string
		wantErr  error
	}{
		{"fixed", nil, "fixed", nil},
		{"fixed", give("rotated", nil), "fixed", nil},
		{"", give("rotated", nil), "rotated", nil},
		{"", give("", boom), "", boom},
		{"", give("", nil), "", missing},
		{"", nil, "", missing},
	} {
		got, err := jsonapi.Credential(context.Background(), c.value, c.provider, "the key", missing)
		if got != c.want || !errors.Is(err, c.wantErr) || (err == nil) != (c.wantErr == nil) {
			t.Errorf("Credential(%q, provider %v) = %q, %v; want %q, %v", c.value, c.provider != nil, got, err, c.want, c.wantErr)
		}
		if errors.Is(err, boom) && err.Error() != "getting the key: vault down" {
			t.Errorf("provider error reads %q", err)
		}
	}
}
