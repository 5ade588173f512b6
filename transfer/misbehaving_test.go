package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// Tests against servers that break one rule (see internal/reliability/
// misbehave): a transfer must fail, never splice two versions, write past
// what it expects or call a changed file uploaded.

func newMisbehavingEnv(t *testing.T) (*env, *misbehave.Switch) {
	t.Helper()
	sw := &misbehave.Switch{}
	return newWrappedEnv(t, sw.Wrap), sw
}

// A server that ignores If-Match while the object is replaced mid-download
// answers some ranges from the new version: with opaque ETags only the
// size could be checked, so the file was a splice of two versions, called
// verified. Every ranged answer's ETag is now compared with the pinned one.
func TestDownloadFromAServerIgnoringIfMatchNeverSplices(t *testing.T) {
	for _, toFile := range []bool{true, false} {
		t.Run(map[bool]string{true: "to a file", false: "to a stream"}[toFile], func(t *testing.T) {
			e, sw := newMisbehavingEnv(t)
			old, replacement := pattern(6*testPartSize), bytes.Repeat([]byte{'n'}, 6*testPartSize)
			e.put("obj", old)
			sw.Set(sw.IgnoreIfMatch("bkt", "obj", func() { e.put("obj", replacement) }))
			dir := t.TempDir()
			var out bytes.Buffer
			var err error
			in := transfer.DownloadInput{Bucket: "bkt", Key: "obj"}
			if toFile {
				_, err = e.manager().DownloadFile(context.Background(), in, filepath.Join(dir, "obj"))
			} else {
				_, err = e.manager().Download(context.Background(), in, &out)
			}
			var changed *transfer.ChangedError
			if !errors.As(err, &changed) || !strings.Contains(err.Error(), "ignored If-Match") {
				t.Fatalf("err = %v, want a ChangedError saying the server ignored If-Match", err)
			}
			noTempFiles(t, dir)
			if out.Len() > 0 && !bytes.HasPrefix(old, out.Bytes()) {
				t.Errorf("the stream got %d bytes that are not a prefix of the version pinned", out.Len())
			}
		})
	}
}

// countingWriter counts what a download wrote.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// A single GET whose body goes on past the object's size (a wrong
// Content-Length, an endless stream) stops at the size: nothing more
// reaches the writer or the file, and the download fails. Before, the
// whole body was written (64 MB of it here) and the size compared after.
func TestSingleGetNeverWritesPastTheExpectedSize(t *testing.T) {
	const limit = 64 << 20
	data := pattern(5000)
	t.Run("to a stream", func(t *testing.T) {
		e, sw := newMisbehavingEnv(t)
		e.put("obj", data)
		var written atomic.Int64
		sw.Set(sw.EndlessBody("bkt", "obj", limit, &written))
		var out countingWriter
		_, err := e.manager().Download(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, &out)
		var ie *transfer.IntegrityError
		if !errors.As(err, &ie) || out.n > int64(len(data)) {
			t.Fatalf("err = %v with %d bytes written, want an IntegrityError and at most %d", err, out.n, len(data))
		}
	})
	t.Run("to a file", func(t *testing.T) {
		e, sw := newMisbehavingEnv(t)
		e.put("obj", data)
		var written atomic.Int64
		sw.Set(sw.EndlessBody("bkt", "obj", limit, &written))
		dir := t.TempDir()
		_, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "obj"}, filepath.Join(dir, "obj"))
		var ie *transfer.IntegrityError
		if !errors.As(err, &ie) {
			t.Fatalf("err = %v, want an IntegrityError", err)
		}
		noTempFiles(t, dir)
		// The client stopped reading: only socket buffers' worth got out.
		if written.Load() >= limit {
			t.Errorf("the server got all %d MB out: the client read on", written.Load()>>20)
		}
	})
}

// oldFile writes data to a file dated an hour ago, so that a rewrite is
// seen in its modification time whatever the clock's granularity.
func oldFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	return path
}

// overwrite writes data over the file's bytes without truncating it first,
// so that its size never changes, as a program updating it in place would.
func overwrite(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(data, 0)
	return errors.Join(err, f.Close())
}

func partNumber(n string) func(*http.Request) bool {
	return func(r *http.Request) bool { return misbehave.IsUploadPart(r) && r.URL.Query().Get("partNumber") == n }
}

