package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// doerFunc answers the SDK's requests in memory, so a fuzz iteration costs
// no network.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// cannedClient is a client whose every request gets status and body.
func cannedClient(status int, body []byte) *Client {
	cfg := Config{Endpoint: "https://s3.example.test", MaxAttempts: 1,
		Credentials: Credentials{AccessKeyID: "AKID", SecretAccessKey: "fuzz-secret"}}.WithDefaults()
	opts := s3Options(cfg)
	opts.HTTPClient = doerFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
			Header: http.Header{"Content-Type": {"application/xml"}, "X-Amz-Request-Id": {"REQ1"}},
			Body:   io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	})
	return &Client{s3: s3.New(opts), cfg: cfg}
}

// FuzzErrorResponse serves arbitrary S3 answers (status 200 to 599, any
// body, error documents included) to four calls whose responses are parsed
// differently, and checks what our error wrapping makes of them: no panic;
// an error status always yields an *Error with that status, a code that
// errors.Is matches and a one-line message that names both; a success either works or
// is a broken answer (*ConnectionError) or an error document sent with 200.
// Seeds live in testdata/fuzz/FuzzErrorResponse too.
func FuzzErrorResponse(f *testing.F) {
	for _, seed := range []struct {
		status uint16
		body   string
	}{
		{404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>R</RequestId></Error>"},
		{403, "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>"},
		{503, "<Error><Code>SlowDown</Code></Error>"}, {500, "<html>oops</html>"}, {400, ""},
		{200, "<ListBucketResult><Name>b</Name><Contents><Key>k</Key><Size>x</Size></Contents>"},
		{200, "<Error><Code>InternalError</Code><Message>copy failed</Message></Error>"},
		{416, "<Error><Code>InvalidRange</Code><Message>\n\tmulti\nline\n</Message></Error>"},
		{304, ""}, {200, "<CompleteMultipartUploadResult><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>"},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, rawStatus uint16, body []byte) {
		status := int(rawStatus)
		if status < 200 || status > 599 {
			status = 200 + status%400
		}
		c := cannedClient(status, body)
		for op, call := range cannedCalls(c) {
			checkWrapped(t, op, status, call())
		}
	})
}

// cannedCalls are calls whose answers are parsed differently: a listing
// (XML), an object (a body), a HEAD (no body), a completion (XML that may be
// an error document under 200).
func cannedCalls(c *Client) map[string]func() error {
	ctx := context.Background()
	return map[string]func() error{
		"ListObjectsV2": func() error {
			for _, err := range c.ListObjects(ctx, ListObjectsInput{Bucket: "bkt", Prefix: "p/"}) {
				return err // the first page only: a canned answer would repeat forever
			}
			return nil
		},
		"GetObject": func() error {
			out, err := c.GetObject(ctx, GetObjectInput{Bucket: "bkt", Key: "k"})
			if err == nil {
				out.Body.Close()
			}
			return err
		},
		"HeadObject": func() error { _, err := c.HeadObject(ctx, HeadObjectInput{Bucket: "bkt", Key: "k"}); return err },
		"CompleteMultipartUpload": func() error {
			_, err := c.CompleteMultipartUpload(ctx, CompleteMultipartUploadInput{Bucket: "bkt", Key: "k", UploadID: "up", Parts: []CompletedPart{{PartNumber: 1, ETag: `"e"`}}})
			return err
		},
	}
}

func checkWrapped(t *testing.T, op string, status int, err error) {
	t.Helper()
	var se *Error
	var ce *ConnectionError
	var pe *ProtocolError
	switch {
	case err == nil && status >= 300 && status != http.StatusNotModified:
		t.Fatalf("%s: HTTP %d succeeded", op, status)
	case err == nil:
	case errors.As(err, &se):
		// An error document under a 2xx is reported by the SDK as HTTP 500,
		// so that it is retried like one.
		want := status
		if status < 300 {
			want = http.StatusInternalServerError
		}
		if se.StatusCode != want || se.Code == "" || !errors.Is(err, se.Code) || se.Op != op ||
			!strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", want)) || !strings.Contains(err.Error(), string(se.Code)) ||
			strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: HTTP %d wrapped as %#v: %q", op, status, se, err)
		}
	case errors.As(err, &pe):
		// A 2xx answer whose content breaks a listing's rules.
		if status >= 300 || pe.Op != op || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: HTTP %d wrapped as a protocol error: %q", op, status, err)
		}
	case errors.As(err, &ce):
		if status >= 300 || ce.Op != op || !strings.Contains(err.Error(), "broke off or could not be read") {
			t.Fatalf("%s: HTTP %d wrapped as a connection error: %q", op, status, err)
		}
	default:
		t.Fatalf("%s: HTTP %d gave %T: %v", op, status, err, err)
	}
}
