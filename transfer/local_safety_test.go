package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/quilibrium/qcli/transfer"
)

// symlink makes a symbolic link or skips the test where links cannot be made.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

func mustExist(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("%s: %q, %v; want %q kept", path, got, err, want)
	}
}

func mustBeGone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", path, err)
	}
}

// A destination's symbolic links are entries of their own: sync --delete
// removes the link and never what it points to (rsync's rule; the AWS CLI
// deletes the files outside), whatever FollowSymlinks says, and a link to a
// directory inside the destination does not make its files delete
// candidates a second time.
func TestSyncDeleteRemovesLinksNeverTheirTargets(t *testing.T) {
	for _, follow := range []bool{false, true} {
		t.Run(fmt.Sprintf("follow=%v", follow), func(t *testing.T) {
			e := newEnv(t)
			e.put("p/real/x", []byte("x"))
			e.put("p/file-link", []byte("from s3"))
			outside := writeTree(t, map[string]string{"victim.txt": "precious", "target.txt": "precious too"})
			dst := writeTree(t, map[string]string{"real/x": "x", "stale.txt": "old"})
			symlink(t, outside, filepath.Join(dst, "dir-link"))
			symlink(t, filepath.Join(outside, "target.txt"), filepath.Join(dst, "file-link"))
			symlink(t, filepath.Join(dst, "real"), filepath.Join(dst, "alias"))

			sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "p/"},
				transfer.Location{Local: dst}, transfer.TreeOptions{Delete: true, FollowSymlinks: follow})
			if err != nil {
				t.Fatal(err)
			}
			// Deleted: dir-link, alias, stale.txt; downloaded over the link: file-link.
			if sum.Done != 4 || sum.Failed != 0 || sum.Skipped != 0 {
				t.Errorf("summary %+v, want 3 deletions and 1 download", sum)
			}
			mustExist(t, filepath.Join(outside, "victim.txt"), "precious")
			mustExist(t, filepath.Join(outside, "target.txt"), "precious too")
			mustExist(t, filepath.Join(dst, "real", "x"), "x")
			mustExist(t, filepath.Join(dst, "file-link"), "from s3")
			for _, gone := range []string{"dir-link", "alias", "stale.txt"} {
				mustBeGone(t, filepath.Join(dst, gone))
			}
			if info, err := os.Lstat(filepath.Join(dst, "file-link")); err != nil || !info.Mode().IsRegular() {
				t.Errorf("file-link should now be a regular file: %v %v", info, err)
			}
		})
	}
}

