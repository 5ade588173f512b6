package s3_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// rcloneRunner runs rclone against an emulator through a remote "q:"
// configured by environment alone, as bench/run.sh does: provider Other,
// the emulator's endpoint, keys and region, and over TLS its certificate
// given with --ca-cert.
type rcloneRunner struct {
	t     *testing.T
	bin   string
	env   []string
	flags []string
}

// newRclone finds rclone ($RCLONE_BIN, else on PATH) or skips the test.
func newRclone(t *testing.T, srv *emulatortest.Server) *rcloneRunner {
	t.Helper()
	bin := os.Getenv("RCLONE_BIN")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("rclone"); err != nil {
			t.Skip("rclone is not installed; this test drives it against the emulator: to run it, put rclone on PATH or set RCLONE_BIN (apt-get install rclone, or go install github.com/rclone/rclone@latest)")
		}
	}
	home := t.TempDir()
	conf := filepath.Join(home, "rclone.conf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := &rcloneRunner{t: t, bin: bin, env: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "RCLONE_CONFIG=" + conf,
		"RCLONE_CONFIG_Q_TYPE=s3", "RCLONE_CONFIG_Q_PROVIDER=Other", "RCLONE_CONFIG_Q_ENDPOINT=" + srv.URL,
		"RCLONE_CONFIG_Q_REGION=" + srv.Region, "RCLONE_CONFIG_Q_ACCESS_KEY_ID=" + srv.AccessKey,
		"RCLONE_CONFIG_Q_SECRET_ACCESS_KEY=" + srv.SecretKey,
	},
		// One attempt: a retry must not hide an answer rclone did not
		// like.
		flags: []string{"--retries", "1", "--low-level-retries", "1"},
	}
	if srv.CertPool != nil {
		ca := filepath.Join(home, "ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		r.flags = append(r.flags, "--ca-cert", ca)
	}
	return r
}

