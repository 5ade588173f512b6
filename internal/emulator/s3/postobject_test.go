package s3_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"maps"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// The forms here come from the SDK's own PresignPostObject, so the
// emulator is checked against an implementation other than ours.

func sdkPostForm(t *testing.T, c *s3.Client, bucket, key string, expires time.Duration, conds ...any) (string, map[string]string) {
	t.Helper()
	r, err := s3.NewPresignClient(c).PresignPostObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		func(o *s3.PresignPostOptions) { o.Expires, o.Conditions = expires, conds })
	if err != nil {
		t.Fatalf("PresignPostObject: %v", err)
	}
	return r.URL, r.Values
}

// postUpload sends fields then the file, as a browser form does.
func postUpload(t *testing.T, srv *emulatortest.Server, url string, fields map[string]string, filename, body string) emulatortest.Response {
	t.Helper()
	return srv.Do(t, emulatortest.PostFormRequest(t, url, fields, filename, body))
}

func with(fields map[string]string, kv ...string) map[string]string {
	out := maps.Clone(fields)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestPostPolicyUpload(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "web")
	var posts atomic.Int32
	srv.Emulator.Observe(func(r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
	})
	url, fields := sdkPostForm(t, c, "web", "uploads/${filename}", time.Hour,
		[]any{"starts-with", "$key", "uploads/"}, []any{"content-length-range", 1, 100},
		map[string]string{"Content-Type": "text/plain"}, map[string]string{"x-amz-meta-owner": "ann"})
	r := postUpload(t, srv, url, with(fields, "Content-Type", "text/plain", "x-amz-meta-owner", "ann", "x-ignore-note", "free"), "hello.txt", "hello world")
	if r.Status != http.StatusNoContent || r.Header.Get("ETag") == "" || !strings.HasSuffix(r.Header.Get("Location"), "/web/uploads/hello.txt") {
		t.Fatalf("POST: %d %v %s", r.Status, r.Header, r.Body)
	}
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("web"), Key: aws.String("uploads/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if body := emulatortest.ReadAll(t, out.Body); body != "hello world" || aws.ToString(out.ContentType) != "text/plain" || out.Metadata["owner"] != "ann" {
		t.Errorf("stored %q, type %q, metadata %v", body, aws.ToString(out.ContentType), out.Metadata)
	}
	if posts.Load() != 1 {
		t.Errorf("observers saw %d POSTs, want 1", posts.Load())
	}
}

func TestPostPolicySuccessActionStatus(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "web")
	url, fields := sdkPostForm(t, c, "web", "a b+c.txt", time.Hour, map[string]string{"success_action_status": "201"})
	r := postUpload(t, srv, url, with(fields, "success_action_status", "201"), "f", "x")
	var doc struct{ Bucket, Key, ETag, Location string }
	if err := xml.Unmarshal(r.Body, &doc); r.Status != http.StatusCreated || err != nil {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	if doc.Bucket != "web" || doc.Key != "a b+c.txt" || doc.ETag == "" || !strings.HasSuffix(doc.Location, "/web/a%20b+c.txt") {
		t.Errorf("PostResponse %+v", doc)
	}
}

func TestPostPolicyVirtualHosted(t *testing.T) {
	srv, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.HostBases = []string{"example.com"} })
	emulatortest.MustCreateBucket(t, c, "vhost")
	_, fields := sdkPostForm(t, c, "vhost", "k", time.Hour)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "f")
	fw.Write([]byte("virtual"))
	mw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/", &buf)
	req.Host = "vhost.example.com"
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := srv.Do(t, req); r.Status != http.StatusNoContent {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	if got := emulatortest.MustGet(t, c, "vhost", "k"); got != "virtual" {
		t.Errorf("stored %q", got)
	}
}

