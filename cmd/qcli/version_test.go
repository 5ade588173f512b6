package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/buildinfo"
)

// TestVersionOfAPlainGoBuildNamesItsCommit checks that the binary TestMain
// built with plain `go build` from the git checkout reports the checkout's
// commit, from the build information alone (no linker flags).
func TestVersionOfAPlainGoBuildNamesItsCommit(t *testing.T) {
	head := gitHead(t)
	out, errOut, code := qcli(t, nil, "", "--output", "json", "version")
	if code != 0 {
		t.Fatalf("version: exit %d, %s", code, errOut)
	}
	var info buildinfo.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("version --output json: %v: %q", err, out)
	}
	if info.Commit != head {
		t.Errorf("commit = %q, want HEAD %s", info.Commit, head)
	}
	if _, err := time.Parse(time.RFC3339, info.Date); err != nil {
		t.Errorf("date %q: %v", info.Date, err)
	}
	// Go names the commit in the pseudo-version it gives an untagged build.
	if info.Version == buildinfo.DevVersion || info.Go == "" || info.Platform == "" {
		t.Errorf("version info %+v", info)
	}
	if text, _, _ := qcli(t, nil, "", "version"); !strings.HasPrefix(text, "qcli "+info.Version+" (commit "+head[:12]) {
		t.Errorf("version = %q, want qcli %s (commit %s…", text, info.Version, head[:12])
	}
}

// gitHead returns the commit checked out, or skips when the Go toolchain
// cannot stamp one: no git, no checkout, or a linked worktree (cmd/go looks
// for a .git directory, and a worktree has a .git file).
func gitHead(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not a git checkout: the build carries no commit")
	}
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !fi.IsDir() {
		t.Skip("a git worktree: go build stamps no commit there (it looks for a .git directory); run this test in a clone")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(head))
}
