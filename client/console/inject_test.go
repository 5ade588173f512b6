package console_test

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

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
)

// An APIKeyProvider is asked on every call, so a rotated key is used from
// the next call on; its keys never show in errors; its failure sends
// nothing.
func TestAPIKeyProviderIsAskedPerCall(t *testing.T) {
	var keys []string
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("X-API-Key"))
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"unknown key %s"}`, r.Header.Get("X-API-Key"))
	}, func(c *console.Config) {
		var n atomic.Int32
		c.APIKey = ""
		c.APIKeyProvider = func(context.Context) (string, error) { return fmt.Sprintf("rotated-key-%d", n.Add(1)), nil }
	})
	for range 2 {
		if _, err := c.Stats(ctx(t)); !errors.Is(err, console.ErrUnauthorized) || strings.Contains(err.Error(), "rotated-key") {
			t.Errorf("Stats: %v", err)
		}
	}
	if strings.Join(keys, ",") != "rotated-key-1,rotated-key-2" {
		t.Errorf("keys sent: %q", keys)
	}

	errVault := errors.New("vault sealed")
	var sent atomic.Int32
	c = fake(t, func(http.ResponseWriter, *http.Request) { sent.Add(1) }, func(c *console.Config) {
		c.APIKey, c.APIKeyProvider = "", func(context.Context) (string, error) { return "", errVault }
	})
	if _, err := c.Stats(ctx(t)); !errors.Is(err, errVault) || sent.Load() != 0 {
		t.Errorf("provider failure: %v, %d requests", err, sent.Load())
	}
	c = fake(t, func(http.ResponseWriter, *http.Request) { sent.Add(1) }, func(c *console.Config) {
		c.APIKey, c.APIKeyProvider = "", func(context.Context) (string, error) { return "", nil }
	})
	if _, err := c.Stats(ctx(t)); !errors.Is(err, console.ErrNoAPIKey) || sent.Load() != 0 {
		t.Errorf("empty key: %v, %d requests", err, sent.Load())
	}

	provider := func(context.Context) (string, error) { return "k", nil }
	var ce *client.ConfigError
	if _, err := console.New(console.Config{Endpoint: "https://c", APIKey: "k", APIKeyProvider: provider}); !errors.As(err, &ce) {
		t.Errorf("key and provider: %v", err)
	}
	if s := fmt.Sprint(console.Config{APIKeyProvider: provider}); !strings.Contains(s, "APIKeyProvider: set") {
		t.Errorf("String: %s", s)
	}
}

// Transport.Logger gets one record per call, as the S3 client's Logger
// does, without the key; Transport.HTTPClient sends the requests.
func TestLoggerAndHTTPClientFromTransport(t *testing.T) {
	var calls atomic.Int32
	var log bytes.Buffer
	var rt countingTransport
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"credentials":1}`)
	}, func(c *console.Config) {
		c.Transport.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Transport.HTTPClient = &http.Client{Transport: &rt}
	})
	if _, err := c.Stats(ctx(t)); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{`msg="console operation"`, "op=Stats", "status=200", "attempts=2"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret-api-key") || strings.Count(out, "\n") != 1 {
		t.Errorf("log:\n%s", out)
	}
	if rt.n.Load() != 2 {
		t.Errorf("the HTTPClient sent %d requests, want 2", rt.n.Load())
	}
}

type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}
