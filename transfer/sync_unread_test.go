package transfer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// syncDeleteFrom runs sync --delete from root to s3://bkt/s/ over the
// destination keys given, and returns the keys left and the skip warnings.
func syncDeleteFrom(t *testing.T, e *env, root string, o transfer.TreeOptions, keys ...string) (map[string]bool, []string) {
	t.Helper()
	for _, k := range keys {
		e.put(k, []byte("old"))
	}
	var warnings []string
	o.Delete = true
	o.Progress = func(ev transfer.Event) {
		if ev.Type == transfer.Skipped {
			warnings = append(warnings, ev.Err.Error())
		}
	}
	sum, err := e.manager().Sync(context.Background(), transfer.Location{Local: root}, transfer.Location{Bucket: "bkt", Prefix: "s/"}, o)
	t.Logf("sync: %+v, %v; warnings %q", sum, err, warnings)
	return e.keys("s/"), warnings
}

func skipAsRoot(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("runs as root, which reads any directory: an unreadable directory cannot be made " +
			"(TestSyncDeleteSourceRootNotADirectory and TestUnreadHides cover the same code as root)")
	}
}

// A source directory that cannot be read (reported as "d/") keeps what the
// destination holds under it.
func TestSyncDeleteKeepsUnderUnreadableDir(t *testing.T) {
	skipAsRoot(t)
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1", "d/keep": "2", "z": "3"})
	d := filepath.Join(root, "d")
	if err := os.Chmod(d, 0o000); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(d, 0o755) })
	left, _ := syncDeleteFrom(t, e, root, transfer.TreeOptions{}, "s/d/keep", "s/d/sub/keep", "s/stale")
	if !left["s/d/keep"] || !left["s/d/sub/keep"] || left["s/stale"] {
		t.Errorf("left %v: want s/d/... kept (d could not be read) and s/stale deleted", left)
	}
}

// The source root itself cannot be read: nothing is deleted, and the
// warning says so.
func TestSyncDeleteUnreadableRoot(t *testing.T) {
	skipAsRoot(t)
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1"})
	if err := os.Chmod(root, 0o300); err != nil { // stat works, ReadDir does not
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(root, 0o755) })
	left, warnings := syncDeleteFrom(t, e, root, transfer.TreeOptions{}, "s/a", "s/d/keep", "s/z")
	checkRootKept(t, left, warnings)
}

// A source "root" that is a file stats fine and fails ReadDir, as an
// unreadable root does, whoever runs the test.
func TestSyncDeleteSourceRootNotADirectory(t *testing.T) {
	e := newEnv(t)
	root := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(root, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	left, warnings := syncDeleteFrom(t, e, root, transfer.TreeOptions{}, "s/a", "s/d/keep", "s/z")
	checkRootKept(t, left, warnings)
}

func checkRootKept(t *testing.T, left map[string]bool, warnings []string) {
	t.Helper()
	if len(left) != 3 {
		t.Errorf("left %v: the source root could not be read, yet objects were deleted", left)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "--delete deletes nothing") {
		t.Errorf("warnings %q: want one saying --delete deletes nothing", warnings)
	}
}

// Every unreadable source entry protects, not just the last one read: a
// symlink loop followed by a broken link (read ahead of the merge) still
// keeps what the destination holds under the loop.
func TestSyncDeleteKeepsUnderEachUnreadableEntry(t *testing.T) {
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1", "z": "2"})
	for name, target := range map[string]string{"loop": ".", "loopa": "nowhere", "loopb": "nowhere"} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	left, _ := syncDeleteFrom(t, e, root, transfer.TreeOptions{FollowSymlinks: true},
		"s/loop-x", "s/loop/x", "s/loopa/y", "s/loopb", "s/stale")
	for _, k := range []string{"s/loop/x", "s/loopa/y", "s/loopb", "s/a", "s/z"} {
		if !left[k] {
			t.Errorf("%s deleted (left %v): it lies under, or is, a source entry that could not be read", k, left)
		}
	}
	for _, k := range []string{"s/loop-x", "s/stale"} {
		if left[k] {
			t.Errorf("%s kept: no unreadable source entry hides it", k)
		}
	}
}

// An unreadable source entry the filters exclude still hides the
// destination entries under it that they include.
func TestSyncDeleteExcludedUnreadableEntryProtects(t *testing.T) {
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a.txt": "1"})
	if err := os.Symlink(".", filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	f := filter.New(filter.Rule{Pattern: "*"}, filter.Rule{Include: true, Pattern: "*.txt"})
	left, _ := syncDeleteFrom(t, e, root, transfer.TreeOptions{FollowSymlinks: true, Filter: f}, "s/loop/x.txt", "s/stale.txt")
	if !left["s/loop/x.txt"] || left["s/stale.txt"] {
		t.Errorf("left %v: want s/loop/x.txt kept (loop could not be read) and s/stale.txt deleted", left)
	}
}
