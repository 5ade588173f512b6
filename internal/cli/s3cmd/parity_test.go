package s3cmd_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
)

// Issue 11 B8: one rule for the s3 commands, the AWS CLI's: an operation
// the service refused, or an ls that finds nothing under a key, exits 1.
func TestS3ExitCodesMatchTheAWSCLI(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"dir/k.txt": "k"})
	e.MustRun("s3", "mb", "s3://empty")
	for _, tc := range []struct {
		argv []string
		code int
		msg  string
	}{
		{[]string{"s3", "ls", "s3://bkt/no-such-key"}, 1, "s3://bkt/no-such-key"},
		{[]string{"s3", "ls", "s3://bkt/no-such-prefix/"}, 1, "s3://bkt/no-such-prefix/"},
		{[]string{"s3", "ls", "s3://bkt/no-such-key", "--recursive"}, 1, "s3://bkt/no-such-key"},
		{[]string{"s3", "ls", "s3://bkt/dir/k.txt"}, 0, ""},
		{[]string{"s3", "ls", "s3://bkt/di"}, 0, ""},
		{[]string{"s3", "ls", "s3://empty"}, 0, ""},
		{[]string{"s3", "ls", "s3://empty/"}, 0, ""},
		{[]string{"s3", "ls", "s3://no-such-bucket"}, 1, "NoSuchBucket"},
		{[]string{"s3", "mb", "s3://bkt"}, 1, "BucketAlreadyOwnedByYou"},
		{[]string{"s3", "rb", "s3://no-such-bucket"}, 1, "NoSuchBucket"},
		{[]string{"s3", "rb", "s3://bkt"}, 1, "BucketNotEmpty"},
		{[]string{"s3", "stat", "s3://bkt/missing"}, 1, "NoSuchKey"},
		{[]string{"s3", "cat", "s3://bkt/missing"}, 1, "NoSuchKey"},
		{[]string{"s3", "cp", "s3://bkt/missing", "-"}, 1, "NoSuchKey"},
		{[]string{"s3", "cp", "s3://bkt/missing", t.TempDir()}, 1, "NoSuchKey"},
		{[]string{"s3", "rm", "s3://no-such-bucket/k"}, 1, "NoSuchBucket"},
	} {
		r := e.Run("", tc.argv...)
		if r.Code != tc.code || tc.code != 0 && (!strings.Contains(r.Stderr, tc.msg) || strings.Count(r.Stderr, "\n") != 1) {
			t.Errorf("qcli %s: exit %d, stderr %q; want %d naming %q", strings.Join(tc.argv, " "), r.Code, r.Stderr, tc.code, tc.msg)
		}
	}
	// The other groups keep the service-error code, as aws s3api does.
	e.UseConsole()
	if r := e.Run("", "console", "buckets", "get", "no-such-bucket"); r.Code != 254 {
		t.Errorf("console buckets get of a missing bucket: exit %d, %q", r.Code, r.Stderr)
	}
}

