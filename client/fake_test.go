package client_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// The calls the emulator does not serve yet are tested against fakeS3: a
// TLS server that records what the SDK sent and answers as S3 would.

// recorded is one request as the server saw it.
type recorded struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

// answer is a fake's reply.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

// s3Error renders an S3 error document.
func s3Error(status int, code, message string) answer {
	return answer{Status: status, Header: http.Header{"Content-Type": {"application/xml"}},
		Body: fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>req-1</RequestId></Error>`, code, message)}
}

func xmlAnswer(body string) answer {
	return answer{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/xml"}}, Body: body}
}

type fakeS3 struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

// newFakeS3 starts a TLS server answering with reply and returns a client
// for it (one attempt per call, so every request is the SDK's first).
func newFakeS3(t *testing.T, reply func(r recorded) answer, tweak ...func(*client.Config)) (*client.Client, *fakeS3) {
	t.Helper()
	f := &fakeS3{t: t}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)}
		// The client's promise: checksums go in headers, never in an
		// aws-chunked body with trailers.
		if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") || strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
			t.Errorf("%s %s sent an aws-chunked body", r.Method, r.URL)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		a := reply(rec)
		for k, v := range a.Header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Amz-Request-Id", "req-1")
		if a.Status == 0 {
			a.Status = http.StatusOK
		}
		w.WriteHeader(a.Status)
		io.WriteString(w, a.Body)
	}))
	t.Cleanup(f.srv.Close)
	cfg := client.Config{Endpoint: f.srv.URL, Credentials: client.Credentials{AccessKeyID: "AKFAKE", SecretAccessKey: "fake-secret"},
		HTTPClient: f.srv.Client(), MaxAttempts: 1}
	for _, tw := range tweak {
		tw(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

// last returns the only request the fake saw since the previous call.
func (f *fakeS3) last() recorded {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) != 1 {
		f.t.Fatalf("%d requests, want 1", len(f.reqs))
	}
	r := f.reqs[0]
	f.reqs = nil
	return r
}

func (f *fakeS3) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// sub is the one sub-resource a request names (?website, ?tagging...).
func (r recorded) sub() string {
	for k := range r.Query {
		if k != "versionId" && k != "x-id" {
			return k
		}
	}
	return ""
}

// configStore is a fakeS3 reply that keeps what is PUT to a bucket or
// object sub-resource and returns it on GET, as S3 returns such
// configurations in the shape they were sent. A missing one answers
// missing[sub] (404 and that code).
func configStore(missing map[string]string) func(recorded) answer {
	var mu sync.Mutex
	docs := map[string]string{}
	return func(r recorded) answer {
		mu.Lock()
		defer mu.Unlock()
		id := r.Path + "?" + r.sub()
		switch r.Method {
		case http.MethodPut:
			docs[id] = r.Body
			return answer{}
		case http.MethodDelete:
			delete(docs, id)
			return answer{Status: http.StatusNoContent}
		}
		if doc, ok := docs[id]; ok {
			return xmlAnswer(doc)
		}
		return s3Error(http.StatusNotFound, missing[r.sub()], "not configured")
	}
}

// xmlEqual compares two XML documents by their elements and text,
// ignoring namespaces, declarations and indentation.
func xmlEqual(t *testing.T, got, want string) {
	t.Helper()
	if g, w := canonicalXML(t, got), canonicalXML(t, want); g != w {
		t.Errorf("body\n got %s\nwant %s", g, w)
	}
}

func canonicalXML(t *testing.T, doc string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatalf("XML %q: %v", doc, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			b.WriteString("<" + tok.Name.Local + ">")
		case xml.EndElement:
			b.WriteString("</" + tok.Name.Local + ">")
		case xml.CharData:
			b.WriteString(strings.TrimSpace(string(tok)))
		}
	}
}
