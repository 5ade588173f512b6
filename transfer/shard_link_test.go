package transfer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/transfer"
)

// destWithLink is a destination holding real/x and a symlink name -> real,
// and a bucket holding real/x (the same bytes) and name/x (other bytes).
func destWithLink(t *testing.T) (*env, string) {
	t.Helper()
	e := newEnv(t)
	e.put("real/x", []byte("RRRR"))
	e.put("name/x", []byte("NNNN"))
	out := t.TempDir()
	if err := os.MkdirAll(filepath.Join(out, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "real", "x"), []byte("RRRR"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(out, "name")); err != nil {
		t.Fatal(err)
	}
	return e, out
}

// linkShard is a shard count under which name/x, the link name and real/x
// are each in a different shard.
func linkShard() transfer.Shard {
	sh := transfer.Shard{}
	for sh.Count = 2; sh.Of("name/x") == sh.Of("name") || sh.Of("real/x") == sh.Of("name/x") || sh.Of("real/x") == sh.Of("name"); sh.Count++ {
	}
	return sh
}

// A sharded S3 -> local sync --delete whose destination holds a symlink
// to a directory, named like a source "directory", must not write through
// the link: the shard owning name/ would put name/x's bytes into real/x,
// the shard owning name would delete the link, and the shard owning real/
// would find real/x up to date.
func TestShardedSyncRefusesDownloadThroughDestLink(t *testing.T) {
	e, out := destWithLink(t)
	sh := linkShard()
	sh.Index = sh.Of("name/x") // the worst order: the link is still there
	sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
		transfer.TreeOptions{Delete: true, Shard: sh})
	if sum.Failed != 1 || sum.Done != 0 {
		t.Errorf("shard owning name/: %+v %v, want 1 failed, 0 done", sum, err)
	}
	failed := failedErrors(e)
	var le *transfer.ShardLinkError
	if err != nil || len(failed) != 1 || !errors.As(failed[0], &le) || le.Key != "name/x" || le.Link != filepath.Join(out, "name") {
		t.Fatalf("%v, failed %v: want one failure, a ShardLinkError for name/x naming the link", err, failed)
	}
	if msg := failed[0].Error(); !strings.Contains(msg, filepath.Join(out, "name")) || !strings.Contains(msg, "remove the link or run unsharded") {
		t.Errorf("message %q: want one naming the link and the way out", msg)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "real", "x")); string(got) != "RRRR" {
		t.Fatalf("real/x holds %q after the shard owning name/ ran, want RRRR", got)
	}
	for _, i := range []int{sh.Of("name"), sh.Of("real/x")} {
		sh.Index = i
		if sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
			transfer.TreeOptions{Delete: true, Shard: sh}); err != nil {
			t.Fatalf("shard %d: %+v %v", i, sum, err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(out, "real", "x")); string(got) != "RRRR" {
		t.Errorf("real/x holds %q, want RRRR", got)
	}
	// The link is gone now (the shard owning name deleted it), so a retry
	// of the failed shard downloads name/x into a real directory.
	sh.Index = sh.Of("name/x")
	if sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
		transfer.TreeOptions{Delete: true, Shard: sh}); err != nil || sum.Done != 1 {
		t.Fatalf("retry of the shard owning name/: %+v %v, want 1 done", sum, err)
	}
	if fi, err := os.Lstat(filepath.Join(out, "name")); err != nil || !fi.IsDir() {
		t.Errorf("name after the retry: %v %v, want a directory", fi, err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "name", "x")); string(got) != "NNNN" {
		t.Errorf("name/x holds %q, want NNNN", got)
	}
}

// A sharded cp --recursive (DownloadTree) refuses a path through a
// destination link too, and writes nothing through it.
func TestShardedDownloadTreeRefusesDestLink(t *testing.T) {
	e, out := destWithLink(t)
	sh := linkShard()
	sh.Index = sh.Of("name/x")
	sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out, transfer.TreeOptions{Shard: sh})
	failed := failedErrors(e)
	if sum.Failed != 1 || len(failed) != 1 || !errors.As(failed[0], new(*transfer.ShardLinkError)) {
		t.Errorf("%+v %v, failed %v: want 1 failed with a ShardLinkError", sum, err, failed)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "real", "x")); string(got) != "RRRR" {
		t.Errorf("real/x holds %q, want RRRR", got)
	}
}

// Unsharded, the same sync is correct and is left as it was: the one
// process deletes the link as an extra before it downloads name/x.
func TestWholeSyncThroughDestLink(t *testing.T) {
	e, out := destWithLink(t)
	sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
		transfer.TreeOptions{Delete: true})
	if err != nil {
		t.Fatalf("%+v %v", sum, err)
	}
	a, _ := os.ReadFile(filepath.Join(out, "real", "x"))
	b, _ := os.ReadFile(filepath.Join(out, "name", "x"))
	if string(a) != "RRRR" || string(b) != "NNNN" {
		t.Errorf("real/x=%q name/x=%q, want RRRR and NNNN", a, b)
	}
}

// A sharded download may still go into a destination root that is itself
// a symlink: only links below the root are refused.
func TestShardedDownloadIntoLinkedRoot(t *testing.T) {
	e := newEnv(t)
	e.put("d/x", []byte("data"))
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root")
	if err := os.Symlink("real", root); err != nil {
		t.Fatal(err)
	}
	sh := transfer.Shard{Count: 2}
	sh.Index = sh.Of("d/x")
	if sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, root, transfer.TreeOptions{Shard: sh}); err != nil || sum.Done != 1 {
		t.Fatalf("%+v %v, want 1 done", sum, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "real", "d", "x")); string(got) != "data" {
		t.Errorf("real/d/x holds %q", got)
	}
}

// failedErrors is the errors of the Failed events e has seen.
func failedErrors(e *env) []error {
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	var errs []error
	for _, ev := range e.events.evs {
		if ev.Type == transfer.Failed {
			errs = append(errs, ev.Err)
		}
	}
	return errs
}
