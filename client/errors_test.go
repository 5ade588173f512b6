package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func TestWrongSecretAndUnknownKey(t *testing.T) {
	c, srv := newTestClient(t, func(cfg *client.Config) { cfg.Credentials.SecretAccessKey = "wrong" })
	err := c.HeadBucket(context.Background(), "anything")
	var se *client.Error
	// HEAD has no body, so a bad signature surfaces as a bare 403.
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
		t.Fatalf("HeadBucket with a wrong secret: %v", err)
	}
	for _, err := range c.ListBuckets(context.Background(), client.ListBucketsInput{}) {
		if !errors.Is(err, client.ErrSignatureDoesNotMatch) || !strings.Contains(err.Error(), "check the secret access key") {
			t.Errorf("ListBuckets with a wrong secret: %v", err)
		}
		if strings.Contains(err.Error(), srv.SecretKey) || strings.Contains(err.Error(), "wrong") {
			t.Errorf("error shows a secret: %v", err)
		}
	}
	c2, _ := newTestClient(t, func(cfg *client.Config) { cfg.Credentials.AccessKeyID = "NOSUCHKEY" })
	for _, err := range c2.ListBuckets(context.Background(), client.ListBucketsInput{}) {
		if !errors.Is(err, client.ErrInvalidAccessKeyID) {
			t.Errorf("unknown key: %v, want InvalidAccessKeyId", err)
		}
	}
}