// A file rewritten or shrunk while it uploads fails the upload with a
// SourceChangedError (a shrink said as such, not as a network error), the
// multipart upload aborted and nothing stored; a file changed during a
// single PUT fails too, saying the object holds what was read. Before, a
// rewrite produced an object of old and new parts, verified, and mv then
// removed the file.
func TestUploadOfAFileChangedWhileUploadingFails(t *testing.T) {
	data := pattern(6 * testPartSize)
	for _, tc := range []struct {
		name   string
		size   int
		when   func(*http.Request) bool
		change func(path string) error
		says   string
		stored bool
	}{
		{"rewritten in place", len(data), partNumber("3"), func(p string) error { return overwrite(p, bytes.Repeat([]byte{'n'}, len(data))) },
			"its modification time changed", false},
		{"shrunk", len(data), partNumber("2"), func(p string) error { return os.Truncate(p, 5000) }, "it shrank", false},
		{"replaced by another file", len(data), partNumber("2"), func(p string) error {
			tmp := p + ".new"
			if err := os.WriteFile(tmp, data, 0o644); err != nil {
				return err
			}
			return os.Rename(tmp, p)
		}, "another file was put in its place", false},
		{"appended to during a single PUT", 5000, func(r *http.Request) bool { return r.Method == http.MethodPut && !r.URL.Query().Has("partNumber") },
			func(p string) error {
				f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					return err
				}
				_, err = f.Write([]byte("more"))
				return errors.Join(err, f.Close())
			}, "its size went from 5000 to 5004 bytes", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, sw := newMisbehavingEnv(t)
			path := oldFile(t, data[:tc.size])
			sw.Set(misbehave.OnRequest(tc.when, func() {
				if err := tc.change(path); err != nil {
					t.Error(err)
				}
			}))
			_, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "obj"})
			var sc *transfer.SourceChangedError
			if !errors.As(err, &sc) || !strings.Contains(err.Error(), "changed while uploading ("+tc.says) {
				t.Fatalf("err = %v, want a SourceChangedError saying %q", err, tc.says)
			}
			if (sc.Stored != "") != tc.stored {
				t.Errorf("Stored = %q", sc.Stored)
			}
			if n := e.openUploads(); n != 0 {
				t.Errorf("%d uploads left open", n)
			}
			_, herr := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "obj"})
			if !tc.stored && !errors.Is(herr, client.ErrNoSuchKey) {
				t.Errorf("the object: %v, want none", herr)
			}
		})
	}
}

// An empty UploadId fails the upload before any part is sent: sent
// without an id, parts go as plain PUTs of the key on some servers.
func TestEmptyUploadIDSendsNoPart(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	var parts atomic.Int64
	empty := sw.EmptyUploadID()
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPut && r.URL.Path == "/bkt/obj" {
			parts.Add(1)
		}
		return empty(w, r)
	})
	path := oldFile(t, pattern(3*testPartSize))
	_, err := e.manager().UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "obj"})
	var pe *client.ProtocolError
	if !errors.As(err, &pe) || parts.Load() != 0 {
		t.Fatalf("err = %v after %d PUTs, want a ProtocolError before any", err, parts.Load())
	}
}

// A source directory that cannot be read (here a symlink loop, which the
// walk reports instead of following) hides what is under it: sync --delete
// must not take its destination objects for extras. Before, they were
// deleted.
func TestSyncDeleteKeepsWhatAnUnreadableSourceDirectoryHides(t *testing.T) {
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1", "z": "2"})
	if err := os.Symlink(".", filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"s/a", "s/loop/x", "s/stale", "s/z"} {
		e.put(k, []byte("old"))
	}
	sum, err := e.manager().Sync(context.Background(), transfer.Location{Local: root}, transfer.Location{Bucket: "bkt", Prefix: "s/"},
		transfer.TreeOptions{Delete: true, FollowSymlinks: true})
	if err != nil || sum.Skipped != 1 {
		t.Fatalf("sync: %+v, %v; want the loop skipped", sum, err)
	}
	keys := e.keys("s/")
	if !keys["s/loop/x"] || keys["s/stale"] {
		t.Errorf("left %v: want s/loop/x kept and s/stale deleted", keys)
	}
}

// Sync decides a deletion only once the source listing has verifiably
// passed the name: a page is used only after the page that follows it was
// checked. Here the source's second page goes back to a key before the
// first page's: a local file the source does have must not be deleted on
// the first page's word (local deletions are immediate).
func TestSyncDeleteWaitsForTheSourcePageAfter(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	dst := writeTree(t, map[string]string{"a": "1", "b": "2", "d": "3"})
	content := func(key string) misbehave.Content {
		return misbehave.Content{Key: key, ETag: `"e"`, Size: 1, LastModified: "2026-01-02T03:04:05.000Z"}
	}
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		if !misbehave.IsListObjects(r) {
			return false
		}
		page := misbehave.ListResult{Name: "bkt", Prefix: "src/", IsTruncated: true, NextContinuationToken: "T",
			Contents: []misbehave.Content{content("src/b"), content("src/d")}}
		if r.URL.Query().Get("continuation-token") == "T" {
			page = misbehave.ListResult{Name: "bkt", Prefix: "src/", Contents: []misbehave.Content{content("src/a")}}
		}
		misbehave.WriteXML(w, nil, &page)
		return true
	})
	m := e.manager(func(o *transfer.Options) { o.PageSize = 2 })
	_, err := m.Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "src/"}, transfer.Location{Local: dst},
		transfer.TreeOptions{Delete: true})
	var pe *client.ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a ProtocolError", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "a")); err != nil {
		t.Errorf("a: %v; want it kept", err)
	}
}