// mustRun runs a command line that must succeed, failing t (a subtest's,
// where e.MustRun would fail the parent).
func mustRun(t *testing.T, e *clitest.Env, argv ...string) clitest.Result {
	t.Helper()
	r := e.Run("", argv...)
	if r.Code != 0 {
		t.Fatalf("qcli %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(argv, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// countRequests counts the emulator's requests.
func countRequests(e *clitest.Env) *atomic.Int32 {
	var n atomic.Int32
	e.Server.Emulator.Observe(func(*http.Request) { n.Add(1) })
	return &n
}

// Issue 11 B14: the small things users see.
func TestSmallThingsUsersSee(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("a"))
	writeFile(t, filepath.Join(dir, "sub", "b.txt"), []byte("b"))

	t.Run("ls s3:// lists buckets", func(t *testing.T) {
		if r := mustRun(t, e, "s3", "ls", "s3://"); !strings.HasSuffix(r.Stdout, " bkt\n") {
			t.Errorf("ls s3:// = %q", r.Stdout)
		}
	})
	t.Run("paths as the AWS CLI shows them", func(t *testing.T) {
		t.Chdir(dir)
		r := mustRun(t, e, "s3", "cp", "a.txt", "s3://bkt/a.txt")
		if r.Stdout != "upload: ./a.txt to s3://bkt/a.txt\n" {
			t.Errorf("upload line %q", r.Stdout)
		}
		r = mustRun(t, e, "s3", "cp", filepath.Join(dir, "sub", "b.txt"), "s3://bkt/b.txt")
		if r.Stdout != "upload: sub/b.txt to s3://bkt/b.txt\n" {
			t.Errorf("upload line %q", r.Stdout)
		}
		r = mustRun(t, e, "s3", "cp", "s3://bkt/a.txt", ".")
		if r.Stdout != "download: s3://bkt/a.txt to ./a.txt\n" {
			t.Errorf("download line %q", r.Stdout)
		}
	})
	t.Run("a stdin upload prints what aws prints", func(t *testing.T) {
		r := e.Run("from stdin", "s3", "cp", "-", "s3://bkt/stdin.txt")
		if r.Code != 0 || r.Stdout != "" || r.Stderr != "" || string(object(t, e, "stdin.txt")) != "from stdin" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("skipping is said once, with 1 object", func(t *testing.T) {
		tree := t.TempDir()
		writeFile(t, filepath.Join(tree, "ok.txt"), []byte("ok"))
		if err := os.Symlink(filepath.Join(tree, "gone"), filepath.Join(tree, "dangling")); err != nil {
			t.Fatal(err)
		}
		r := e.Run("", "s3", "cp", "--recursive", tree, "s3://bkt/dangle/")
		dangling := filepath.Join(tree, "dangling")
		if r.Code != 2 || r.Stderr != "warning: skipping "+dangling+": no such file or directory\nqcli: 1 object was skipped\n" {
			t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
	t.Run("a long file name downloads, and errors name the target", func(t *testing.T) {
		long := strings.Repeat("n", 250)
		e.Put("bkt", map[string]string{long: "long"})
		out := t.TempDir()
		r := e.Run("", "s3", "cp", "s3://bkt/"+long, out+"/")
		if r.Code != 0 || string(readFile(t, filepath.Join(out, long))) != "long" {
			t.Errorf("exit %d, %q", r.Code, r.Stderr)
		}
		// A destination no file can be created in: the message names the target.
		target := filepath.Join(out, "file-as-dir", "x.txt")
		writeFile(t, filepath.Join(out, "file-as-dir", "placeholder"), nil)
		if err := os.Chmod(filepath.Join(out, "file-as-dir"), 0o555); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() != 0 {
			r = e.Run("", "s3", "cp", "s3://bkt/a.txt", target)
			if r.Code != 1 || !strings.Contains(r.Stderr, target+": permission denied") || strings.Contains(r.Stderr, ".qcli-") {
				t.Errorf("exit %d, %q", r.Code, r.Stderr)
			}
		}
	})
	t.Run("--part-size echoed as typed", func(t *testing.T) {
		knob := e.Vars[s3cmd.MinPartSizeEnv]
		delete(e.Vars, s3cmd.MinPartSizeEnv) // the real 5 MiB floor
		defer func() { e.Vars[s3cmd.MinPartSizeEnv] = knob }()
		r := e.Run("", "s3", "cp", filepath.Join(dir, "a.txt"), "s3://bkt/", "--part-size", "1MiB")
		if r.Code != 252 || !strings.Contains(r.Stderr, "--part-size 1MiB") || strings.Contains(r.Stderr, "1048576") {
			t.Errorf("exit %d, %q", r.Code, r.Stderr)
		}
	})
	t.Run("a missing sync source does not exist", func(t *testing.T) {
		missing := filepath.Join(dir, "nope")
		for _, argv := range [][]string{{"s3", "sync", missing, "s3://bkt/"}, {"s3", "cp", "--recursive", missing, "s3://bkt/"}} {
			if r := e.Run("", argv...); r.Code != 252 || !strings.Contains(r.Stderr, missing+" does not exist") {
				t.Errorf("%v: exit %d, %q", argv, r.Code, r.Stderr)
			}
		}
		if r := e.Run("", "s3", "sync", filepath.Join(dir, "a.txt"), "s3://bkt/"); r.Code != 252 || !strings.Contains(r.Stderr, "is not a directory") {
			t.Errorf("sync of a file: exit %d, %q", r.Code, r.Stderr)
		}
	})
	t.Run("a prefix without --recursive hints at it, before any request", func(t *testing.T) {
		n := countRequests(e)
		for _, argv := range [][]string{{"s3", "cp", "s3://bkt/sub/", t.TempDir()}, {"s3", "mv", "s3://bkt/sub/", "s3://bkt/other/"}} {
			if r := e.Run("", argv...); r.Code != 252 || !strings.Contains(r.Stderr, "--recursive") {
				t.Errorf("%v: exit %d, %q", argv, r.Code, r.Stderr)
			}
		}
		if n.Load() != 0 {
			t.Errorf("%d requests sent", n.Load())
		}
	})
	t.Run("mv onto itself is refused before any request", func(t *testing.T) {
		n := countRequests(e)
		for _, argv := range [][]string{{"s3", "mv", "s3://bkt/a.txt", "s3://bkt/a.txt"}, {"s3", "mv", "s3://bkt/a.txt", "s3://bkt/"},
			{"s3", "mv", "--recursive", "s3://bkt/sub", "s3://bkt/sub/"}} {
			if r := e.Run("", argv...); r.Code != 252 || !strings.Contains(r.Stderr, "onto itself") {
				t.Errorf("%v: exit %d, %q", argv, r.Code, r.Stderr)
			}
		}
		if n.Load() != 0 {
			t.Errorf("%d requests sent", n.Load())
		}
		if string(object(t, e, "a.txt")) != "a" {
			t.Error("the object is gone")
		}
	})
}

// Issue 11 A4: after sync DIR s3://b/p/, sync s3://b/p/ DIR moves nothing
// (same bytes: the files take the objects' times), and a same-size edit is
// still caught, for single-request and multipart objects.
func TestSyncRoundTripMovesNothing(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	files := map[string][]byte{"a.txt": []byte("alpha"), "sub/b.bin": randomBytes(3000), "big.bin": randomBytes(5*4096 + 3)}
	old := time.Now().Add(-48 * time.Hour)
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), data)
		if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if r := e.MustRun(args("s3", "sync", dir, "s3://bkt/p/")...); len(lines(r.Stdout)) != 3 {
		t.Fatalf("upload sync printed %q", r.Stdout)
	}
	gets := atomic.Int32{}
	e.Server.Emulator.Observe(func(r *http.Request) {
		if r.Method == http.MethodGet && !r.URL.Query().Has("list-type") && !r.URL.Query().Has("uploads") {
			gets.Add(1)
		}
	})
	if r := e.MustRun(args("s3", "sync", "s3://bkt/p/", dir)...); r.Stdout != "" || gets.Load() != 0 {
		t.Errorf("the round trip moved: %q, %d GETs", r.Stdout, gets.Load())
	}
	info, _ := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "p/big.bin"})
	st, _ := os.Stat(filepath.Join(dir, "big.bin"))
	if !st.ModTime().Truncate(time.Second).Equal(info.LastModified.Truncate(time.Second)) {
		t.Errorf("the unchanged file kept its time %v, not the object's %v", st.ModTime(), info.LastModified)
	}
	if r := e.MustRun(args("s3", "sync", "s3://bkt/p/", dir)...); r.Stdout != "" {
		t.Errorf("a second sync moved %q", r.Stdout)
	}
	// Same-size edits with an old time are still caught.
	for _, name := range []string{"a.txt", "big.bin"} {
		edited := bytes.Clone(files[name])
		edited[0] ^= 0xff
		writeFile(t, filepath.Join(dir, name), edited)
		os.Chtimes(filepath.Join(dir, name), old, old)
	}
	r := e.MustRun(args("s3", "sync", "s3://bkt/p/", dir)...)
	if len(lines(r.Stdout)) != 2 || !bytes.Equal(readFile(t, filepath.Join(dir, "big.bin")), files["big.bin"]) ||
		!bytes.Equal(readFile(t, filepath.Join(dir, "a.txt")), files["a.txt"]) {
		t.Errorf("same-size edits not downloaded: %q", r.Stdout)
	}
	// --dryrun decides the same way and changes nothing.
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("ALPHA"))
	os.Chtimes(filepath.Join(dir, "a.txt"), old, old)
	if r := e.MustRun(args("s3", "sync", "s3://bkt/p/", dir, "--dryrun")...); !strings.Contains(r.Stdout, "(dryrun) download: s3://bkt/p/a.txt") ||
		len(lines(r.Stdout)) != 1 {
		t.Errorf("dry run printed %q", r.Stdout)
	}
}

// Issue 11 C19: a URL presigned against the local profile's in-process
// emulator dies with the command: say so on stderr, point to qcli server,
// keep stdout the URL alone.
func TestPresignOnLocalProfileWarns(t *testing.T) {
	e := clitest.New(t)
	e.Vars = map[string]string{"QCLI_CONFIG_DIR": t.TempDir()}
	r := e.MustRun("--profile", "local", "s3", "presign", "s3://some-bucket/key")
	if len(lines(r.Stdout)) != 1 || !strings.HasPrefix(r.Stdout, "http://127.0.0.1:") {
		t.Errorf("stdout %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "in-process emulator") || !strings.Contains(r.Stderr, "qcli server") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if r := e.MustRun("--profile", "local", "--endpoint-url", "http://127.0.0.1:9000", "s3", "presign", "s3://some-bucket/key"); r.Stderr != "" {
		t.Errorf("with an endpoint: stderr %q", r.Stderr)
	}
}
