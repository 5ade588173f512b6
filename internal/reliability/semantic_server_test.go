package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
)

// The cases of a server that breaks one rule: listings (issue 10 part 2),
// downloads (part 3) and uploads (part 4). Each fails on the code before
// these checks: it lost data, wrote what it should not, or never ended.

func misbehavingEnv(t *testing.T) (*env, *misbehave.Switch) {
	t.Helper()
	sw := &misbehave.Switch{}
	return newWrappedEnv(t, sw.Wrap), sw
}

// keys lists the keys under prefix (with the server behaving).
func (e *env) keys(prefix string) []string {
	e.t.Helper()
	var keys []string
	for o, err := range e.c.List(context.Background(), bucket, prefix) {
		if err != nil {
			e.t.Fatal(err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

// lettered is n small objects or files named a, b, c...
func lettered(n int) tree {
	tr := tree{}
	for i := range n {
		tr[string(rune('a'+i))] = randomData(uint64(30+i), 10+i)
	}
	return tr
}

// noLine fails t if stdout has a line starting with action (what qcli did).
func noLine(t *testing.T, stdout, action string) {
	t.Helper()
	for line := range strings.Lines(stdout) {
		if strings.HasPrefix(line, action) {
			t.Errorf("qcli did %q", strings.TrimSpace(line))
		}
	}
}

var serverCases = slices.Concat(
	[]semanticCase{{
		fault:   "a listing says IsTruncated but gives no continuation token",
		command: "s3 sync s3://bkt/src/ $TMP/dst --delete --page-size 2",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			files := lettered(5)
			files.put(e, "src/")
			dir := t.TempDir()
			dst := filepath.Join(dir, "dst")
			files.write(t, dst)
			sw.Set(sw.DropToken())
			r := e.runSemantic(t, "s3", "sync", "s3://bkt/src/", dst, "--delete", "--page-size", "2")
			noLine(t, r.Stdout, "delete:")
			if got, err := localFiles(dst); err != nil || len(got) != len(files) {
				t.Errorf("%d of %d local files left (%v)", len(got), len(files), err)
			}
			return e.observe(t, r, 1, dir, fmt.Sprintf("no local file deleted (%d checked)", len(files)),
				"ListObjectsV2 s3://bkt/src/", "no continuation token")
		},
	}},
	cycleCases(),
	[]semanticCase{{
		fault:   "endless empty pages, each with a new continuation token",
		command: "s3 ls s3://bkt/p/",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			sw.Set(misbehave.EndlessEmptyPages())
			r := e.runSemantic(t, "s3", "ls", "s3://bkt/p/")
			return e.observe(t, r, 1, "", "ended on its own", "ListObjectsV2 s3://bkt/p/", "pages in a row held nothing")
		},
	}, {
		fault:   "a listing ignores the prefix",
		command: "s3 rm --recursive s3://bkt/tmp/",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			e.Put(bucket, map[string]string{"important/db.sqlite": "data", "tmp/a": "a", "tmp/b": "b"})
			sw.Set(sw.IgnorePrefix())
			r := e.runSemantic(t, "s3", "rm", "--recursive", "s3://bkt/tmp/")
			sw.Set(nil)
			if n := len(e.keys("")); n != 3 {
				t.Errorf("%d of 3 objects left", n)
			}
			return e.observe(t, r, 1, "", "nothing deleted (3 objects checked)", `"important/db.sqlite" is outside the prefix "tmp/"`)
		},
	}, {
		fault:   "a listing returns keys out of order",
		command: "s3 sync s3://bkt/src/ s3://bkt/dst/ --delete",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			objs := lettered(3)
			objs.put(e, "src/")
			objs.put(e, "dst/")
			sw.Set(sw.AlterLists(func(r *http.Request) bool { return r.URL.Query().Get("prefix") == "src/" },
				func(_ *http.Request, res *misbehave.ListResult) { slices.Reverse(res.Contents) }))
			r := e.runSemantic(t, "s3", "sync", "s3://bkt/src/", "s3://bkt/dst/", "--delete")
			sw.Set(nil)
			noLine(t, r.Stdout, "delete:")
			if n := len(e.keys("dst/")); n != 3 {
				t.Errorf("%d of 3 destination objects left", n)
			}
			return e.observe(t, r, 1, "", "nothing deleted (3 destination objects checked)", "ListObjectsV2 s3://bkt/src/", "does not sort after")
		},
	}, {
		fault:   "a key holds ESC, which XML 1.0 cannot carry",
		command: "s3 rm --recursive s3://bkt/ctl/",
		run: func(t *testing.T) observed {
			e, _ := misbehavingEnv(t)
			e.Put(bucket, map[string]string{"ctl/a\x1b[31mred": "x", "ctl/b": "y"})
			r := e.runSemantic(t, "s3", "rm", "--recursive", "s3://bkt/ctl/")
			if left := e.keys("ctl/"); len(left) != 0 {
				t.Errorf("left behind: %q", left)
			}
			return e.observe(t, r, 0, "", "both objects gone")
		},
	}, {
		fault:   "a key holds ESC, which XML 1.0 cannot carry",
		command: "s3 sync $TMP/src s3://bkt/ctl/, twice",
		run: func(t *testing.T) observed {
			e, _ := misbehavingEnv(t)
			dir := t.TempDir()
			tree{"a\x1b[31mred": []byte("x"), "b": []byte("y")}.write(t, dir)
			e.runSemantic(t, "s3", "sync", dir, "s3://bkt/ctl/")
			r := e.runSemantic(t, "s3", "sync", dir, "s3://bkt/ctl/")
			noLine(t, r.Stdout, "upload:")
			if got := e.keys("ctl/"); !slices.Equal(got, []string{"ctl/a\x1b[31mred", "ctl/b"}) {
				t.Errorf("objects: %q", got)
			}
			return e.observe(t, r, 0, dir, "the second run uploaded nothing")
		},
	}, {
		fault:   "a DeleteObjects answer leaves out a key it did not delete",
		command: "s3 rm --recursive s3://bkt/tmp/",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			e.Put(bucket, map[string]string{"tmp/a": "a", "tmp/b": "b", "tmp/c": "c"})
			sw.Set(sw.SkipDelete("tmp/b"))
			r := e.runSemantic(t, "s3", "rm", "--recursive", "s3://bkt/tmp/")
			sw.Set(nil)
			if got := e.keys("tmp/"); !slices.Equal(got, []string{"tmp/b"}) {
				t.Errorf("left: %q, want tmp/b", got)
			}
			return e.observe(t, r, 1, "", "tmp/b reported as not deleted, and it is still there", "s3://bkt/tmp/b", "NotConfirmed")
		},
	}, {
		fault:   "a listing page of 50 MB",
		command: "s3 ls s3://bkt/",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			var written atomic.Int64
			sw.Set(misbehave.HugeList(50<<20, false, &written))
			r := e.runSemantic(t, "s3", "ls", "s3://bkt/")
			// Loopback socket buffers let the server get a few MB past
			// what the client read before it hung up.
			if written.Load() > 32<<20 {
				t.Errorf("the server got %d MB out: the client read on", written.Load()>>20)
			}
			return e.observe(t, r, 1, "", "read stopped at 8 MiB", "ListObjectsV2 s3://bkt", "larger than 8 MiB")
		},
	}, {
		fault:   "ListMultipartUploads pages that lead to each other",
		command: "s3 rb --force s3://bkt",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			var ids []string
			for range 2 {
				up, err := e.c.CreateMultipartUpload(context.Background(), client.CreateMultipartUploadInput{Bucket: bucket, Key: "k"})
				id := up.UploadID
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			sw.Set(misbehave.CycleUploads("k", ids[0], ids[1]))
			r := e.runSemantic(t, "s3", "rb", "--force", "s3://bkt")
			sw.Set(nil)
			if err := e.c.HeadBucket(context.Background(), bucket); err != nil {
				t.Errorf("the bucket: %v", err)
			}
			return e.observe(t, r, 1, "", "the bucket kept", "ListMultipartUploads s3://bkt", "listed twice")
		},
	}},
	downloadCases(),
	uploadCases(),
)

