package s3cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
)

// send makes a request with a plain HTTP client that knows nothing of S3.
func send(t *testing.T, e *clitest.Env, req *http.Request) (int, string) {
	t.Helper()
	resp, err := e.Server.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func newRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// oneURL checks that stdout is exactly one line holding a URL.
func oneURL(t *testing.T, stdout string) string {
	t.Helper()
	line, ok := strings.CutSuffix(stdout, "\n")
	if !ok || strings.Contains(line, "\n") || !strings.HasPrefix(line, "https://") {
		t.Fatalf("stdout %q is not one URL on one line", stdout)
	}
	return line
}

func TestPresignGetHeadDelete(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://share")
	e.Put("share", map[string]string{"report.txt": "quarterly"})

	get := oneURL(t, e.MustRun("s3", "presign", "s3://share/report.txt").Stdout)
	if status, body := send(t, e, newRequest(t, "GET", get, "")); status != 200 || body != "quarterly" {
		t.Errorf("GET: %d %q", status, body)
	}
	if q, _ := url.ParseQuery(get[strings.Index(get, "?")+1:]); q.Get("X-Amz-Expires") != "3600" {
		t.Errorf("default expiry: %v", q)
	}
	head := oneURL(t, e.MustRun("s3", "presign", "--method", "head", "--expires-in", "90", "s3://share/report.txt").Stdout)
	if status, _ := send(t, e, newRequest(t, "HEAD", head, "")); status != 200 {
		t.Errorf("HEAD: %d", status)
	}
	if status, _ := send(t, e, newRequest(t, "GET", head, "")); status != 403 {
		t.Errorf("a HEAD URL used for GET: %d, want 403", status)
	}
	del := oneURL(t, e.MustRun("s3", "presign", "--method", "DELETE", "s3://share/report.txt").Stdout)
	if status, _ := send(t, e, newRequest(t, "DELETE", del, "")); status != 204 {
		t.Errorf("DELETE: %d", status)
	}
	if _, err := e.Client().HeadObject(t.Context(), client.HeadObjectInput{Bucket: "share", Key: "report.txt"}); !client.IsNotFound(err) {
		t.Errorf("object still there: %v", err)
	}
}

func TestPresignPutJSON(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://cibkt")
	out := e.MustRun("--output", "json", "s3", "presign", "--method", "PUT", "--content-type", "text/plain",
		"--metadata", "commit=abc,job=7", "--expires-in", "15m", "s3://cibkt/logs/build.log").Stdout
	var doc struct {
		URL, Method string
		Expires     time.Time
		Headers     map[string]string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	if doc.Method != "PUT" || doc.Headers["Content-Type"] != "text/plain" || doc.Headers["X-Amz-Meta-Commit"] != "abc" || len(doc.Headers) != 3 {
		t.Errorf("document %+v", doc)
	}
	if until := time.Until(doc.Expires); until < 14*time.Minute || until > 15*time.Minute || !strings.Contains(out, `"expires":"`) {
		t.Errorf("expires %v (in %v)", doc.Expires, until)
	}
	req := newRequest(t, doc.Method, doc.URL, "log line\n")
	if status, body := send(t, e, req); status != 403 {
		t.Errorf("PUT without the signed headers: %d %s, want 403", status, body)
	}
	req = newRequest(t, doc.Method, doc.URL, "log line\n")
	for k, v := range doc.Headers {
		req.Header.Set(k, v)
	}
	if status, body := send(t, e, req); status != 200 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	info, err := e.Client().HeadObject(t.Context(), client.HeadObjectInput{Bucket: "cibkt", Key: "logs/build.log"})
	if err != nil || info.ContentType != "text/plain" || info.Metadata["job"] != "7" || info.Size != 9 {
		t.Errorf("stored %+v, %v", info, err)
	}
}

func TestPresignPostForm(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://web")
	out := e.MustRun("--output", "json", "s3", "presign", "--post", "--key-prefix", "uploads/", "--max-size", "10",
		"--content-type", "image/png", "s3://web").Stdout
	var doc struct {
		URL, Method string
		Fields      map[string]string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Method != "POST" || doc.Fields["key"] != "uploads/${filename}" {
		t.Fatalf("document %q: %v", out, err)
	}
	if status, body := send(t, e, formRequest(t, doc.URL, doc.Fields, "cat.png", "0123456789")); status != 204 {
		t.Fatalf("POST: %d %s", status, body)
	}
	if status, _ := send(t, e, formRequest(t, doc.URL, doc.Fields, "big.png", "0123456789A")); status != 400 {
		t.Errorf("a file over --max-size: %d, want 400", status)
	}
	info, err := e.Client().HeadObject(t.Context(), client.HeadObjectInput{Bucket: "web", Key: "uploads/cat.png"})
	if err != nil || info.ContentType != "image/png" {
		t.Errorf("stored %+v, %v", info, err)
	}

	lines := strings.Split(strings.TrimSuffix(e.MustRun("s3", "presign", "--post", "s3://web/one.txt").Stdout, "\n"), "\n")
	if !strings.HasSuffix(lines[0], "/web") || !slices.Contains(lines, "key=one.txt") || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "policy=") }) {
		t.Errorf("text form:\n%s", strings.Join(lines, "\n"))
	}
}

