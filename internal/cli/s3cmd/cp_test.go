package s3cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func TestCpEveryDirection(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	bigData := randomBytes(10*4096 + 17) // multipart with the small parts
	writeFile(t, filepath.Join(dir, "big.bin"), bigData)
	writeFile(t, filepath.Join(dir, "note.txt"), []byte("hello"))

	r := e.MustRun(args("s3", "cp", filepath.Join(dir, "big.bin"), "s3://bkt/in/")...)
	if r.Stdout != "upload: "+filepath.Join(dir, "big.bin")+" to s3://bkt/in/big.bin\n" {
		t.Errorf("upload printed %q", r.Stdout)
	}
	e.MustRun(args("s3", "cp", filepath.Join(dir, "note.txt"), "s3://bkt/in/renamed.txt")...)
	if !bytes.Equal(object(t, e, "in/big.bin"), bigData) || string(object(t, e, "in/renamed.txt")) != "hello" {
		t.Fatal("uploaded objects differ")
	}
	info, _ := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "in/renamed.txt"})
	if info.ContentType != "text/plain" {
		t.Errorf("guessed content type %q", info.ContentType)
	}

	out := t.TempDir()
	r = e.MustRun(args("s3", "cp", "s3://bkt/in/big.bin", out+"/")...)
	if r.Stdout != "download: s3://bkt/in/big.bin to "+filepath.Join(out, "big.bin")+"\n" || !bytes.Equal(readFile(t, filepath.Join(out, "big.bin")), bigData) {
		t.Errorf("download printed %q, or the file differs", r.Stdout)
	}
	e.MustRun(args("s3", "cp", "s3://bkt/in/renamed.txt", filepath.Join(out, "named.txt"))...)
	if string(readFile(t, filepath.Join(out, "named.txt"))) != "hello" {
		t.Error("download to a file name")
	}

	r = e.MustRun(args("s3", "cp", "s3://bkt/in/big.bin", "s3://bkt/copy/big.bin")...)
	if r.Stdout != "copy: s3://bkt/in/big.bin to s3://bkt/copy/big.bin\n" || !bytes.Equal(object(t, e, "copy/big.bin"), bigData) {
		t.Errorf("copy printed %q", r.Stdout)
	}
	if n := openUploads(t, e); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
}

func TestCpAttributes(t *testing.T) {
	e := xferEnv(t)
	path := filepath.Join(t.TempDir(), "page.html")
	writeFile(t, path, []byte("<p>"))
	e.MustRun(args("s3", "cp", path, "s3://bkt/page", "--content-type", "text/x-mine", "--metadata", "a=1,b=two",
		"--cache-control", "max-age=60", "--content-disposition", "inline", "--acl", "public-read", "--storage-class", "STANDARD",
		"--tagging", "team=q&env=test", "--sse", "AES256")...)
	info, err := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "page"})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "text/x-mine" || info.Metadata["a"] != "1" || info.Metadata["b"] != "two" || info.CacheControl != "max-age=60" ||
		info.ContentDisposition != "inline" || info.SSE != "AES256" {
		t.Errorf("attributes %+v", info)
	}
	tags, err := e.Server.S3Client().GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("page")})
	if err != nil || len(tags.TagSet) != 2 {
		t.Errorf("tags %v, %v", tags, err)
	}
	e.MustRun(args("s3", "cp", path, "s3://bkt/plain", "--no-guess-mime-type")...)
	info, _ = e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "plain"})
	if info.ContentType == "text/html; charset=utf-8" {
		t.Error("--no-guess-mime-type guessed")
	}
	// S3 to S3: COPY keeps the source's metadata, REPLACE sets the flags'.
	e.MustRun("s3", "cp", "s3://bkt/page", "s3://bkt/copied")
	e.MustRun("s3", "cp", "s3://bkt/page", "s3://bkt/replaced", "--metadata-directive", "REPLACE", "--metadata", "c=3")
	copied, _ := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "copied"})
	replaced, _ := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "replaced"})
	if copied.Metadata["a"] != "1" || replaced.Metadata["a"] != "" || replaced.Metadata["c"] != "3" {
		t.Errorf("copied %v, replaced %v", copied.Metadata, replaced.Metadata)
	}
}

