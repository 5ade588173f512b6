package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/client"
)

// countingTransport counts the requests it carries.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// Issue 11 D21: a caller's *http.Client carries every request; wrapping
// the built-in one keeps its TLS settings and timeouts; Debug still traces.
func TestInjectedHTTPClient(t *testing.T) {
	_, srv := newTestClient(t)
	base := client.Config{Endpoint: srv.URL, Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
		RootCAs: srv.CertPool}
	hc := client.NewHTTPClient(base)
	counter := &countingTransport{base: hc.Transport}
	hc.Transport = counter
	var trace bytes.Buffer
	cfg := base
	cfg.RootCAs, cfg.HTTPClient, cfg.Debug = nil, hc, &trace
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, "injected")
	if _, err := c.Upload(context.Background(), "injected", "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if n := counter.n.Load(); n != 2 {
		t.Errorf("the injected client carried %d requests, want 2", n)
	}
	if !strings.Contains(trace.String(), "> PUT "+srv.URL+"/injected/k") {
		t.Errorf("Debug did not trace through the injected client:\n%s", trace.String())
	}
	if hc.Transport != counter {
		t.Error("the caller's http.Client was modified")
	}
	// TLS settings for a transport that would ignore them are refused.
	for name, tweak := range map[string]func(*client.Config){
		"RootCAs":            func(c *client.Config) { c.RootCAs = srv.CertPool },
		"InsecureSkipVerify": func(c *client.Config) { c.InsecureSkipVerify = true },
	} {
		bad := cfg
		tweak(&bad)
		var ce *client.ConfigError
		if _, err := client.New(bad); !errors.As(err, &ce) {
			t.Errorf("HTTPClient with %s: %v, want a ConfigError", name, err)
		}
	}
}

// rotatingProvider hands out a new key pair and session token on every
// call, each already expired, so the client must ask again per request.
type rotatingProvider struct {
	mu    sync.Mutex
	calls int
	valid time.Duration
}

func (p *rotatingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	return aws.Credentials{AccessKeyID: fmt.Sprintf("AK%d", p.calls), SecretAccessKey: "secret", SessionToken: fmt.Sprintf("TOKEN%d", p.calls),
		CanExpire: true, Expires: time.Now().Add(p.valid)}, nil
}

func TestInjectedCredentialsProvider(t *testing.T) {
	for _, tc := range []struct {
		name      string
		valid     time.Duration
		wantCalls int
		wantKeys  []string
	}{
		{"expiring", -time.Minute, 3, []string{"AK1/TOKEN1", "AK2/TOKEN2", "AK3/TOKEN3"}},
		{"long-lived", time.Hour, 1, []string{"AK1/TOKEN1", "AK1/TOKEN1", "AK1/TOKEN1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &rotatingProvider{valid: tc.valid}
			c, f := newFakeS3(t, func(recorded) answer { return answer{} }, func(cfg *client.Config) {
				cfg.Credentials, cfg.CredentialsProvider = client.Credentials{}, p
			})
			var keys []string
			for range 3 {
				if err := c.HeadBucket(context.Background(), "creds"); err != nil {
					t.Fatal(err)
				}
				r := f.last()
				ak, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="), "/")
				keys = append(keys, ak+"/"+r.Header.Get("X-Amz-Security-Token"))
			}
			if fmt.Sprint(keys) != fmt.Sprint(tc.wantKeys) || p.calls != tc.wantCalls {
				t.Errorf("signed with %v after %d provider calls, want %v after %d", keys, p.calls, tc.wantKeys, tc.wantCalls)
			}
		})
	}
	var ce *client.ConfigError
	_, err := client.New(client.Config{Credentials: client.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, CredentialsProvider: &rotatingProvider{}})
	if !errors.As(err, &ce) {
		t.Errorf("static credentials and a provider: %v, want a ConfigError", err)
	}
}

// A provider's credentials sign requests the emulator verifies.
func TestCredentialsProviderOnTheEmulator(t *testing.T) {
	c, _ := newTestClient(t, func(cfg *client.Config) {
		creds := cfg.Credentials
		cfg.Credentials = client.Credentials{}
		cfg.CredentialsProvider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}, nil
		})
	})
	mustCreate(t, c, "signed")
}

func TestInjectedAPIOptionsAndS3Options(t *testing.T) {
	header := func(name string) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Build.Add(middleware.BuildMiddlewareFunc("test"+name, func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				in.Request.(*smithyhttp.Request).Header.Set("X-Test-"+name, "yes")
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		}
	}
	c, f := newFakeS3(t, func(recorded) answer { return answer{} }, func(cfg *client.Config) {
		cfg.APIOptions = append(cfg.APIOptions, header("Api"))
		cfg.S3Options = append(cfg.S3Options, func(o *s3.Options) { o.APIOptions = append(o.APIOptions, header("Opts")) })
	})
	if err := c.HeadBucket(context.Background(), "opts"); err != nil {
		t.Fatal(err)
	}
	r := f.last()
	if r.Header.Get("X-Test-Api") != "yes" || r.Header.Get("X-Test-Opts") != "yes" || !strings.HasPrefix(r.Header.Get("User-Agent"), "qcli/") {
		t.Errorf("headers %v", r.Header)
	}
}

// The logger gets one record per operation and the SDK's retry messages,
// and never a secret.
func TestInjectedLogger(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var calls atomic.Int64
	c, _ := newFakeS3(t, func(recorded) answer {
		if calls.Add(1) == 1 {
			return s3Error(http.StatusServiceUnavailable, "SlowDown", "slow down")
		}
		return answer{}
	}, func(cfg *client.Config) {
		cfg.Logger, cfg.MaxAttempts, cfg.RetryBaseDelay = logger, 2, time.Millisecond
		cfg.Credentials.SessionToken = "SESSION-TOKEN-VALUE"
	})
	if _, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "logged", Key: "k", Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{`msg="s3 operation" op=PutObject bucket=logged key=k status=200`, "attempts=2", "retrying request"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"fake-secret", "SESSION-TOKEN-VALUE", "Signature="} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Printing a Config shows no secret, whichever way credentials come.
func TestConfigStringHidesSecrets(t *testing.T) {
	cfg := client.Config{Credentials: client.Credentials{AccessKeyID: "AKID", SecretAccessKey: "hush", SessionToken: "tok-secret"}}
	prov := client.Config{CredentialsProvider: credentialsValue{aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "hush"}}}
	for _, c := range []client.Config{cfg, prov} {
		for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
			if strings.Contains(s, "hush") || strings.Contains(s, "tok-secret") {
				t.Errorf("Config prints a secret: %s", s)
			}
		}
	}
}

// credentialsValue is a provider holding its key pair by value, as the
// SDK's StaticCredentialsProvider does.
type credentialsValue struct{ v aws.Credentials }

func (c credentialsValue) Retrieve(context.Context) (aws.Credentials, error) { return c.v, nil }