// A multipart copy from a server that ignores x-amz-copy-source-if-match
// while the source is replaced copies parts of two versions: the copy
// fails once the source is seen changed, so mv keeps the source. Before,
// it succeeded.
func TestMultipartCopyFromAServerIgnoringCopySourceIfMatchFails(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	e.put("src", pattern(6*testPartSize))
	var copies atomic.Int64
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Amz-Copy-Source") == "" {
			return false
		}
		if copies.Add(1) == 2 {
			e.put("src", bytes.Repeat([]byte{'n'}, 6*testPartSize))
		}
		r2 := r.Clone(r.Context())
		r2.Header.Del("X-Amz-Copy-Source-If-Match")
		sw.Serve(w, misbehave.Resign(r2, nil))
		return true
	})
	m := e.manager(func(o *transfer.Options) { o.CopyThreshold = testThreshold })
	_, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src", Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst"}})
	var changed *transfer.ChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "may mix two versions") {
		t.Fatalf("err = %v, want a ChangedError", err)
	}
}

// A key that path cleaning moves onto a directory of the download ("./p"
// beside "p/z") is skipped however many keys under p/ the filter drops
// before the one it keeps. The server here answers two keys a page (S3
// may answer fewer than max-keys), so the kept key is on the second page
// of the check under p/; before, that check read one page only, found
// nothing to collide with, and the download failed writing a file where
// p/z had made a directory.
func TestDownloadCollisionFoundPastAFilteredPage(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	for _, k := range []string{"c/./p", "c/p/a1", "c/p/a2", "c/p/z"} {
		e.put(k, []byte(k))
	}
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		if n, _ := strconv.Atoi(q.Get("max-keys")); !misbehave.IsListObjects(r) || n <= 2 {
			return false
		}
		q.Set("max-keys", "2")
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		sw.Serve(w, misbehave.Resign(r2, nil))
		return true
	})
	out := t.TempDir()
	sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "c/"}, out,
		transfer.TreeOptions{Filter: filter.New(filter.Rule{Pattern: "p/a*"})})
	if err != nil || sum.Done != 1 || sum.Skipped != 1 || sum.Failed != 0 {
		t.Errorf("summary %+v, %v; want p/z downloaded and ./p skipped", sum, err)
	}
	mustExist(t, filepath.Join(out, "p", "z"), "c/p/z")
	var ce *transfer.CollisionError
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	for _, ev := range e.events.evs {
		if ev.Type == transfer.Skipped && errors.As(ev.Err, &ce) && ce.Key == "c/./p" && ce.Other == "c/p/z" {
			return
		}
	}
	t.Errorf("no CollisionError skipped c/./p for c/p/z; events %+v", e.events.evs)
}

// The check for a key named like a late key's path ("c/p" for "c/./p")
// reads past an empty first page: S3 may answer a truncated page with no
// key (the client allows a few in a row). Here the first page of each
// one-key listing is empty and leads to the listing from its start.
// Before, the check judged by that empty page alone, found no "c/p", and
// "c/./p" was written over the file of "c/p".
func TestDownloadCollisionFoundPastAnEmptyFirstPage(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	e.put("c/p", []byte("c/p"))
	e.put("c/./p", []byte("c/./p"))
	const again = "again"
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		if !misbehave.IsListObjects(r) || q.Get("max-keys") != "1" {
			return false
		}
		if q.Get("continuation-token") != again {
			misbehave.WriteXML(w, nil, &misbehave.ListResult{Name: "bkt", Prefix: q.Get("prefix"), MaxKeys: 1,
				IsTruncated: true, NextContinuationToken: again})
			return true
		}
		q.Del("continuation-token")
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		sw.Serve(w, misbehave.Resign(r2, nil))
		return true
	})
	out := t.TempDir()
	sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "c/"}, out, transfer.TreeOptions{})
	if err != nil || sum.Done != 1 || sum.Skipped != 1 {
		t.Errorf("summary %+v, %v; want c/p downloaded and c/./p skipped", sum, err)
	}
	mustExist(t, filepath.Join(out, "p"), "c/p")
}
