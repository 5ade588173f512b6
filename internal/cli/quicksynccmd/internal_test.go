package quicksynccmd

import (
	"path/filepath"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "8MiB": 8 << 20, "8MB": 8 << 20, "8mb": 8 << 20, "5 MiB": 5 << 20, "1k": 1024, "2GiB": 2 << 30, "7b": 7} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "lots", "1.5MiB", "MiB", "99999999999999GiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
}

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