// tryWith runs rclone with args, stdin from stdin (nil: none), and returns
// its stdout, or an error holding its stderr.
func (r *rcloneRunner) tryWith(stdin []byte, args ...string) (string, error) {
	r.t.Helper()
	cmd := exec.CommandContext(r.t.Context(), r.bin, append(slices.Clone(r.flags), args...)...)
	cmd.Env = r.env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("rclone %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// try runs rclone with args and returns its stdout.
func (r *rcloneRunner) try(args ...string) (string, error) {
	r.t.Helper()
	return r.tryWith(nil, args...)
}

// run is try that fails the test when rclone fails.
func (r *rcloneRunner) run(args ...string) string {
	r.t.Helper()
	out, err := r.try(args...)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// rcloneEntry is an entry of `rclone lsjson`.
type rcloneEntry struct {
	Path     string
	Size     int64
	ModTime  time.Time
	IsDir    bool
	Hashes   map[string]string
	Metadata map[string]string
}

// lsjson lists files (not directories) under remote, by path.
func (r *rcloneRunner) lsjson(args ...string) map[string]rcloneEntry {
	r.t.Helper()
	out := r.run(append([]string{"lsjson", "--files-only", "--hash"}, args...)...)
	var entries []rcloneEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		r.t.Fatalf("rclone lsjson printed %q: %v", out, err)
	}
	m := map[string]rcloneEntry{}
	for _, e := range entries {
		m[e.Path] = e
	}
	return m
}

// wantListing checks an lsjson listing against files: paths, sizes,
// modification times (rclone's X-Amz-Meta-Mtime) and MD5s.
func wantListing(t *testing.T, got map[string]rcloneEntry, files map[string]localFile) {
	t.Helper()
	if len(got) != len(files) {
		t.Errorf("listed %d files, want %d: %v", len(got), len(files), got)
	}
	for name, f := range files {
		e, ok := got[name]
		sum := md5.Sum(f.body)
		if !ok || e.Size != int64(len(f.body)) || !e.ModTime.Equal(f.mtime) || e.Hashes["md5"] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s listed as %+v; want size %d, mtime %v, md5 %x", name, e, len(f.body), f.mtime, sum)
		}
	}
}

// wantMtimeMetadata checks that bucket/key carries rclone's modification
// time, seconds since the epoch with nanoseconds, in X-Amz-Meta-Mtime.
func wantMtimeMetadata(t *testing.T, c *s3.Client, bucket, key string, mtime time.Time) *s3.HeadObjectOutput {
	t.Helper()
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject %s: %v", key, err)
	}
	sec, frac, _ := strings.Cut(head.Metadata["mtime"], ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	ns, err2 := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	if err := errors.Join(err1, err2); err != nil || !time.Unix(s, ns).Equal(mtime) {
		t.Fatalf("%s: X-Amz-Meta-Mtime %q (%v), want %v", key, head.Metadata["mtime"], err, mtime)
	}
	return head
}

// copyCounter counts the server-side copies the emulator serves:
// CopyObject, and UploadPartCopy (a copy source with an upload ID).
type copyCounter struct {
	mu                    sync.Mutex
	objects, uploadCopies int
}

func (cc *copyCounter) observe(r *http.Request) {
	if r.Header.Get("X-Amz-Copy-Source") == "" {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if r.URL.Query().Has("uploadId") {
		cc.uploadCopies++
	} else {
		cc.objects++
	}
}

func (cc *copyCounter) take() (objects, uploadCopies int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	objects, uploadCopies = cc.objects, cc.uploadCopies
	cc.objects, cc.uploadCopies = 0, 0
	return objects, uploadCopies
}

// rcloneMultipart makes rclone upload anything over 1 MiB in parts of
// 5 MiB, its smallest.
var rcloneMultipart = []string{"--s3-upload-cutoff", "1M", "--s3-chunk-size", "5M"}

// TestRclone drives what rclone users do against the emulator over TLS:
// make a bucket, copy a tree up (one file multipart) and down with
// --checksum, list with sizes, times and MD5s, sync both ways, check,
// copy and move on the server (multipart copy too), delete, purge, rmdir,
// and list versions.
func TestRclone(t *testing.T) {
	var clock emulatortest.Clock
	srv := emulatortest.Start(t, emulator.Options{Now: clock.Now})
	rc := newRclone(t, srv)
	c := srv.S3Client()
	var copies copyCounter
	srv.Emulator.Observe(copies.observe)
	work, src, down, files := startTree(t)

	rc.run("mkdir", "q:bkt")
	rc.run(append([]string{"copy", src, "q:bkt/t"}, rcloneMultipart...)...)
	wantListing(t, rc.lsjson("-R", "q:bkt/t"), files)
	for name, f := range files {
		wantMtimeMetadata(t, c, "bkt", "t/"+name, f.mtime)
	}
	if head := wantMtimeMetadata(t, c, "bkt", "t/big.bin", files["big.bin"].mtime); !strings.HasSuffix(aws.ToString(head.ETag), `-2"`) {
		t.Errorf("big.bin has ETag %s: not uploaded in two parts", aws.ToString(head.ETag))
	}
	if out := rc.run("lsl", "q:bkt/t/a.txt"); !strings.Contains(out, "6 2020-01-02 03:04:05.123456789 a.txt") {
		t.Errorf("rclone lsl shows %q", out)
	}
	// rclone checks each download's MD5 against the ETag, or for a
	// multipart object against the MD5 it kept in metadata.
	rc.run("copy", "--checksum", "q:bkt/t", down)
	wantTree(t, down, files)

	t.Run("keys, hashes, streams", func(t *testing.T) {
		// The keys are stored as named, whatever rclone had to escape
		// on the wire.
		got := keysUnder(t, c, "bkt", "t/")
		for name, f := range files {
			if size, ok := got["t/"+name]; !ok || size != int64(len(f.body)) {
				t.Errorf("key t/%s: size %d, listed %v; keys %v", name, size, ok, slices.Sorted(maps.Keys(got)))
			}
		}
		if out := rc.run("lsf", "q:bkt/t/ünï cödé"); out != "日本語 %20 テスト.txt\n" {
			t.Errorf("rclone lsf of the non-ASCII directory printed %q", out)
		}
		// md5sum reads the ETag, or for the multipart object the MD5
		// rclone stored in X-Amz-Meta-Md5chksum; check --download reads
		// every byte back.
		sums := map[string]string{}
		for line := range strings.Lines(rc.run("md5sum", "q:bkt/t")) {
			sum, name, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "  ")
			sums[name] = sum
		}
		for name, f := range files {
			if want := md5.Sum(f.body); sums[name] != hex.EncodeToString(want[:]) {
				t.Errorf("rclone md5sum of %s: %q, want %x", name, sums[name], want)
			}
		}
		rc.run("check", "--download", src, "q:bkt/t")
		// rcat streams a body of unknown size: over the cutoff it goes
		// in parts, under it in one PUT; cat reads a range back.
		big := files["big.bin"].body[:5<<20+10]
		for key, body := range map[string][]byte{"stream/big": big, "stream/small": []byte("streamed")} {
			if _, err := rc.tryWith(body, append([]string{"rcat", "q:bkt/" + key}, rcloneMultipart...)...); err != nil {
				t.Fatal(err)
			}
			if got := emulatortest.MustGet(t, c, "bkt", key); got != string(body) {
				t.Errorf("%s holds %d bytes, want the %d streamed", key, len(got), len(body))
			}
		}
		if head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("stream/big")}); err != nil || !strings.HasSuffix(aws.ToString(head.ETag), `-2"`) {
			t.Errorf("stream/big: ETag %v (%v), want two parts", head, err)
		}
		if out := rc.run("cat", "--offset", "5242870", "--count", "20", "q:bkt/stream/big"); out != string(big[5242870:]) {
			t.Errorf("rclone cat of a range printed %q", out)
		}
		rc.run("purge", "q:bkt/stream")
	})

	t.Run("v1 listing, presigned requests, directory markers", func(t *testing.T) {
		out := rc.run("lsf", "-R", "--files-only", "--s3-list-version", "1", "q:bkt/t")
		if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(maps.Keys(files))) {
			t.Errorf("rclone lsf over ListObjects v1 printed %q", out)
		}
		// rclone signs a URL per request (query authentication) and
		// sends it with plain HTTP.
		rc.run(append([]string{"copy", "--s3-use-presigned-request", src, "q:bkt/p"}, rcloneMultipart...)...)
		rc.run("check", "--download", src, "q:bkt/p")
		// A public link is a presigned GET anyone can use.
		link := strings.TrimSpace(rc.run("link", "q:bkt/p/a.txt"))
		resp, err := srv.HTTPClient().Get(link)
		if err != nil {
			t.Fatal(err)
		}
		if body := emulatortest.ReadAll(t, resp.Body); resp.StatusCode != http.StatusOK || body != string(files["a.txt"].body) {
			t.Errorf("GET of rclone's link: %d %q", resp.StatusCode, body)
		}
		rc.run("mkdir", "--s3-directory-markers", "q:bkt/p/emptydir")
		if got := keysUnder(t, c, "bkt", "p/emptydir"); len(got) != 1 || got["p/emptydir/"] != 0 {
			t.Errorf("rclone mkdir --s3-directory-markers made %v", got)
		}
		if out := rc.run("lsf", "--dirs-only", "--s3-directory-markers", "q:bkt/p"); !strings.Contains(out, "emptydir/\n") {
			t.Errorf("rclone lsf does not show the marked directory: %q", out)
		}
		rc.run("purge", "q:bkt/p")
	})

	t.Run("sync", func(t *testing.T) {
		rc.run("sync", "--delete-during", src, "q:bkt/s")
		changeTree(t, src, files)
		rc.run(append([]string{"sync", "--delete-during", src, "q:bkt/s"}, rcloneMultipart...)...)
		wantListing(t, rc.lsjson("-R", "q:bkt/s"), files)
		rc.run("check", src, "q:bkt/s")
		// A stale local file and a changed one are put right.
		writeTree(t, down, map[string]localFile{"stale": {[]byte("x"), files["a.txt"].mtime}})
		rc.run("sync", "--delete-during", "q:bkt/s", down)
		wantTree(t, down, files)
		// check compares what the server says: an object changed behind
		// rclone's back (same size) is a difference.
		emulatortest.MustPut(t, c, "bkt", "s/c.txt", "NEW\n")
		if _, err := rc.try("check", src, "q:bkt/s"); err == nil {
			t.Error("rclone check found no difference after s/c.txt changed")
		}
	})

	t.Run("server-side copy and move", func(t *testing.T) {
		copies.take()
		rc.run("copyto", "q:bkt/t/a.txt", "q:bkt/t/a-copy.txt")
		rc.run("copyto", "--s3-copy-cutoff", "5M", "q:bkt/t/big.bin", "q:bkt/t/big-copy.bin")
		if objects, parts := copies.take(); objects != 1 || parts != 2 {
			t.Errorf("the copies were %d CopyObject and %d UploadPartCopy; want 1 and 2", objects, parts)
		}
		want := map[string]localFile{"a-copy.txt": files["a.txt"], "big-copy.bin": files["big.bin"]}
		// files["a.txt"] changed in the sync subtest; t/ holds the original.
		want["a-copy.txt"] = clientTree()["a.txt"]
		wantListing(t, rc.lsjson("--include", "*-copy.*", "q:bkt/t"), want)
		rc.run("moveto", "q:bkt/t/a-copy.txt", "q:bkt/t/moved.txt")
		if got := keysUnder(t, c, "bkt", "t/"); got["t/a-copy.txt"] != 0 || got["t/moved.txt"] != int64(len(want["a-copy.txt"].body)) {
			t.Errorf("after moveto: %v", got)
		}
		wantMtimeMetadata(t, c, "bkt", "t/moved.txt", want["a-copy.txt"].mtime)
	})

	t.Run("delete, purge, rmdir", func(t *testing.T) {
		rc.run("delete", "--include", "*.txt", "q:bkt/t")
		got := keysUnder(t, c, "bkt", "t/")
		if want := []string{"t/big-copy.bin", "t/big.bin", "t/empty"}; !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
			t.Errorf("after delete --include *.txt: %v", got)
		}
		if _, err := rc.try("rmdir", "q:bkt"); err == nil {
			t.Error("rclone rmdir of a bucket with objects succeeded")
		}
		rc.run("purge", "q:bkt/t")
		if got := keysUnder(t, c, "bkt", ""); len(got) != len(files) {
			t.Errorf("after purge of t/: %v, want s/ only", got)
		}
		rc.run("purge", "q:bkt/s")
		rc.run("rmdir", "q:bkt")
		if _, err := c.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("bkt")}); err == nil {
			t.Error("bkt is still there after rclone rmdir")
		}
	})

	t.Run("versions", func(t *testing.T) {
		rc.run("mkdir", "q:ver")
		rc.run("backend", "versioning", "q:ver", "Enabled")
		if out, err := c.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("ver")}); err != nil || out.Status != types.BucketVersioningStatusEnabled {
			t.Fatalf("versioning of ver: %+v %v", out, err)
		}
		one := filepath.Join(work, "one")
		for i, body := range []string{"one", "second"} {
			writeTree(t, work, map[string]localFile{"one": {[]byte(body), time.Date(2021, 1, 1, 0, i, 0, 0, time.UTC)}})
			rc.run("copyto", one, "q:ver/k")
			// The versions are a minute apart in the server's time, so
			// --s3-version-at can fall between them.
			clock.Advance(time.Minute)
		}
		first := clock.Now().Add(-90 * time.Second).UTC().Format(time.RFC3339Nano)
		if out := rc.run("cat", "--s3-version-at", first, "q:ver/k"); out != "one" {
			t.Errorf("rclone cat --s3-version-at between the versions printed %q, want the first", out)
		}
		rc.run("delete", "q:ver/k")
		if got := rc.lsjson("q:ver"); len(got) != 0 {
			t.Errorf("after delete, rclone lists %v", got)
		}
		got := rc.lsjson("--s3-versions", "q:ver")
		var sizes []int64
		for name, e := range got {
			if !strings.HasPrefix(name, "k-v") || !e.ModTime.Before(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("rclone lists version %s as %+v", name, e)
			}
			sizes = append(sizes, e.Size)
		}
		if slices.Sort(sizes); !slices.Equal(sizes, []int64{3, 6}) {
			t.Errorf("rclone lists versions %v; want the two bodies'", got)
		}
		rc.run("purge", "q:ver")
	})
}

// TestRcloneOverPlainHTTP: over plain HTTP rclone signs every body's
// SHA-256; the same tree goes up (one file multipart) and down verified.
func TestRcloneOverPlainHTTP(t *testing.T) {
	srv := emulatortest.StartPlainHTTP(t, emulator.Options{})
	rc := newRclone(t, srv)
	_, src, down, files := startTree(t)
	rc.run("mkdir", "q:bkt")
	rc.run(append([]string{"copy", src, "q:bkt"}, rcloneMultipart...)...)
	wantListing(t, rc.lsjson("-R", "q:bkt"), files)
	rc.run("copy", "--checksum", "q:bkt", down)
	wantTree(t, down, files)
}
