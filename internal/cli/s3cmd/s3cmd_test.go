package s3cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

func TestMbLsRb(t *testing.T) {
	e := clitest.New(t)
	if r := e.MustRun("s3", "mb", "s3://photos"); r.Stdout != "make_bucket: photos\n" {
		t.Errorf("mb printed %q", r.Stdout)
	}
	if r := e.MustRun("s3", "ls"); !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d photos\n$`).MatchString(r.Stdout) {
		t.Errorf("ls printed %q", r.Stdout)
	}
	if r := e.MustRun("s3", "rb", "s3://photos"); r.Stdout != "remove_bucket: photos\n" {
		t.Errorf("rb printed %q", r.Stdout)
	}
	if r := e.MustRun("s3", "ls"); r.Stdout != "" {
		t.Errorf("ls after rb printed %q", r.Stdout)
	}
}

func TestLsColumnsLikeTheAWSCLI(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://docs")
	e.Put("docs", map[string]string{"readme.txt": "hello", "img/a.png": strings.Repeat("x", 2048), "img/sub/b.png": "b", "imgfile": "1"})

	got := e.MustRun("s3", "ls", "s3://docs").Stdout
	want := regexp.MustCompile(`^                           PRE img/\n` +
		`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d          1 imgfile\n` +
		`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d          5 readme.txt\n$`)
	if !want.MatchString(got) {
		t.Errorf("ls s3://docs:\n%s", got)
	}
	got = e.MustRun("s3", "ls", "s3://docs/img/").Stdout
	if !regexp.MustCompile(`^ +PRE sub/\n\S+ \S+       2048 a.png\n$`).MatchString(got) {
		t.Errorf("ls s3://docs/img/ should print names relative to img/:\n%s", got)
	}
	got = e.MustRun("s3", "ls", "s3://docs", "--recursive", "--human-readable", "--summarize").Stdout
	for _, line := range []string{"    2.0 KiB img/a.png\n", "     1 Byte img/sub/b.png\n", "    5 Bytes readme.txt\n", "\nTotal Objects: 4\n   Total Size: 2.0 KiB\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("recursive listing lacks %q:\n%s", line, got)
		}
	}
}

func TestLsJSONLines(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://data")
	e.Put("data", map[string]string{"a/1": "x", "b": "yy"})
	out := e.MustRun("--output", "json", "s3", "ls", "s3://data", "--summarize").Stdout
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		types = append(types, fmt.Sprint(v["type"]))
		if v["type"] == "object" && (v["key"] != "b" || v["size"] != 2.0 || v["etag"] == "") {
			t.Errorf("object line %v", v)
		}
		if v["type"] == "summary" && (v["objects"] != 1.0 || v["bytes"] != 2.0) {
			t.Errorf("summary line %v", v)
		}
	}
	if strings.Join(types, ",") != "prefix,object,summary" {
		t.Errorf("line types %v", types)
	}
	out = e.MustRun("--output", "json", "s3", "ls").Stdout
	if !strings.Contains(out, `"type":"bucket","name":"data"`) {
		t.Errorf("bucket JSON: %s", out)
	}
}

func TestLsTable(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://tbl")
	e.Put("tbl", map[string]string{"k1": "x"})
	out := e.MustRun("--output", "table", "s3", "ls", "s3://tbl").Stdout
	if !strings.Contains(out, "Last modified") || !strings.Contains(out, "k1") || !strings.Contains(out, "│") && !strings.Contains(out, "|") {
		t.Errorf("table output:\n%s", out)
	}
}

func TestLsTenThousandObjectsPageByPage(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 uploads; run without -short")
	}
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://big")
	putMany(t, e.Client(), "big", 10000)
	var lists atomic.Int32
	e.Server.Emulator.Observe(func(r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2" {
			lists.Add(1)
		}
	})
	out := e.MustRun("s3", "ls", "s3://big", "--recursive", "--summarize", "--page-size", "1000").Stdout
	if n := strings.Count(out, "\n"); n != 10003 {
		t.Errorf("%d lines, want 10,000 objects, a blank line and 2 summary lines", n)
	}
	if !strings.Contains(out, "Total Objects: 10000\n") {
		t.Error("summary does not count 10,000 objects")
	}
	// 10 pages of 1,000, and one delimiter listing of the top level,
	// where the parallel listing looks for ranges to split the rest in.
	if got := lists.Load(); got != 11 {
		t.Errorf("%d list requests, want 10 pages of 1,000 and one of the top level", got)
	}
}

func putMany(t *testing.T, c *client.Client, bucket string, n int) {
	t.Helper()
	keys := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range keys {
				if _, err := c.Upload(context.Background(), bucket, fmt.Sprintf("obj/%05d", i), nil); err != nil {
					failed.Store(err)
				}
			}
		}()
	}
	for i := range n {
		keys <- i
	}
	close(keys)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Fatal(err)
	}
}

func TestRbForceEmptiesTheBucket(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://full")
	e.Put("full", map[string]string{"a": "1", "dir/b": "2"})
	c := e.Client()
	if _, err := c.CreateMultipartUpload(context.Background(), client.CreateMultipartUploadInput{Bucket: "full", Key: "pending"}); err != nil {
		t.Fatal(err)
	}
	r := e.Run("", "s3", "rb", "s3://full")
	if r.Code != 1 || !strings.Contains(r.Stderr, "BucketNotEmpty") {
		t.Fatalf("rb of a full bucket: exit %d, %q", r.Code, r.Stderr)
	}
	out := e.MustRun("s3", "rb", "s3://full", "--force").Stdout
	for _, line := range []string{"delete: s3://full/a\n", "delete: s3://full/dir/b\n", "abort_upload: s3://full/pending\n", "remove_bucket: full\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("rb --force output lacks %q:\n%s", line, out)
		}
	}
	if err := c.HeadBucket(context.Background(), "full"); !client.IsNotFound(err) {
		t.Errorf("bucket still there: %v", err)
	}
}

// TestRbForceRemovesVersions: a bucket that is or was versioned keeps
// versions and delete markers after its objects are deleted; rb --force
// deletes those too, or the bucket could not go.
func TestRbForceRemovesVersions(t *testing.T) {
	e := clitest.New(t)
	ctx := context.Background()
	c := e.Client()
	e.MustRun("s3", "mb", "s3://ver")
	if err := c.PutBucketVersioning(ctx, "ver", client.VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	e.Put("ver", map[string]string{"a": "1", "dir/b": "1"})
	e.Put("ver", map[string]string{"a": "2"})
	if err := c.DeleteObject(ctx, "ver", "dir/b", ""); err != nil { // leaves a delete marker
		t.Fatal(err)
	}
	if err := c.PutBucketVersioning(ctx, "ver", client.VersioningSuspended); err != nil {
		t.Fatal(err)
	}
	e.Put("ver", map[string]string{"c": "null version"})
	var versions int
	for page, err := range c.ListObjectVersions(ctx, client.ListObjectVersionsInput{Bucket: "ver"}) {
		if err != nil {
			t.Fatal(err)
		}
		versions += len(page.Versions)
	}
	if versions != 5 {
		t.Fatalf("%d versions and markers, want 5", versions)
	}
	r := e.Run("", "s3", "rb", "s3://ver")
	if r.Code != 1 || !strings.Contains(r.Stderr, "BucketNotEmpty") {
		t.Fatalf("rb of a bucket with versions: exit %d, %q", r.Code, r.Stderr)
	}
	out := e.MustRun("s3", "rb", "s3://ver", "--force", "--output", "json").Stdout
	var deleted []string
	for line := range strings.Lines(out) {
		var a struct {
			Type, Status, Source string
			VersionID            string `json:"version_id"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if a.Type == "delete" {
			if a.VersionID == "" || a.Status != "done" {
				t.Errorf("a version deleted without its version id, or not done: %q", line)
			}
			deleted = append(deleted, a.Source)
		}
	}
	if len(deleted) != 5 || !strings.HasSuffix(out, `{"type":"remove_bucket","status":"done","source":"s3://ver"}`+"\n") {
		t.Errorf("rb --force deleted %v:\n%s", deleted, out)
	}
	if err := c.HeadBucket(ctx, "ver"); !client.IsNotFound(err) {
		t.Errorf("bucket still there: %v", err)
	}
}