func formRequest(t *testing.T, url string, fields map[string]string, filename, body string) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		mw.WriteField(k, fields[k])
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write([]byte(body))
	mw.Close()
	req := newRequest(t, "POST", url, "")
	req.Body, req.ContentLength = io.NopCloser(&buf), int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// TestPresignCIHandOffWithCurl is the README's recipe: presign here, upload
// and download with curl in another process.
func TestPresignCIHandOffWithCurl(t *testing.T) {
	bin, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://artifacts")
	file := filepath.Join(t.TempDir(), "app v1.tar.gz")
	os.WriteFile(file, []byte("release bytes"), 0o600)
	ca := filepath.Join(e.Dir, "ca.pem")
	curl := func(args ...string) {
		t.Helper()
		args = append([]string{"-sS", "--fail", "-g", "--cacert", ca}, args...)
		if out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
	}
	put := oneURL(t, e.MustRun("s3", "presign", "--method", "PUT", "--expires-in", "1h", "s3://artifacts/releases/app v1.tar.gz").Stdout)
	curl("-T", file, put)
	get := oneURL(t, e.MustRun("s3", "presign", "s3://artifacts/releases/app v1.tar.gz").Stdout)
	dst := filepath.Join(t.TempDir(), "got")
	curl("-o", dst, get)
	if b, _ := os.ReadFile(dst); string(b) != "release bytes" {
		t.Errorf("round trip through curl: %q", b)
	}
}

func TestPresignBadInput(t *testing.T) {
	e := clitest.New(t)
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--expires-in", "0"}, "shorter than 1 second"},
		{[]string{"--expires-in=-5"}, "negative"},
		{[]string{"--expires-in", "8d"}, "longer than 7 days"},
		{[]string{"--expires-in", "604801"}, "longer than 7 days"},
		{[]string{"--expires-in", "soon"}, "not a number of seconds or a duration"},
		{[]string{"--method", "PATCH"}, `unsupported --method "PATCH"`},
		{[]string{"--max-size", "5"}, "--max-size needs --post"},
		{[]string{"--key-prefix", "a/"}, "--key-prefix needs --post"},
		{[]string{"--post", "--method", "PUT"}, "drop --method"},
		{[]string{"--post", "--version-id", "v"}, "--version-id cannot be used with --post"},
		{[]string{"--method", "PUT", "--version-id", "v"}, "--version-id applies to GET"},
		{[]string{"--content-type", "text/plain"}, "apply to --method PUT and --post"},
		{[]string{"--post", "--key-prefix", "other/"}, "does not start with the key prefix"},
		{[]string{"--post", "--max-size=-1"}, "negative"},
		{[]string{"--method", "PUT", "--metadata", "bad name=1"}, "not a valid header name"},
		{[]string{"--method", "PUT", "--content-type", "a b c"}, "not a media type"},
	}
	for _, tc := range cases {
		args := append(append([]string{"s3", "presign"}, tc.args...), "s3://bkt/key")
		wantUsageError(t, e, args, tc.msg)
	}
	wantUsageError(t, e, []string{"s3", "presign", "s3://bkt"}, "needs an object, not a bucket")
	wantUsageError(t, e, []string{"s3", "presign", "--post", "s3://bkt"}, "needs an object, not a bucket")
	wantUsageError(t, e, []string{"s3", "presign", "s3:/bkt/key"}, "exactly s3://")
}

func wantUsageError(t *testing.T, e *clitest.Env, args []string, msg string) {
	t.Helper()
	r := e.Run("", args...)
	if r.Code != cmdutil.ExitSyntax || !strings.Contains(r.Stderr, msg) || strings.Count(r.Stderr, "\n") != 1 || r.Stdout != "" {
		t.Errorf("qcli %s: exit %d, stderr %q, stdout %q; want exit 252, one line containing %q, no URL",
			strings.Join(args, " "), r.Code, r.Stderr, r.Stdout, msg)
	}
}

func TestPresignFlagParsing(t *testing.T) {
	cases := []struct {
		args   []string
		method string
		expiry time.Duration
	}{
		{nil, "GET", time.Hour},
		{[]string{"--method", "put", "--expires-in", "7d"}, "PUT", 7 * 24 * time.Hour},
		{[]string{"--expires-in", "1h30m", "--method", "Delete"}, "DELETE", 90 * time.Minute},
		{[]string{"--post", "--expires-in", "604800"}, "GET", 7 * 24 * time.Hour},
	}
	for _, tc := range cases {
		ios, _, _, _ := iostreams.Test()
		var got *s3cmd.PresignOptions
		cmd := s3cmd.NewCmdPresign(&cmdutil.Factory{IO: ios}, func(_ context.Context, o *s3cmd.PresignOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(append(tc.args, "s3://b/k"))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Method != tc.method || got.ExpiresIn != tc.expiry || got.Target != "s3://b/k" {
			t.Errorf("%v: method %s, expiry %v, target %s", tc.args, got.Method, got.ExpiresIn, got.Target)
		}
	}
}
