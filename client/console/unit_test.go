package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
)

// fake serves handler over plain HTTP and returns a client for it.
func fake(t *testing.T, handler http.HandlerFunc, tweak ...func(*console.Config)) *console.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	cfg := console.Config{Endpoint: srv.URL, APIKey: "secret-api-key", BearerToken: "jwt-token",
		Transport: client.Config{MaxAttempts: 3, RetryBaseDelay: time.Microsecond, RetryMaxBackoff: time.Millisecond, UserAgent: "test/1"}}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := console.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRequestShape(t *testing.T) {
	var got *http.Request
	var body []byte
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = readBody(r)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"url":"/b/k?X-Amz-Signature=x"}`)
	}, func(c *console.Config) { c.BasePath = "/console/api/" })
	u := must(c.CreatePresignedURL(ctx(t), console.CreatePresignedURLInput{BucketName: "bkt", ObjectKey: "k", Method: "put", AccessKey: "AK"}))(t)
	h := got.Header
	if got.Method != http.MethodPost || got.URL.Path != "/console/api/presigned-urls" || h.Get("X-API-Key") != "secret-api-key" ||
		h.Get("Authorization") != "Bearer jwt-token" || h.Get("Content-Type") != "application/json" ||
		!strings.HasPrefix(h.Get("User-Agent"), "qcli/") || !strings.HasSuffix(h.Get("User-Agent"), " test/1") {
		t.Errorf("request %s %s %v", got.Method, got.URL, h)
	}
	if string(body) != `{"bucket_name":"bkt","object_key":"k","method":"PUT","access_key":"AK"}` {
		t.Errorf("body %s", body)
	}
	if abs := c.ResolveURL(u); !strings.HasSuffix(abs, "/b/k?X-Amz-Signature=x") || !strings.HasPrefix(abs, "http://127.0.0.1:") {
		t.Errorf("ResolveURL(%q) = %q", u, abs)
	}
	if abs := c.ResolveURL("https://elsewhere/x"); abs != "https://elsewhere/x" {
		t.Errorf("absolute URL changed: %q", abs)
	}
}

func readBody(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// Retries: 429 always; 5xx only for idempotent calls, so a POST that may
// have taken effect is not repeated.
func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		call     func(*console.Client) error
		attempts int32
	}{
		{"GET 503 retried", 503, func(c *console.Client) error { _, err := c.Stats(ctx(t)); return err }, 3},
		{"PUT 500 retried", 500, func(c *console.Client) error {
			_, err := c.UpdateCredential(ctx(t), 1, console.UpdateCredentialInput{UserName: new(string)})
			return err
		}, 3},
		{"POST 503 not retried", 503, func(c *console.Client) error {
			_, err := c.CreateCredential(ctx(t), console.CreateCredentialInput{})
			return err
		}, 1},
		{"POST 429 retried", 429, func(c *console.Client) error {
			_, err := c.CreateCredential(ctx(t), console.CreateCredentialInput{})
			return err
		}, 3},
		{"404 not retried", 404, func(c *console.Client) error { _, err := c.GetCredential(ctx(t), 5); return err }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c := fake(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Retry-After", "0")
				http.Error(w, `{"message":"nope"}`, tt.status)
			})
			err := tt.call(c)
			var ce *console.Error
			if !errors.As(err, &ce) || ce.StatusCode != tt.status || ce.Message != "nope" {
				t.Errorf("err = %v", err)
			}
			if n.Load() != tt.attempts {
				t.Errorf("%d attempts, want %d", n.Load(), tt.attempts)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	var n atomic.Int32
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"buckets":3}`)
	})
	if s := must(c.Stats(ctx(t)))(t); s.Buckets != 3 || n.Load() != 2 {
		t.Errorf("Stats = %+v after %d attempts", s, n.Load())
	}
}

func TestConnectionErrors(t *testing.T) {
	var n atomic.Int32
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // no answer at all
	})
	_, err := c.ListBuckets(ctx(t))
	var ce *client.ConnectionError
	if !errors.As(err, &ce) || ce.Op != "ListBuckets" || n.Load() != 3 {
		t.Errorf("got %v after %d attempts", err, n.Load())
	}
	cancelled, cancel := context.WithCancel(ctx(t))
	cancel()
	if _, err := c.ListBuckets(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestErrorMessages(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":"not_found","message":"no credential with id 7"}`: "no credential with id 7",
		`{"error":"bucket is not empty"}`:                           "bucket is not empty",
		`{"detail":"Not authenticated"}`:                            "Not authenticated",
		"plain text\nreason":                                        "plain text reason",
		"<html><body>502</body></html>":                             "not found",
		"":                                                          "not found",
	} {
		c := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, body)
		})
		_, err := c.GetCredential(ctx(t), 7)
		var ce *console.Error
		if !errors.As(err, &ce) || ce.Message != want || !errors.Is(err, console.ErrNotFound) || errors.Is(err, console.ErrConflict) {
			t.Errorf("body %q: %v", body, err)
		}
		if want := "GetCredential credential 7: " + want + " (HTTP 404)"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err, want)
		}
	}
}

func TestDebugTraceRedactsTheKey(t *testing.T) {
	var trace bytes.Buffer
	c := fake(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) },
		func(c *console.Config) { c.Transport.Debug = &trace })
	must(c.Stats(ctx(t)))(t)
	if out := trace.String(); !strings.Contains(out, "X-Api-Key: [REDACTED]") || strings.Contains(out, "secret-api-key") || strings.Contains(out, "jwt-token") {
		t.Errorf("trace:\n%s", out)
	}
}