func TestRetriesThrottlingAndServerErrors(t *testing.T) {
	cases := []struct {
		status int
		code   string
	}{
		{http.StatusServiceUnavailable, "SlowDown"},
		{http.StatusTooManyRequests, "TooManyRequests"},
		{http.StatusInternalServerError, "InternalError"},
		{http.StatusBadGateway, "BadGateway"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			c, srv := newTestClient(t)
			mustCreate(t, c, "retry")
			srv.Emulator.SetFault(faults.FailTimes(2, tc.status, tc.code, nil, nil))
			if err := c.HeadBucket(context.Background(), "retry"); err != nil {
				t.Fatalf("two %d answers then success: %v", tc.status, err)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	c, srv := newTestClient(t, func(cfg *client.Config) { cfg.MaxAttempts = 3 })
	mustCreate(t, c, "retry")
	log := observe(srv)
	srv.Emulator.SetFault(faults.FailTimes(100, http.StatusServiceUnavailable, "SlowDown", nil, nil))
	err := c.HeadBucket(context.Background(), "retry")
	var se *client.Error
	if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("got %v, want the 503", err)
	}
	if n := log.count(nil); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestConnectionResetIsRetried(t *testing.T) {
	c, srv := newTestClient(t)
	mustCreate(t, c, "reset")
	srv.Emulator.SetFault(faults.ResetTimes(2, nil))
	if _, err := c.Upload(context.Background(), "reset", "k", []byte("data")); err != nil {
		t.Fatalf("two resets then success: %v", err)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	// Retry-After: 1 must hold the retry back about a second, even though the
	// client's own backoff is milliseconds (RetryMaxBackoff raised to allow it).
	c, srv := newTestClient(t, func(cfg *client.Config) { cfg.RetryMaxBackoff = 5 * time.Second })
	mustCreate(t, c, "slow")
	srv.Emulator.SetFault(faults.FailTimes(1, http.StatusTooManyRequests, "TooManyRequests", http.Header{"Retry-After": {"1"}}, nil))
	start := time.Now()
	if err := c.HeadBucket(context.Background(), "slow"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %s, before the 1s Retry-After", waited)
	}
}

func TestUnreachableEndpointFailsWithConnectionError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	c, err := client.New(client.Config{Endpoint: "https://" + addr, Credentials: client.Credentials{AccessKeyID: "a", SecretAccessKey: "b"},
		MaxAttempts: 3, RetryBaseDelay: time.Millisecond, RetryMaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.HeadBucket(context.Background(), "bucket")
	var ce *client.ConnectionError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "cannot reach https://"+addr) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want a one-line ConnectionError", err)
	}
}

func TestUntrustedCertificate(t *testing.T) {
	_, srv := newTestClient(t)
	base := client.Config{Endpoint: srv.URL, Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}, MaxAttempts: 1}
	c, _ := client.New(base)
	err := c.HeadBucket(context.Background(), "bucket")
	if err == nil || !strings.Contains(err.Error(), "--no-verify-ssl") {
		t.Fatalf("untrusted certificate: %v, want a hint naming --no-verify-ssl", err)
	}
	base.InsecureSkipVerify = true
	c, _ = client.New(base)
	if err := c.HeadBucket(context.Background(), "bucket"); !errors.Is(err, client.ErrNoSuchBucket) {
		t.Errorf("with verification off: %v, want NoSuchBucket from the server", err)
	}
}

func TestDebugTraceRedactsSecrets(t *testing.T) {
	var trace bytes.Buffer
	c, srv := newTestClient(t, func(cfg *client.Config) {
		cfg.Debug = &trace
		cfg.Credentials.SessionToken = "SESSION-TOKEN-VALUE"
	})
	_ = c.CreateBucket(context.Background(), "traced", client.CreateBucketOptions{})
	_, _ = c.PutObject(context.Background(), client.PutObjectInput{Bucket: "traced", Key: "k", Body: strings.NewReader("x"), ContentLength: 1,
		ObjectAttributes: client.ObjectAttributes{SSE: client.SSE{CustomerKey: bytes.Repeat([]byte("K"), 32)}}})
	out := trace.String()
	for _, secret := range []string{srv.SecretKey, "SESSION-TOKEN-VALUE", "Signature=", "S0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "> PUT "+srv.URL+"/traced") || !strings.Contains(out, "Authorization: [REDACTED]") || !strings.Contains(out, "< 200") {
		t.Errorf("trace lacks the exchange:\n%s", out)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	creds := client.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}
	cases := map[string]client.Config{
		"endpoint_url":     {Endpoint: "not a url", Credentials: creds},
		"region":           {Region: "bad region", Credentials: creds},
		"addressing_style": {AddressingStyle: "sideways", Credentials: creds},
		"checksum_mode":    {ChecksumMode: "always", Credentials: creds},
		"credentials":      {},
	}
	for setting, cfg := range cases {
		_, err := client.New(cfg)
		var ce *client.ConfigError
		if !errors.As(err, &ce) || ce.Setting != setting {
			t.Errorf("%s: got %v", setting, err)
		}
	}
	secret := client.Credentials{SecretAccessKey: "hush", SessionToken: "tok"}
	if s := fmt.Sprintf("%v %#v", secret, secret); strings.Contains(s, "hush") || strings.Contains(s, "tok\"") {
		t.Errorf("Credentials.String shows a secret: %s", s)
	}
}

func TestChecksumWhenSupportedStoresPlainBytes(t *testing.T) {
	c, _ := newTestClient(t, func(cfg *client.Config) { cfg.ChecksumMode = client.ChecksumWhenSupported })
	mustCreate(t, c, "sums")
	if _, err := c.Upload(context.Background(), "sums", "k", []byte("exact bytes")); err != nil {
		t.Fatal(err)
	}
	data, err := c.Download(context.Background(), "sums", "k")
	if err != nil || string(data) != "exact bytes" {
		t.Fatalf("read back %q, %v", data, err)
	}
}

func TestConnectionErrorMessage(t *testing.T) {
	c, err := client.New(client.Config{Endpoint: "https://127.0.0.1:1", Credentials: client.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = c.HeadBucket(context.Background(), "bucket")
	t.Log(err)
	if !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "check the endpoint URL") {
		t.Errorf("message does not say what failed and what to do: %v", err)
	}
}

// An answer whose body breaks off is retried like a broken connection, and
// when retries run out it is reported as one, naming what was asked for.
func TestBrokenAnswersAreRetried(t *testing.T) {
	c, srv := newTestClient(t, func(cfg *client.Config) { cfg.MaxAttempts = 3 })
	mustCreate(t, c, "bkt")
	if _, err := c.Upload(context.Background(), "bkt", "dir/obj", []byte("data")); err != nil {
		t.Fatal(err)
	}
	isList := func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2" }
	list := func() error {
		for _, err := range c.List(context.Background(), "bkt", "dir/") {
			if err != nil {
				return err
			}
		}
		return nil
	}
	for name, fault := range map[string]func(n int) faults.Fault{
		"truncated":    func(n int) faults.Fault { return faults.TruncateBody(n, 20, isList) },
		"short length": func(n int) faults.Fault { return faults.WrongContentLength(n, -7, isList) },
	} {
		srv.Emulator.SetFault(fault(2))
		if err := list(); err != nil {
			t.Errorf("%s, twice: %v", name, err)
		}
		srv.Emulator.SetFault(fault(1000))
		err := list()
		var ce *client.ConnectionError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "ListObjectsV2 s3://bkt/dir/: the answer from "+srv.URL+" broke off") {
			t.Errorf("%s, always: %v, want a ConnectionError naming the listing", name, err)
		}
	}
}

func TestBodilessNotFoundSaysWhat(t *testing.T) {
	c, _ := newTestClient(t)
	mustCreate(t, c, "here")
	_, err := c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "here", Key: "missing"})
	if err == nil || !strings.Contains(err.Error(), "NoSuchKey: The specified key does not exist") {
		t.Errorf("HeadObject of a missing key: %v", err)
	}
}
