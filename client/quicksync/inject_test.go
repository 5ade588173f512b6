package quicksync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator"
)

// A TokenProvider is asked on every call (the upload calls included) when Token is
// empty; its failure, or an empty token, sends nothing; WithSession's
// token replaces it.
func TestTokenProviderIsAskedPerCall(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	joined, _ := login(t, srv)
	var asked atomic.Int32
	c, _ := newClient(t, srv, Config{SessionID: testSession, TokenProvider: func(context.Context) (string, error) {
		asked.Add(1)
		return joined.cfg.Token, nil
	}})
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	up, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadPart(ctx, UploadPartInput{UploadID: up.UploadID, Key: up.FileKey, PartNumber: 1, Body: strings.NewReader("abc"), Size: 3}); err != nil {
		t.Fatal(err)
	}
	if asked.Load() < 3 { // List, Initiate, a part
		t.Errorf("the provider was asked %d times", asked.Load())
	}

	var rt countingTransport
	errVault := errors.New("vault sealed")
	for _, tc := range []struct {
		provider func(context.Context) (string, error)
		want     error
	}{
		{func(context.Context) (string, error) { return "", errVault }, errVault},
		{func(context.Context) (string, error) { return "", nil }, ErrNoToken},
	} {
		c, _ := newClient(t, srv, Config{TokenProvider: tc.provider})
		c.hc = &http.Client{Transport: &rt}
		if _, err := c.List(ctx); !errors.Is(err, tc.want) || rt.n.Load() != 0 {
			t.Errorf("List: %v after %d requests, want %v", err, rt.n.Load(), tc.want)
		}
	}
	sess := &Session{Token: joined.cfg.Token, SessionID: testSession}
	c, _ = newClient(t, srv, Config{TokenProvider: func(context.Context) (string, error) { return "", errVault }})
	if _, err := c.WithSession(sess).List(ctx); err != nil {
		t.Errorf("WithSession: %v", err)
	}
	if s := fmt.Sprint(Config{TokenProvider: c.cfg.TokenProvider}); !strings.Contains(s, "TokenProvider: set") {
		t.Errorf("String: %s", s)
	}
}

// Logger gets one record per call, as the S3 client's does, without the
// token; an HTTPClient of the caller's sends the requests and Debug still
// traces them, as for the S3 and console clients.
func TestLoggerAndHTTPClient(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	joined, _ := login(t, srv)
	var log, trace bytes.Buffer
	rt := countingTransport{base: srv.Client().Transport}
	c, err := New(Config{Endpoint: srv.URL, Token: joined.cfg.Token, Debug: &trace, HTTPClient: &http.Client{Transport: &rt},
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{`msg="quicksync operation"`, "op=List", "status=200", "attempts=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, joined.cfg.Token) || strings.Count(out, "\n") != 1 {
		t.Errorf("log:\n%s", out)
	}
	if rt.n.Load() != 1 || !strings.Contains(trace.String(), "Authorization: [REDACTED]") {
		t.Errorf("%d requests through the HTTPClient; trace:\n%s", rt.n.Load(), trace.String())
	}
}

type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	if c.base == nil {
		return nil, errors.New("no transport")
	}
	return c.base.RoundTrip(r)
}