// ListCredentials takes both shapes, as 003 does not show the answer.
func TestListCredentialsShapes(t *testing.T) {
	for _, body := range []string{`{"credentials":[{"id":1,"access_key":"A"}]}`, `[{"id":1,"access_key":"A"}]`} {
		c := fake(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
		if list := must(c.ListCredentials(ctx(t)))(t); len(list) != 1 || list[0].AccessKey != "A" {
			t.Errorf("%s: %+v", body, list)
		}
	}
}

// The documents of 003, verbatim, decode into the types with every field
// set: a misspelt JSON tag would leave one at its zero value.
func TestDocumentExamples(t *testing.T) {
	examples := []struct {
		doc string
		v   any
	}{
		{`{"credentials": 5, "buckets": 12, "objects": 1250, "total_storage": 1073741824, "total_storage_human": "1.0 GB", "active_multipart_uploads": 3, "active_presigned_urls": 15}`, &console.Stats{}},
		{`{"user_name": "john-doe", "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`, &console.CreateCredentialInput{}},
		{`{"id": 1, "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "user_name": "john-doe", "is_active": true, "created_at": "2023-01-15T10:30:00Z"}`, &console.Credential{}},
		{`{"name": "my-bucket", "region": "us-east-1", "owner": "john-doe", "created_at": "2023-01-15T10:30:00Z", "object_count": 150, "total_size": 1073741824, "total_size_human": "1.0 GB"}`, &console.Bucket{}},
		{`{"name": "my-new-bucket", "owner_id": 1, "region": "us-east-1"}`, &console.CreateBucketInput{}},
		{`{"key": "photos/vacation.jpg", "size": 1024000, "size_human": "1.0 MB", "content_type": "image/jpeg", "etag": "9bb58f26192e4ba00f01e2e7b136bbd8", "is_multipart": true, "created_at": "2023-01-15T10:30:00Z"}`, &console.Object{}},
		{`{"key": "photos/vacation.jpg", "size": 1024000, "size_human": "1.0 MB", "content_type": "image/jpeg", "etag": "9bb5", "is_multipart": true, "created_at": "2023-01-15T10:30:00Z", "part_count": 2, "metadata": {"user-id": "12345"}, "storage_path": "my-bucket/objects/ab/cd/abcdef123456", "updated_at": "2023-01-15T10:30:00Z"}`, &console.ObjectDetail{}},
		{`{"keys": ["file1.txt", "file2.txt"]}`, &console.DeleteObjectsInput{}},
		{`{"deleted": ["file1.txt", "file2.txt"]}`, &console.DeleteObjectsOutput{}},
		{`{"upload_id": "upload_12345_abcdef", "object_key": "large-file.zip", "initiated_by": "john-doe", "content_type": "application/zip", "initiated_at": "2023-01-15T10:30:00Z", "part_count": 5, "total_size": 26214400, "total_size_human": "25.0 MB"}`, &console.Upload{}},
		{`{"bucket_name": "my-bucket", "object_key": "file.txt", "method": "GET", "access_key": "AKIAIOSFODNN7EXAMPLE", "expires_at": "2023-01-15T11:30:00Z", "created_at": "2023-01-15T10:30:00Z"}`, &console.PresignedURL{}},
		{`{"bucket_name": "my-bucket", "object_key": "file.txt", "method": "GET", "expires_in": 3600, "access_key": "AKIAIOSFODNN7EXAMPLE"}`, &console.CreatePresignedURLInput{}},
		{`{"url": "/my-bucket/file.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"}`, &console.PresignedURLOutput{}},
		{`{"message": "Operation completed successfully"}`, &console.Message{}},
	}
	for _, ex := range examples {
		dec := json.NewDecoder(strings.NewReader(ex.doc))
		dec.DisallowUnknownFields()
		if err := dec.Decode(ex.v); err != nil {
			t.Errorf("%T: %v", ex.v, err)
			continue
		}
		if zero := zeroField(reflect.ValueOf(ex.v).Elem()); zero != "" {
			t.Errorf("%T: field %s not set by %s", ex.v, zero, ex.doc)
		}
	}
}

// zeroField names the first field (embedded structs included) left zero.
func zeroField(v reflect.Value) string {
	for i := range v.NumField() {
		f := v.Field(i)
		if v.Type().Field(i).Anonymous {
			if name := zeroField(f); name != "" {
				return name
			}
			continue
		}
		if f.IsZero() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

func TestKeyStaysHome(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-API-Key"))
		fmt.Fprint(w, `{}`)
	}))
	defer other.Close()
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/api/v1/stats", http.StatusFound)
	})
	_, err := c.Stats(ctx(t))
	if ce := wantStatus(t, err, console.Status(http.StatusFound)); ce == nil || leaked.Load() != nil {
		t.Errorf("redirect to another host: %v, key sent: %v", err, leaked.Load())
	}
	cfg := console.Config{Endpoint: "https://c", APIKey: "secret-api-key", BearerToken: "jwt-token"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, "secret-api-key") || strings.Contains(s, "jwt-token") {
			t.Errorf("Config prints a secret: %s", s)
		}
	}
}

// The SDK says what is wrong in its own terms; naming the qcli command that
// fixes it is the CLI's business.
func TestErrorsNameNoQcliCommand(t *testing.T) {
	for _, err := range []error{console.ValidateID(0), console.ValidateExpiresIn(0), console.ValidateMethod("PATCH"),
		console.ErrNoEndpoint, console.ErrNoAPIKey} {
		if err == nil || strings.Contains(err.Error(), "qcli") {
			t.Errorf("%v", err)
		}
	}
}
