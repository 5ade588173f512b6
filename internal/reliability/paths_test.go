package reliability_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Downloads never write outside the destination, whether the object names
// come from a hostile bucket (../x, a/../../x, /x) or the destination holds
// a symlink planted to point out of it (a directory link, or a file link
// whose download must replace the link, not write through it). cp
// --recursive and sync both skip what they refuse with a warning (exit 2)
// and download the rest.
func TestDownloadsStayInsideTheDestination(t *testing.T) {
	e := newEnv(t)
	bad := []string{"t/../escape", "t/a/../../escape2", "t//abs", "t/link/x"}
	for _, key := range append(bad, "t/ok.txt", "t/file-link") {
		e.Put(bucket, map[string]string{key: key})
	}
	for _, cmd := range []string{"cp", "sync"} {
		t.Run(cmd, func(t *testing.T) {
			outside, parent := t.TempDir(), t.TempDir()
			dst := filepath.Join(parent, "dst")
			victim := filepath.Join(outside, "victim")
			if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(dst, "link")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, filepath.Join(dst, "file-link")); err != nil {
				t.Fatal(err)
			}
			argv := []string{"s3", cmd, "s3://bkt/t/", dst}
			if cmd == "cp" {
				argv = append(argv, "--recursive")
			}
			stdout, stderr, code := e.mustRunCtx(t, argv...)
			if code != 2 || strings.Count(stderr, "warning: skipping") != len(bad) {
				t.Errorf("exit %d, want 2 with a warning per refused key:\n%s%s", code, stdout, stderr)
			}
			if got, _ := os.ReadFile(filepath.Join(dst, "ok.txt")); string(got) != "t/ok.txt" {
				t.Errorf("ok.txt = %q", got)
			}
			t.Log(stderr)
			if fi, err := os.Lstat(filepath.Join(dst, "file-link")); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("file-link: %v, %v; want the download in place of the link", fi, err)
			}
			if got, _ := os.ReadFile(victim); string(got) != "keep" {
				t.Errorf("a download wrote through the file symlink: victim = %q", got)
			}
			for _, dir := range []string{outside, parent} {
				entries, _ := os.ReadDir(dir)
				for _, en := range entries {
					if en.Name() != "victim" && en.Name() != "dst" {
						t.Errorf("written outside the destination: %s", filepath.Join(dir, en.Name()))
					}
				}
			}
		})
	}
}