func TestCpRecursiveWithFiltersAndJSON(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	for _, rel := range []string{"a.txt", "b.log", "sub/c.txt", "sub/d.log", "big.txt"} {
		data := []byte(rel)
		if rel == "big.txt" {
			data = randomBytes(5 * 4096)
		}
		writeFile(t, filepath.Join(dir, rel), data)
	}
	r := e.MustRun(args("--output", "json", "s3", "cp", "--recursive", dir, "s3://bkt/up", "--exclude", "*", "--include", "*.txt", "--exclude", "sub/*")...)
	var types []string
	var summary map[string]any
	for _, line := range lines(r.Stdout) {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		types = append(types, v["type"].(string))
		if v["type"] == "summary" {
			summary = v
		}
	}
	if got := keys(t, e, "up/"); !slices.Equal(got, []string{"up/a.txt", "up/big.txt"}) {
		t.Errorf("uploaded %v", got)
	}
	if !slices.Equal(types, []string{"upload", "upload", "summary"}) || summary["done"] != 2.0 || summary["failed"] != 0.0 {
		t.Errorf("json lines %v, summary %v", types, summary)
	}

	out := t.TempDir()
	r = e.MustRun(args("s3", "cp", "--recursive", "s3://bkt/up", out)...)
	if len(lines(r.Stdout)) != 2 || !strings.HasPrefix(r.Stdout, "download: s3://bkt/up/") {
		t.Errorf("download printed %q", r.Stdout)
	}
	if !bytes.Equal(readFile(t, filepath.Join(out, "big.txt")), readFile(t, filepath.Join(dir, "big.txt"))) {
		t.Error("recursive download differs")
	}
	e.MustRun(args("s3", "cp", "--recursive", "s3://bkt/up/", "s3://bkt/copy/")...)
	if got := keys(t, e, "copy/"); !slices.Equal(got, []string{"copy/a.txt", "copy/big.txt"}) {
		t.Errorf("copied %v", got)
	}
}

func TestCpReadsWhatOtherClientsWrote(t *testing.T) {
	e := xferEnv(t)
	data := randomBytes(7*2048 + 5)
	ctx := context.Background()
	s := e.Server.S3Client()
	up, err := s.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("sdk.bin")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for n, off := int32(1), 0; off < len(data); n, off = n+1, off+2048 {
		out, err := s.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("sdk.bin"), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(data[off:min(off+2048, len(data))])})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
	}
	if _, err := s.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("sdk.bin"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sdk.bin")
	r := e.MustRun(args("--output", "json", "s3", "cp", "s3://bkt/sdk.bin", path)...)
	// The emulator stores S3's default full-object CRC64NVME with the
	// object, which is checked in place of the part MD5s (cheaper).
	if !bytes.Equal(readFile(t, path), data) || !strings.Contains(r.Stdout, `"verified":"crc64nvme"`) {
		t.Errorf("download of an SDK multipart object: %s", r.Stdout)
	}
	if r := e.MustRun(args("s3", "cat", "s3://bkt/sdk.bin")...); r.Stdout != string(data) {
		t.Error("cat differs")
	}
}

func TestCpStdinAndStdout(t *testing.T) {
	e := xferEnv(t)
	data := string(randomBytes(9 * 4096))
	if r := e.Run(data, args("s3", "cp", "-", "s3://bkt/stream.bin")...); r.Code != 0 {
		t.Fatalf("cp -: %d %s", r.Code, r.Stderr)
	}
	if string(object(t, e, "stream.bin")) != data {
		t.Fatal("stdin upload differs")
	}
	r := e.MustRun(args("s3", "cp", "s3://bkt/stream.bin", "-")...)
	if r.Stdout != data {
		t.Error("stdout download differs")
	}
}

