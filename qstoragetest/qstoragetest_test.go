package qstoragetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
)

func newClient(t *testing.T, cfg client.Config) *client.Client {
	t.Helper()
	cfg.MaxAttempts = 1
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServerServesTheSDKOverTLS(t *testing.T) {
	srv := qstoragetest.NewServer(t)
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q, want https on loopback", srv.URL)
	}
	c := newClient(t, srv.Config())
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "docs", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(ctx, "docs", "a.txt", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Download(ctx, "docs", "a.txt"); err != nil || string(got) != "hello" {
		t.Fatalf("Download %q, %v", got, err)
	}
	// The certificate is trusted through Config only.
	if _, err := http.Get(srv.URL); err == nil {
		t.Error("a client without RootCAs trusted the test certificate")
	}
}

func TestServerOptionsAndSignatures(t *testing.T) {
	creds := client.Credentials{AccessKeyID: "AKTESTKEY", SecretAccessKey: "test-secret"}
	srv := qstoragetest.NewServer(t, qstoragetest.WithRegion("eu-test-1"), qstoragetest.WithCredentials(creds))
	cfg := srv.Config()
	if cfg.Region != "eu-test-1" || cfg.Credentials != creds || srv.Credentials != creds {
		t.Fatalf("Config %+v, want region eu-test-1 and %+v", cfg, creds)
	}
	if err := newClient(t, cfg).CreateBucket(context.Background(), "here", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	wrong := cfg
	wrong.Credentials.SecretAccessKey = "not-the-secret"
	_, err := newClient(t, wrong).Download(context.Background(), "here", "k")
	if !errors.Is(err, client.ErrSignatureDoesNotMatch) {
		t.Errorf("a wrong secret: %v, want SignatureDoesNotMatch", err)
	}
}

func TestServerClosesWithTheTest(t *testing.T) {
	var cfg client.Config
	t.Run("inner", func(t *testing.T) { cfg = qstoragetest.NewServer(t).Config() })
	if err := newClient(t, cfg).HeadBucket(context.Background(), "any"); err == nil || errors.Is(err, client.ErrNoSuchBucket) {
		t.Errorf("the server answered after its test ended: %v", err)
	}
}

func TestBadOptionsPanicWithoutATest(t *testing.T) {
	for name, opt := range map[string]qstoragetest.Option{
		"empty credentials": qstoragetest.WithCredentials(client.Credentials{}),
		"bad region":        qstoragetest.WithRegion("Not A Region"),
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "qstoragetest:") {
					t.Errorf("%s: recovered %v, want a qstoragetest panic", name, r)
				}
			}()
			qstoragetest.NewServer(nil, opt).Close()
		}()
	}
}