// mv --recursive --follow-symlinks uploads what a link to a directory
// elsewhere holds, but never removes a file reached through it: the entry
// is skipped with an OutsideError and the file stays. A link to a file is
// removed itself, its target kept.
func TestMoveTreeNeverRemovesThroughALinkOut(t *testing.T) {
	e := newEnv(t)
	outside := writeTree(t, map[string]string{"victim.txt": "precious", "target.txt": "precious too"})
	src := writeTree(t, map[string]string{"own.txt": "mine"})
	symlink(t, outside, filepath.Join(src, "ext"))
	symlink(t, filepath.Join(outside, "target.txt"), filepath.Join(src, "flink"))

	sum, err := e.manager().UploadTree(context.Background(), src, transfer.Location{Bucket: "bkt", Prefix: "m/"},
		transfer.TreeOptions{FollowSymlinks: true, RemoveSource: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 2 || sum.Failed != 0 {
		t.Errorf("summary %+v, want the two files behind the directory link skipped", sum)
	}
	mustExist(t, filepath.Join(outside, "victim.txt"), "precious")
	mustExist(t, filepath.Join(outside, "target.txt"), "precious too")
	mustBeGone(t, filepath.Join(src, "own.txt"))
	mustBeGone(t, filepath.Join(src, "flink"))
	for _, key := range []string{"m/own.txt", "m/ext/victim.txt", "m/ext/target.txt", "m/flink"} {
		if !e.keys("m/")[key] {
			t.Errorf("%s was not uploaded", key)
		}
	}
	var skipped []error
	e.events.mu.Lock()
	for _, ev := range e.events.evs {
		if ev.Type == transfer.Skipped {
			skipped = append(skipped, ev.Err)
		}
	}
	e.events.mu.Unlock()
	for _, err := range skipped {
		if !errors.As(err, new(*transfer.OutsideError)) {
			t.Errorf("skipped with %v, want an OutsideError", err)
		}
	}
}

func TestIsTempName(t *testing.T) {
	for name, want := range map[string]bool{
		".big.qcli-123-456": true, ".big.qcli-123": true, ".a.b.qcli-1-2": true,
		"big.qcli-123-456": false, ".big.qcli-": false, ".big.qcli-12x": false, ".big.qcli-1-2-3": false,
		".qcli-1-2": false, "notes.txt": false,
	} {
		if got := transfer.IsTempName(name); got != want {
			t.Errorf("IsTempName(%q) = %v", name, got)
		}
	}
}

// deadPID is the ID of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// After kill -9 nothing could remove a download's temporary file: the next
// download into that directory does, when the process named in it is gone
// (or it is older than StaleTempAge), and leaves a running one's alone.
// Recursive uploads and syncs never upload, count or delete them.
func TestStaleDownloadTemporaries(t *testing.T) {
	e := newEnv(t)
	e.put("new.txt", []byte("new"))
	dir := writeTree(t, map[string]string{"file.txt": "data"})
	dead := fmt.Sprintf(".big.qcli-%d-1", deadPID(t))
	running := fmt.Sprintf(".big.qcli-%d-2", os.Getppid())
	oldFormat, ancient := ".old.qcli-3", ".ancient.qcli-4"
	for _, name := range []string{dead, running, oldFormat, ancient} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a download"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	longAgo := time.Now().Add(-transfer.StaleTempAge - time.Hour)
	os.Chtimes(filepath.Join(dir, ancient), longAgo, longAgo)

	m := e.manager()
	sum, err := m.UploadTree(context.Background(), dir, transfer.Location{Bucket: "bkt", Prefix: "up/"}, transfer.TreeOptions{})
	if err != nil || sum.Done != 1 || sum.Skipped != 0 {
		t.Errorf("upload of the tree: %+v %v; want only file.txt", sum, err)
	}
	sum, err = m.Sync(context.Background(), transfer.Location{Local: dir}, transfer.Location{Bucket: "bkt", Prefix: "sync/"}, transfer.TreeOptions{})
	if err != nil || sum.Done != 1 {
		t.Errorf("sync up: %+v %v; want only file.txt", sum, err)
	}
	if keys := e.keys(""); len(keys) != 3 {
		t.Errorf("keys %v: a temporary was uploaded", keys)
	}
	sum, err = m.Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "sync/"}, transfer.Location{Local: dir}, transfer.TreeOptions{Delete: true, SizeOnly: true})
	if err != nil || sum.Done != 0 {
		t.Errorf("sync down with --delete: %+v %v; temporaries are not the destination's entries", sum, err)
	}

	if _, err := m.DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "new.txt"}, filepath.Join(dir, "new.txt")); err != nil {
		t.Fatal(err)
	}
	var left []string
	ents, _ := os.ReadDir(dir)
	for _, de := range ents {
		left = append(left, de.Name())
	}
	slices.Sort(left)
	want := []string{running, oldFormat, "file.txt", "new.txt"}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("after a download the directory holds %v, want %v", left, want)
	}
}

