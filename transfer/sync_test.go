package transfer_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

func (e *env) keys(prefix string) map[string]bool {
	e.t.Helper()
	out := map[string]bool{}
	for o, err := range e.c.List(context.Background(), "bkt", prefix) {
		if err != nil {
			e.t.Fatal(err)
		}
		out[o.Key] = true
	}
	return out
}

func TestSyncLocalToS3(t *testing.T) {
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1", "b/c": "22", "d.log": "333"})
	m := e.manager()
	dst := transfer.Location{Bucket: "bkt", Prefix: "s/"}
	sync := func(o transfer.TreeOptions) transfer.Summary {
		t.Helper()
		sum, err := m.Sync(context.Background(), transfer.Location{Local: root}, dst, o)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	if sum := sync(transfer.TreeOptions{}); sum.Done != 3 {
		t.Fatalf("first sync %+v", sum)
	}
	reqs := e.record()
	if sum := sync(transfer.TreeOptions{}); sum.Done != 0 || sum.Unchanged != 3 {
		t.Errorf("second sync %+v", sum)
	}
	if n := reqs.count(func(r *http.Request) bool { return r.Method == http.MethodHead }); n != 0 {
		t.Errorf("sync sent %d HEADs; the listing says enough", n)
	}

	// A same-size edit with a newer mtime is copied; --size-only misses it.
	future := time.Now().Add(time.Hour)
	os.WriteFile(filepath.Join(root, "a"), []byte("9"), 0o644)
	os.Chtimes(filepath.Join(root, "a"), future, future)
	if sum := sync(transfer.TreeOptions{SizeOnly: true}); sum.Done != 0 {
		t.Errorf("size-only sync copied %+v", sum)
	}
	if sum := sync(transfer.TreeOptions{}); sum.Done != 1 || string(e.read("s/a")) != "9" {
		t.Errorf("sync after an edit %+v", sum)
	}
	past := time.Now().Add(-time.Hour) // the edit is now older than its upload
	os.Chtimes(filepath.Join(root, "a"), past, past)

	// --delete removes what the source lost, but never what filters exclude.
	os.Remove(filepath.Join(root, "b/c"))
	os.Remove(filepath.Join(root, "d.log"))
	e.put("s/extra", []byte("x"))
	f := filter.New(filter.Rule{Pattern: "*.log"})
	if sum := sync(transfer.TreeOptions{Delete: true, DryRun: true, Filter: f}); sum.Done != 2 || len(e.keys("s/")) != 4 {
		t.Errorf("dry run %+v, keys %v", sum, e.keys("s/"))
	}
	if sum := sync(transfer.TreeOptions{Delete: true, Filter: f}); sum.Done != 2 {
		t.Errorf("delete sync %+v", sum)
	}
	if got := e.keys("s/"); len(got) != 2 || !got["s/a"] || !got["s/d.log"] {
		t.Errorf("after --delete: %v", got)
	}
}

func TestSyncS3ToLocalAndBack(t *testing.T) {
	e := newEnv(t)
	e.put("src/a", []byte("1"))
	e.put("src/dir/b", pattern(3*testPartSize))
	m := e.manager()
	out := filepath.Join(t.TempDir(), "out")
	src := transfer.Location{Bucket: "bkt", Prefix: "src/"}
	sum, err := m.Sync(context.Background(), src, transfer.Location{Local: out}, transfer.TreeOptions{})
	if err != nil || sum.Done != 2 {
		t.Fatalf("%+v %v", sum, err)
	}
	// Downloads take the object's time, so an exact-timestamp sync is a no-op.
	sum, err = m.Sync(context.Background(), src, transfer.Location{Local: out}, transfer.TreeOptions{ExactTimestamps: true})
	if err != nil || sum.Done != 0 || sum.Unchanged != 2 {
		t.Fatalf("re-sync %+v %v", sum, err)
	}
	os.WriteFile(filepath.Join(out, "local-only"), []byte("x"), 0o644)
	sum, err = m.Sync(context.Background(), src, transfer.Location{Local: out}, transfer.TreeOptions{Delete: true})
	if _, statErr := os.Stat(filepath.Join(out, "local-only")); err != nil || sum.Done != 1 || statErr == nil {
		t.Fatalf("delete sync %+v %v", sum, err)
	}
	// S3 to S3.
	sum, err = m.Sync(context.Background(), src, transfer.Location{Bucket: "bkt", Prefix: "copy/"}, transfer.TreeOptions{})
	if err != nil || sum.Done != 2 || string(e.read("copy/a")) != "1" {
		t.Fatalf("s3 to s3 %+v %v", sum, err)
	}
}