func TestBadInputExitCodes(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://exists")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"s3", "mb", "s3://ab"}, 252, "shorter than 3"},
		{[]string{"s3", "mb", "s3://" + strings.Repeat("a", 64)}, 252, "longer than 63"},
		{[]string{"s3", "mb", "s3://UPPER"}, 252, "upper-case"},
		{[]string{"s3", "mb", "s3://10.1.2.3"}, 252, "IP address"},
		{[]string{"s3", "mb", "s3://-dash"}, 252, "begin and end"},
		{[]string{"s3", "mb", "s3://a..b"}, 252, "two dots"},
		{[]string{"s3", "mb", "s3://exists/key"}, 252, "takes a bucket, not an object"},
		{[]string{"s3", "mb", "s3://ok-name", "--acl", "world"}, 252, "invalid --acl"},
		{[]string{"s3", "ls", "s3:/b"}, 252, "exactly s3://"},
		{[]string{"s3", "ls", "s3:///key"}, 252, "names no bucket"},
		{[]string{"s3", "ls", "http://x"}, 252, "does not start with s3://"},
		{[]string{"s3", "ls", "s3://exists", "--page-size", "5000"}, 252, "--page-size"},
		{[]string{"s3", "ls", "s3://missing-bucket"}, 1, "NoSuchBucket"},
		{[]string{"s3", "rb", "s3://missing-bucket"}, 1, "NoSuchBucket"},
		{[]string{"s3", "mb"}, 2, "needs one bucket URI"},
		{[]string{"s3", "ls", "a", "b"}, 2, "at most one"},
		{[]string{"s3", "nope"}, 2, "unknown command"},
		{[]string{"s3", "ls", "--nope"}, 2, "unknown flag"},
		{[]string{"--output", "xml", "s3", "ls"}, 252, "use text, json or table"},
	}
	for _, tc := range cases {
		r := e.Run("", tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.msg) || strings.Count(r.Stderr, "\n") != 1 || r.Stdout != "" {
			t.Errorf("qcli %s: exit %d, stderr %q, stdout %q; want exit %d and one line containing %q",
				strings.Join(tc.args, " "), r.Code, r.Stderr, r.Stdout, tc.code, tc.msg)
		}
	}
}

func TestQuietPrintsOnlyErrors(t *testing.T) {
	e := clitest.New(t)
	if r := e.MustRun("--quiet", "s3", "mb", "s3://hush"); r.Stdout != "" || r.Stderr != "" {
		t.Errorf("mb --quiet printed %q %q", r.Stdout, r.Stderr)
	}
	if r := e.Run("", "--quiet", "s3", "mb", "s3://hush"); r.Code != 1 || r.Stderr == "" {
		t.Errorf("a failure under --quiet: exit %d, stderr %q", r.Code, r.Stderr)
	}
}