// cycleCases run every command that lists through continuation tokens
// that lead in a circle: each must end with an error naming the listing.
func cycleCases() []semanticCase {
	type cmd struct {
		command string
		argv    func(dir string) []string
		check   func(t *testing.T, e *env, dir string) string
	}
	objects := func(t *testing.T, e *env, _ string) string {
		if n := len(e.keys("")); n != 4 {
			t.Errorf("%d objects left", n)
		}
		return "only what the listing named was touched"
	}
	cmds := []cmd{
		{"s3 ls s3://bkt/p/", func(string) []string { return []string{"s3", "ls", "s3://bkt/p/"} }, objects},
		{"s3 cp --recursive s3://bkt/p/ $TMP/out", func(dir string) []string {
			return []string{"s3", "cp", "--recursive", "s3://bkt/p/", filepath.Join(dir, "out")}
		}, objects},
		{"s3 rm --recursive s3://bkt/p/", func(string) []string { return []string{"s3", "rm", "--recursive", "s3://bkt/p/"} },
			func(t *testing.T, e *env, _ string) string {
				if got := e.keys(""); !slices.Equal(got, []string{"other/x"}) {
					t.Errorf("left: %q", got)
				}
				return "only the keys listed under p/ deleted"
			}},
		{"s3 rb --force s3://bkt", func(string) []string { return []string{"s3", "rb", "--force", "s3://bkt"} },
			func(t *testing.T, e *env, _ string) string {
				if err := e.c.HeadBucket(context.Background(), bucket); err != nil {
					t.Errorf("the bucket: %v", err)
				}
				return "the bucket kept"
			}},
		{"s3 sync s3://bkt/p/ $TMP/dst --delete", func(dir string) []string {
			return []string{"s3", "sync", "s3://bkt/p/", filepath.Join(dir, "dst"), "--delete"}
		}, func(t *testing.T, e *env, dir string) string {
			if _, err := os.Stat(filepath.Join(dir, "dst", "local-only")); err != nil {
				t.Errorf("local-only: %v", err)
			}
			return "the local-only file kept"
		}},
	}
	var cases []semanticCase
	for _, c := range cmds {
		cases = append(cases, semanticCase{
			fault:   "continuation tokens that lead in a circle (A → B → A)",
			command: c.command,
			run: func(t *testing.T) observed {
				e, sw := misbehavingEnv(t)
				e.Put(bucket, map[string]string{"p/a": "a", "p/b": "b", "p/c": "c", "other/x": "x"})
				dir := t.TempDir()
				tree{"local-only": []byte("keep")}.write(t, filepath.Join(dir, "dst"))
				sw.Set(sw.CycleTokens())
				r := e.runSemantic(t, c.argv(dir)...)
				sw.Set(nil)
				return e.observe(t, r, 1, dir, c.check(t, e, dir), "ListObjectsV2 s3://bkt", "goes in circles")
			},
		})
	}
	return cases
}

