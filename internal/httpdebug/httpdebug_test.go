package httpdebug

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://h/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fq-world-1%2Fs3%2Faws4_request" +
		"&X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok&uploadId=1&partNumber=2")
	got := RedactURL(u)
	for _, secret := range []string{"deadbeef", "tok", "AKID"} {
		if strings.Contains(got, secret) {
			t.Errorf("%s still holds %q", got, secret)
		}
	}
	if !strings.Contains(got, "uploadId=1&partNumber=2") || !strings.Contains(got, "X-Amz-Algorithm=AWS4-HMAC-SHA256") {
		t.Errorf("redaction removed ordinary parameters: %s", got)
	}
	withUser, _ := url.Parse("https://user:pass@h/x")
	if strings.Contains(RedactURL(withUser), "pass") {
		t.Error("user info kept")
	}
}

func TestRedactHeader(t *testing.T) {
	for _, h := range []string{"Authorization", "authorization", "X-Amz-Security-Token", "x-api-key", "X-Amz-Server-Side-Encryption-Customer-Key", "Cookie"} {
		if RedactHeader(h, "secret") != Redacted {
			t.Errorf("%s not redacted", h)
		}
	}
	if RedactHeader("Content-Type", "text/plain") != "text/plain" {
		t.Error("ordinary header redacted")
	}
}

func TestTransportTracesBothWays(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=s3cr3t")
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	var out strings.Builder
	c := &http.Client{Transport: &Transport{Base: http.DefaultTransport, Out: &out}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/b/k?X-Amz-Signature=abc", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=K/x, Signature=abc")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	trace := out.String()
	if strings.Contains(trace, "abc") || strings.Contains(trace, "s3cr3t") {
		t.Errorf("trace leaks:\n%s", trace)
	}
	if !strings.Contains(trace, "> GET "+srv.URL+"/b/k") || !strings.Contains(trace, "< 418 I'm a teapot") {
		t.Errorf("trace:\n%s", trace)
	}
}

func TestRedactError(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://h/k?X-Amz-Signature=abc", Err: errors.New("connection refused")}
	if msg := RedactError(err); strings.Contains(msg, "abc") || !strings.Contains(msg, "connection refused") {
		t.Errorf("RedactError = %q", msg)
	}
}
