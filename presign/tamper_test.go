package presign_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/presign"
)

// TestChangedRequestsAreRefused: a presigned URL authorises exactly one
// request; changing its method, path, query or a signed header must fail.
func TestChangedRequestsAreRefused(t *testing.T) {
	e := start(t)
	e.put(t, "other", "not yours")
	r, err := e.p.PutObject(t.Context(), presign.PutObjectInput{Bucket: "bkt", Key: "target", ContentType: "text/plain",
		Metadata: map[string]string{"job": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	without := func(name string) http.Header {
		h := r.Header.Clone()
		h.Del(name)
		return h
	}
	changed := func(name, v string) http.Header {
		h := r.Header.Clone()
		h.Set(name, v)
		return h
	}
	cases := []struct {
		name, method, url string
		header            http.Header
	}{
		{"method GET", http.MethodGet, r.URL, r.Header},
		{"method DELETE", http.MethodDelete, r.URL, r.Header},
		{"method POST", http.MethodPost, r.URL, r.Header},
		{"path: another key", http.MethodPut, strings.Replace(r.URL, "/bkt/target?", "/bkt/other?", 1), r.Header},
		{"path: another bucket", http.MethodPut, strings.Replace(r.URL, "/bkt/target?", "/bkt2/target?", 1), r.Header},
		{"query: longer expiry", http.MethodPut, editQuery(t, r.URL, "X-Amz-Expires", "604800"), r.Header},
		{"query: added parameter", http.MethodPut, editQuery(t, r.URL, "versionId", "x"), r.Header},
		{"query: fewer signed headers", http.MethodPut, editQuery(t, r.URL, "X-Amz-SignedHeaders", "host"), r.Header},
		{"query: operation", http.MethodPut, editQuery(t, r.URL, "x-id", "GetObject"), r.Header},
		{"signed header changed", http.MethodPut, r.URL, changed("Content-Type", "text/html")},
		{"signed metadata changed", http.MethodPut, r.URL, changed("X-Amz-Meta-Job", "43")},
		{"signed header missing", http.MethodPut, r.URL, without("Content-Type")},
	}
	for _, tc := range cases {
		if resp := e.send(t, tc.method, tc.url, tc.header, "payload"); resp.status != http.StatusForbidden {
			t.Errorf("%s: HTTP %d (%s), want 403", tc.name, resp.status, resp.body)
		}
	}
	if got, _ := e.get(t, "other"); got != "not yours" {
		t.Errorf("another object was overwritten: %q", got)
	}
	wantStatus(t, "the unchanged request", e.sendRequest(t, r, "payload"), 200)
}

func editQuery(t *testing.T, raw, k, v string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestExpiredURLsAreRefused moves the server clock past each kind of URL's
// expiry; nothing sleeps.
func TestExpiredURLsAreRefused(t *testing.T) {
	e := start(t)
	e.put(t, "k", "v")
	up, err := e.c.CreateMultipartUpload(t.Context(), clientMPU("k"))
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	ctx, d := t.Context(), time.Minute
	var reqs []*presign.Request
	for _, mk := range []func() (*presign.Request, error){
		func() (*presign.Request, error) {
			return e.p.GetObject(ctx, presign.GetObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: d})
		},
		func() (*presign.Request, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: d})
		},
		func() (*presign.Request, error) {
			return e.p.HeadObject(ctx, presign.HeadObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: d})
		},
		func() (*presign.Request, error) {
			return e.p.DeleteObject(ctx, presign.DeleteObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: d})
		},
		func() (*presign.Request, error) {
			return e.p.UploadPart(ctx, presign.UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 1, ExpiresIn: d})
		},
	} {
		r, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	form, err := e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: d})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(d + time.Minute)
	for _, r := range reqs {
		if resp := e.sendRequest(t, r, "x"); resp.status != http.StatusForbidden {
			t.Errorf("expired %s: HTTP %d (%s), want 403", r.Method, resp.status, resp.body)
		}
	}
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, form.Fields, "f", "x")); resp.status != http.StatusForbidden {
		t.Errorf("expired POST form: HTTP %d (%s), want 403", resp.status, resp.body)
	}
	if got, _ := e.get(t, "k"); got != "v" {
		t.Errorf("an expired URL changed the object: %q", got)
	}
}