// downloadCases are servers whose GET answers are not what they must be.
func downloadCases() []semanticCase {
	return []semanticCase{{
		fault:   "GETs ignore If-Match while the object is replaced (opaque ETags)",
		command: "s3 mv s3://bkt/big.bin $TMP/big.bin",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			tree{"big.bin": randomData(40, bigSize)}.put(e, "")
			replacement := randomData(41, bigSize)
			sw.Set(sw.IgnoreIfMatch(bucket, "big.bin", func() { tree{"big.bin": replacement}.put(e, "") }))
			dir := t.TempDir()
			r := e.runSemantic(t, s3cp("mv", "s3://bkt/big.bin", filepath.Join(dir, "big.bin"))...)
			sw.Set(nil)
			if got, _ := localFiles(dir); len(got) != 0 {
				t.Errorf("files left: %d", len(got))
			}
			if data, ok, err := e.object("big.bin"); err != nil || !ok || !bytes.Equal(data, replacement) {
				t.Errorf("the object: %v, %v; want its new version kept", ok, err)
			}
			return e.observe(t, r, 1, dir, "no file written; the object (now its new version) kept", "changed while it was being read", "ignored If-Match")
		},
	}, {
		fault:   "a GET answer goes on past the object's size",
		command: "s3 cp s3://bkt/small.bin -",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			data := randomData(42, 5000)
			tree{"small.bin": data}.put(e, "")
			var written atomic.Int64
			sw.Set(sw.EndlessBody(bucket, "small.bin", 64<<20, &written))
			r := e.runSemantic(t, "s3", "cp", "s3://bkt/small.bin", "-")
			if len(r.Stdout) > len(data) {
				t.Errorf("%d bytes written to stdout, more than the object's %d", len(r.Stdout), len(data))
			}
			return e.observe(t, r, 1, "", fmt.Sprintf("%d bytes on stdout, at most the object's %d", len(r.Stdout), len(data)), "s3://bkt/small.bin")
		},
	}, {
		fault:   "a GET answer goes on past the object's size",
		command: "s3 mv s3://bkt/small.bin $TMP/small.bin",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			tree{"small.bin": randomData(43, 5000)}.put(e, "")
			var written atomic.Int64
			const limit = 64 << 20
			sw.Set(sw.EndlessBody(bucket, "small.bin", limit, &written))
			dir := t.TempDir()
			r := e.runSemantic(t, "s3", "mv", "s3://bkt/small.bin", filepath.Join(dir, "small.bin"))
			sw.Set(nil)
			if got, _ := localFiles(dir); len(got) != 0 {
				t.Errorf("files left: %d", len(got))
			}
			if _, ok, err := e.object("small.bin"); !ok || err != nil {
				t.Errorf("the object is gone (%v)", err)
			}
			if written.Load() >= limit {
				t.Errorf("the client read all %d MB", limit>>20)
			}
			return e.observe(t, r, 1, dir, "reading stopped at the size; no file; the object kept", "s3://bkt/small.bin")
		},
	}}
}

