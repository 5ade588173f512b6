package quicksynccmd

import (
	"path/filepath"
	"testing"
)

// Stored names come from the service: only their last element is used,
// and names that could leave the directory are replaced by the file key.
func TestTargetPathNeverLeavesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ o, name, want string }{
		{"", "cat.jpg", "cat.jpg"},
		{"", "../../etc/passwd", "passwd"},
		{"", "a\\..\\b.txt", "b.txt"},
		{"", "..", "KEY"},
		{"", "dir/", "KEY"},
		{"", "nul\x00byte", "KEY"},
		{"", "", "KEY"},
		{dir, "cat.jpg", filepath.Join(dir, "cat.jpg")},
		{"new-dir/", "cat.jpg", filepath.Join("new-dir", "cat.jpg")},
		{filepath.Join(dir, "x.bin"), "cat.jpg", filepath.Join(dir, "x.bin")},
	} {
		if got := targetPath(tc.o, tc.name, "KEY"); got != tc.want {
			t.Errorf("targetPath(%q, %q) = %q, want %q", tc.o, tc.name, got, tc.want)
		}
	}
}