func TestCpFailuresExitCodesAndNoLeftovers(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "big.bin"), randomBytes(10*4096))
	e.Server.Emulator.SetFault(faults.FailTimes(1000, http.StatusInternalServerError, "InternalError", nil, func(r *http.Request) bool {
		return r.URL.Query().Get("partNumber") == "3"
	}))
	r := e.Run("", args("s3", "cp", filepath.Join(dir, "big.bin"), "s3://bkt/big.bin")...)
	if r.Code != 1 || !strings.Contains(r.Stderr, "InternalError") {
		t.Errorf("failed upload: exit %d, %q", r.Code, r.Stderr)
	}
	if n := openUploads(t, e); n != 0 {
		t.Errorf("%d uploads left after a failure", n)
	}
	e.Server.Emulator.SetFault(nil)

	r = e.Run("", args("s3", "cp", "s3://bkt/missing", filepath.Join(dir, "missing"))...)
	if r.Code != 1 {
		t.Errorf("download of a missing object: exit %d", r.Code)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a failed download left a file")
	}

	e.Put("bkt", map[string]string{"tree/../evil": "x", "tree/ok": "y"})
	out := filepath.Join(t.TempDir(), "out")
	r = e.Run("", args("s3", "cp", "--recursive", "s3://bkt/tree/", out)...)
	if r.Code != 2 || !strings.Contains(r.Stderr, "warning: skipping s3://bkt/tree/../evil") || string(readFile(t, filepath.Join(out, "ok"))) != "y" {
		t.Errorf("unsafe key: exit %d, %q", r.Code, r.Stderr)
	}
}

// A single download into a directory takes the key's base name; a key
// whose base name is ".." or "." would climb out of the directory or name
// it, and is refused before anything is written.
func TestCpDownloadIntoADirectoryStaysInside(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"a/..": "up", "a/.": "dot", "a/ok": "fine"})
	parent := t.TempDir()
	dir := filepath.Join(parent, "dl")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a/..", "a/."} {
		for _, dst := range []string{dir, dir + "/"} {
			r := e.Run("", "s3", "cp", "s3://bkt/"+key, dst)
			if r.Code != 252 || !strings.Contains(r.Stderr, "refusing to download") {
				t.Errorf("cp s3://bkt/%s %s: exit %d, %q", key, dst, r.Code, r.Stderr)
			}
		}
	}
	e.MustRun("s3", "cp", "s3://bkt/a/ok", dir)
	entries, _ := os.ReadDir(parent)
	inside, _ := os.ReadDir(dir)
	if len(entries) != 1 || len(inside) != 1 || inside[0].Name() != "ok" {
		t.Errorf("parent holds %v, the directory %v; want only dl/ok", entries, inside)
	}
}

func TestCpInterruptAbortsAndRemovesTempFiles(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "big.bin"), randomBytes(12*4096))
	var parts atomic.Int32
	var interrupt atomic.Pointer[context.CancelFunc]
	e.Server.Emulator.Observe(func(r *http.Request) {
		if r.URL.Query().Has("partNumber") || (r.Method == http.MethodGet && r.Header.Get("Range") != "") {
			if parts.Add(1) == 3 {
				(*interrupt.Load())() // Ctrl-C mid-transfer
			}
		}
	})
	run := func(argv ...string) clitest.Result {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		parts.Store(0)
		interrupt.Store(&cancel)
		return runCtx(ctx, e, "", args(argv...)...)
	}
	r := run("s3", "cp", filepath.Join(dir, "big.bin"), "s3://bkt/big.bin", "--concurrency", "1")
	if r.Code != 130 || openUploads(t, e) != 0 {
		t.Fatalf("interrupted upload: exit %d, %d uploads open; %s", r.Code, openUploads(t, e), r.Stderr)
	}

	e.MustRun(args("s3", "cp", filepath.Join(dir, "big.bin"), "s3://bkt/big.bin")...)
	out := t.TempDir()
	r = run("s3", "cp", "s3://bkt/big.bin", filepath.Join(out, "big.bin"), "--concurrency", "1")
	if entries, _ := os.ReadDir(out); r.Code != 130 || len(entries) != 0 {
		t.Errorf("interrupted download: exit %d, left %v", r.Code, entries)
	}
}