// ageFile dates a file an hour back, so that a rewrite is seen in its
// modification time whatever the clock's granularity.
func ageFile(t *testing.T, path string) {
	t.Helper()
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
}

// bigFile writes a multipart-sized file big.bin into a new directory.
func bigFile(t *testing.T, seed uint64) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	tree{"big.bin": randomData(seed, bigSize)}.write(t, dir)
	return dir, filepath.Join(dir, "big.bin")
}

func isPart(n string) func(*http.Request) bool {
	return func(r *http.Request) bool { return misbehave.IsUploadPart(r) && r.URL.Query().Get("partNumber") == n }
}

// uploadCases are files that change while they upload, and a server that
// starts a multipart upload without an id.
func uploadCases() []semanticCase {
	return []semanticCase{{
		fault:   "the file is rewritten while it uploads",
		command: "s3 mv $TMP/big.bin s3://bkt/big.bin",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			dir, path := bigFile(t, 44)
			ageFile(t, path)
			rewritten := randomData(45, bigSize)
			sw.Set(misbehave.OnRequest(isPart("3"), func() {
				f, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err == nil {
					_, err = f.WriteAt(rewritten, 0)
					err = errors.Join(err, f.Close())
				}
				if err != nil {
					t.Error(err)
				}
			}))
			r := e.runSemantic(t, s3cp("mv", path, "s3://bkt/big.bin")...)
			sw.Set(nil)
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, rewritten) {
				t.Errorf("the file: %v; want it kept with its new content", err)
			}
			if _, ok, _ := e.object("big.bin"); ok {
				t.Error("an object was stored")
			}
			e.checkNoOpenUploads(t)
			return e.observe(t, r, 1, dir, "the file kept; no object; no upload left open", "changed while uploading")
		},
	}, {
		fault:   "the file shrinks while it uploads",
		command: "s3 cp $TMP/big.bin s3://bkt/big.bin",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			dir, path := bigFile(t, 46)
			sw.Set(misbehave.OnRequest(isPart("2"), func() {
				if err := os.Truncate(path, 5000); err != nil {
					t.Error(err)
				}
			}))
			r := e.runSemantic(t, s3cp("cp", path, "s3://bkt/big.bin")...)
			sw.Set(nil)
			e.checkNoOpenUploads(t)
			return e.observe(t, r, 1, dir, "no object; no upload left open", "changed while uploading (it shrank")
		},
	}, {
		fault:   "CreateMultipartUpload answers an empty UploadId",
		command: "s3 cp $TMP/big.bin s3://bkt/big.bin",
		run: func(t *testing.T) observed {
			e, sw := misbehavingEnv(t)
			dir, path := bigFile(t, 47)
			var puts atomic.Int64
			empty := sw.EmptyUploadID()
			sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPut {
					puts.Add(1)
				}
				return empty(w, r)
			})
			r := e.runSemantic(t, s3cp("cp", path, "s3://bkt/big.bin")...)
			if puts.Load() != 0 {
				t.Errorf("%d PUTs sent", puts.Load())
			}
			return e.observe(t, r, 1, dir, "no part sent", "CreateMultipartUpload s3://bkt/big.bin", "no UploadId")
		},
	}}
}
