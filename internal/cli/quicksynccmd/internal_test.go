package quicksynccmd

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/transfer"
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

func TestProgressOnATerminalRedrawsOneLine(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.StderrTTY = true
	p := newProgress(ios, false, "upload", "a.bin", 4096)
	now := time.Unix(0, 0)
	p.now = func() time.Time { return now }
	p.event(transfer.Event{Type: transfer.Bytes, Bytes: 1024})
	now = now.Add(time.Second)
	p.event(transfer.Event{Type: transfer.Bytes, Bytes: 3072})
	p.event(transfer.Event{Type: transfer.Done})
	out := errOut.String()
	if strings.Count(out, "\r") != 3 || !strings.HasSuffix(out, "4.0 KiB of 4.0 KiB (100%)\x1b[K\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("terminal progress %q", out)
	}
}

func TestProgressInALogWritesQuarters(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	p := newProgress(ios, false, "download", "b.bin", 400)
	for range 8 {
		p.add(50)
	}
	p.finish(nil)
	want := "download: b.bin: started, 400 Bytes\ndownload: b.bin: 25% (100 Bytes of 400 Bytes)\n" +
		"download: b.bin: 50% (200 Bytes of 400 Bytes)\ndownload: b.bin: 75% (300 Bytes of 400 Bytes)\ndownload: b.bin: done, 400 Bytes\n"
	if got := errOut.String(); got != want {
		t.Errorf("log progress:\n%s\nwant:\n%s", got, want)
	}
	if q := newProgress(ios, true, "x", "y", 1); q != nil {
		t.Error("progress with quiet on")
	}
}

