package console_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

const apiKey = "console-test-api-key"

// testClock is a server clock tests move instead of sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// env is an emulator over TLS with its console on, and clients for both APIs.
type env struct {
	t       *testing.T
	srv     *emulatortest.Server
	clock   *testClock
	console *console.Client
	s3      *client.Client
}

func start(t *testing.T) *env {
	t.Helper()
	clock := &testClock{}
	srv := emulatortest.Start(t, emulator.Options{ConsoleAPIKey: apiKey, MinPartSize: 1024, Now: clock.Now})
	e := &env{t: t, srv: srv, clock: clock}
	e.console = e.consoleWith(apiKey)
	e.s3 = e.s3With(srv.AccessKey, srv.SecretKey)
	return e
}

// transport are the shared settings: trust the test CA, retry once, fast.
func (e *env) transport() client.Config {
	return client.Config{RootCAs: e.srv.CertPool, MaxAttempts: 2, RetryBaseDelay: time.Microsecond, RetryMaxBackoff: time.Millisecond}
}

func (e *env) consoleWith(key string) *console.Client {
	e.t.Helper()
	c, err := console.New(console.Config{Endpoint: e.srv.URL, APIKey: key, Transport: e.transport()})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) s3With(accessKey, secret string) *client.Client {
	e.t.Helper()
	cfg := e.transport()
	cfg.Endpoint, cfg.MaxAttempts = e.srv.URL, 1
	cfg.Credentials = client.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret}
	c, err := client.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) bucket(name string) {
	e.t.Helper()
	if err := e.s3.CreateBucket(ctx(e.t), name, client.CreateBucketOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) put(bucket, key, body string, attrs client.ObjectAttributes) {
	e.t.Helper()
	in := client.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader([]byte(body)), ContentLength: int64(len(body)), ObjectAttributes: attrs}
	if _, err := e.s3.PutObject(ctx(e.t), in); err != nil {
		e.t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

// must(f())(t) is f's value, failing the test on f's error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantStatus checks err is a console *Error matching the sentinel.
func wantStatus(t *testing.T, err error, want console.Status) *console.Error {
	t.Helper()
	var ce *console.Error
	if !errors.As(err, &ce) || !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
	return ce
}