// A stale temporary the sweep cannot remove (another user's, in a shared
// directory such as /tmp with its sticky bit) is passed over: the other
// stale ones are still removed, and downloads into that directory, by a
// Manager or through CreateTemp, go on. Before, the first such file failed
// every download into the directory with "operation not permitted".
// An immutable file (chattr +i, which only root may set) stands in for
// another user's file, which root may always remove.
func TestAStaleTemporaryThatCannotBeRemovedDoesNotFailADownload(t *testing.T) {
	dir := t.TempDir()
	pid := deadPID(t)
	kept, removed := fmt.Sprintf(".a.qcli-%d-1", pid), fmt.Sprintf(".b.qcli-%d-2", pid) // kept is swept first
	for _, name := range []string{kept, removed} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a download"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("chattr", "+i", filepath.Join(dir, kept)).CombinedOutput(); err != nil {
		t.Skipf("cannot make a file no one may remove (chattr +i needs root and ext4-like file systems): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", filepath.Join(dir, kept)).Run() })

	if err := transfer.RemoveStaleTemps(dir); err == nil {
		t.Error("RemoveStaleTemps said nothing of the temporary it could not remove")
	}
	if _, err := os.Stat(filepath.Join(dir, removed)); !os.IsNotExist(err) {
		t.Errorf("the removable stale temporary is still there (%v): the sweep stopped at the first it could not remove", err)
	}
	f, err := transfer.CreateTemp(filepath.Join(dir, "target"))
	if err != nil {
		t.Fatalf("CreateTemp beside a stale temporary it cannot remove: %v", err)
	}
	f.Close()
	os.Remove(f.Name())

	e := newEnv(t)
	e.put("k", []byte("data"))
	if _, err := e.manager().DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bkt", Key: "k"}, filepath.Join(dir, "k")); err != nil {
		t.Fatalf("download beside a stale temporary it cannot remove: %v", err)
	}
}

// Keys that land on one local path in one download ("dup/./x", "dup//x"
// and "dup/x"; "a" beside "a/b"; "t/" beside "t") are each skipped with a
// CollisionError naming both keys: no object overwrites another, and the
// key whose name needs no cleaning keeps the path.
func TestDownloadCollisionsAreSkippedNamingBothKeys(t *testing.T) {
	keys := map[string]string{"c/dup/./x": "dot", "c/dup//x": "double", "c/dup/x": "plain",
		"c/a": "file a", "c/a/b": "under a", "c/t": "t", "c/t/": "t slash", "c/ok": "ok"}
	for _, op := range []string{"cp --recursive", "sync"} {
		t.Run(op, func(t *testing.T) {
			skipped := map[string]string{"c/dup/./x": "c/dup/x", "c/dup//x": "c/dup/x", "c/a/b": "c/a", "c/t/": "c/t"}
			e := newEnv(t)
			for k, v := range keys {
				e.put(k, []byte(v))
			}
			out := t.TempDir()
			src := transfer.Location{Bucket: "bkt", Prefix: "c/"}
			var sum transfer.Summary
			var err error
			if op == "sync" {
				sum, err = e.manager().Sync(context.Background(), src, transfer.Location{Local: out}, transfer.TreeOptions{})
			} else {
				sum, err = e.manager().DownloadTree(context.Background(), src, out, transfer.TreeOptions{})
			}
			if err != nil || sum.Done != 4 || sum.Skipped != 4 || sum.Failed != 0 {
				t.Errorf("summary %+v, %v; want 4 downloaded, 4 skipped", sum, err)
			}
			mustExist(t, filepath.Join(out, "dup", "x"), "plain")
			mustExist(t, filepath.Join(out, "a"), "file a")
			mustExist(t, filepath.Join(out, "t"), "t")
			mustExist(t, filepath.Join(out, "ok"), "ok")
			e.events.mu.Lock()
			defer e.events.mu.Unlock()
			for _, ev := range e.events.evs {
				if ev.Type != transfer.Skipped {
					continue
				}
				var ce *transfer.CollisionError
				if !errors.As(ev.Err, &ce) || skipped[ce.Key] != ce.Other || transfer.S3URL("bkt", ce.Key) != ev.Source {
					t.Errorf("skip of %s: %v", ev.Source, ev.Err)
				}
				delete(skipped, ce.Key)
			}
			if len(skipped) != 0 {
				t.Errorf("not skipped: %v", skipped)
			}
		})
	}
}