func TestPostPolicyConditionsEnforced(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "web")
	url, fields := sdkPostForm(t, c, "web", "in/${filename}", time.Hour,
		[]any{"starts-with", "$key", "in/"}, []any{"content-length-range", 3, 5}, map[string]string{"Content-Type": "image/png"})
	fields["Content-Type"] = "image/png"
	cases := []struct {
		name           string
		fields         map[string]string
		body           string
		status         int
		code, inMsg    string
		keyNotExpected string
	}{
		{"key outside the prefix", with(fields, "key", "out/x"), "1234", 403, "AccessDenied", `"$key"`, "out/x"},
		{"content type", with(fields, "Content-Type", "text/html"), "1234", 403, "AccessDenied", "Content-Type", "in/f"},
		{"too large", fields, "123456", 400, "EntityTooLarge", "", "in/f"},
		{"too small", fields, "12", 400, "EntityTooSmall", "", "in/f"},
		{"unsigned extra field", with(fields, "x-amz-meta-evil", "1"), "1234", 403, "AccessDenied", "Extra input fields: x-amz-meta-evil", "in/f"},
		{"tampered signature", with(fields, "X-Amz-Signature", strings.Repeat("0", 64)), "1234", 403, "SignatureDoesNotMatch", "", "in/f"},
		{"tampered policy", with(fields, "policy", rewritePolicy(t, fields["policy"], `"in/"`, `""`)), "1234", 403, "SignatureDoesNotMatch", "", "in/f"},
		{"no policy", with(fields, "policy", ""), "1234", 403, "AccessDenied", "", "in/f"},
		{"unknown access key", with(fields, "X-Amz-Credential", strings.Replace(fields["X-Amz-Credential"], srv.AccessKey, "NOSUCHKEY", 1)), "1234", 403, "InvalidAccessKeyId", "", "in/f"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := postUpload(t, srv, url, tc.fields, "f", tc.body).WantError(t, tc.status, tc.code)
			if !strings.Contains(d.Message, tc.inMsg) {
				t.Errorf("message %q lacks %q", d.Message, tc.inMsg)
			}
			if _, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("web"), Key: aws.String(tc.keyNotExpected)}); err == nil {
				t.Errorf("%s was stored", tc.keyNotExpected)
			}
		})
	}
	if r := postUpload(t, srv, url, fields, "f", "1234"); r.Status != http.StatusNoContent {
		t.Fatalf("the untampered form fails: %d %s", r.Status, r.Body)
	}
}

// rewritePolicy edits the decoded policy and re-encodes it, as an attacker
// widening a form would.
func rewritePolicy(t *testing.T, b64, old, new string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !strings.Contains(string(raw), old) {
		t.Fatalf("policy %s lacks %s", raw, old)
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), old, new, 1)))
}

func TestPostPolicyExpires(t *testing.T) {
	clock := &emulatortest.Clock{}
	srv, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.Now = clock.Now })
	emulatortest.MustCreateBucket(t, c, "web")
	url, fields := sdkPostForm(t, c, "web", "k", time.Minute)
	clock.Advance(2 * time.Minute)
	d := postUpload(t, srv, url, fields, "f", "x").WantError(t, 403, "AccessDenied")
	if !strings.Contains(d.Message, "Policy expired") {
		t.Errorf("message %q", d.Message)
	}
}

func TestPostPolicyMalformed(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "web")
	url, fields := sdkPostForm(t, c, "web", "k", time.Hour)

	noKey := maps.Clone(fields)
	delete(noKey, "key")
	postUpload(t, srv, url, noKey, "f", "x").WantError(t, 400, "InvalidArgument")

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	srv.Do(t, req).WantError(t, 400, "InvalidArgument") // no file

	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader("--x\r\nnot a form"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	srv.Do(t, req).WantError(t, 400, "MalformedPOSTRequest")

	huge := with(fields, "x-ignore-padding", strings.Repeat("p", 21<<10))
	postUpload(t, srv, url, huge, "f", "x").WantError(t, 400, "MaxPostPreDataLengthExceeded")

	buf.Reset()
	mw = multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.WriteField("KEY", "elsewhere")
	fw, _ := mw.CreateFormFile("file", "f")
	fw.Write([]byte("x"))
	mw.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, url, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	srv.Do(t, req).WantError(t, 400, "InvalidArgument") // a repeated field, in any case

	badJSON := with(fields, "policy", base64.StdEncoding.EncodeToString([]byte("{not json")))
	postUpload(t, srv, url, badJSON, "f", "x").WantError(t, 403, "SignatureDoesNotMatch") // the signature is checked first
}
