package reliability_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Names that attack a terminal: an OSC sequence (sets the window title), a
// CSI sequence (clears the screen), a CR and LF that forge output lines, a
// right-to-left override that shows "exe.txt" for "txt.exe", C1 controls
// (U+009B is CSI on some terminals) and DEL.
const (
	escName  = "esc\x1b]0;owned\x07\x1b[2J.txt"
	crlfName = "cr\rforged\nline.txt"
	bidiName = "bidi\u202etxt.exe"
	c1Name   = "c1\u009b2J\u0085.txt"
	delName  = "del\x7f.txt"
)

var hostileNames = []string{escName, crlfName, bidiName, c1Name, delName}

// rawControl finds what a name must never put on a terminal raw: C0 other
// than the line feeds of the output itself, DEL, C1 and the
// bidirectional overrides and isolates.
func rawControl(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	return 0, false
}

// checkTerminalSafe fails when output carries a raw control character or a
// line forged by a name's CR or LF.
func checkTerminalSafe(t *testing.T, what, output string) {
	t.Helper()
	if r, ok := rawControl(output); ok {
		t.Errorf("%s printed a raw %U:\n%q", what, r, output)
	}
	sc := bufio.NewScanner(strings.NewReader(output))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "forged") || strings.HasPrefix(sc.Text(), "line.txt") {
			t.Errorf("%s printed a line forged by a name: %q", what, sc.Text())
		}
	}
}

// escapedMarkers are the escapes output.Name writes for the hostile names.
var escapedMarkers = []string{`\x1b`, `\r`, `\u202e`, `\u009b`, `\x7f`}

// Every command that prints keys or paths escapes them in text and table
// output (output.Name: the name double-quoted, its control and
// bidirectional characters as Go escapes), while JSON output carries them
// exactly. Each command runs over objects and local files with hostile
// names; an escape in its output proves that a name was printed, escaped.
func TestNamesCannotDriveTheTerminal(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	local := t.TempDir()
	for _, name := range hostileNames {
		e.Put(bucket, map[string]string{"t/" + name: name})
		if err := os.WriteFile(filepath.Join(local, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	down := t.TempDir()
	for _, tc := range []struct {
		argv  []string
		names bool // prints at least one name
	}{
		{[]string{"s3", "ls", "s3://bkt/t/"}, true},
		{[]string{"s3", "ls", "--recursive", "s3://bkt/t/"}, true},
		{[]string{"--output", "table", "s3", "ls", "s3://bkt/t/"}, true},
		{[]string{"s3", "stat", "s3://bkt/t/" + bidiName}, true},
		{[]string{"s3", "stat", "s3://bkt/t/" + escName}, true},
		{[]string{"--output", "table", "s3", "stat", "s3://bkt/t/" + c1Name}, true},
		{[]string{"s3", "cp", "s3://bkt/t/" + escName, filepath.Join(down, "single", crlfName)}, true},
		{[]string{"s3", "cp", filepath.Join(local, escName), "s3://bkt/e/copy-" + escName}, true},
		{[]string{"s3", "cp", "s3://bkt/t/", filepath.Join(down, "tree"), "--recursive"}, true},
		{[]string{"s3", "cp", local, "s3://bkt/up/", "--recursive"}, true},
		{[]string{"s3", "sync", local, "s3://bkt/sync/"}, true},
		{[]string{"s3", "sync", "s3://bkt/sync/", filepath.Join(down, "sync")}, true},
		{[]string{"s3", "mv", "s3://bkt/up/", "s3://bkt/moved/", "--recursive"}, true},
		{[]string{"s3", "rm", "s3://bkt/moved/" + bidiName}, true},
		{[]string{"s3", "rm", "s3://bkt/moved/", "--recursive"}, true},
		{[]string{"console", "objects", "list", "bkt", "--prefix", "t/"}, true},
		{[]string{"--output", "table", "console", "objects", "list", "bkt", "--prefix", "t/"}, true},
		{[]string{"quicksync", "upload", filepath.Join(local, escName)}, false},
		{[]string{"quicksync", "ls"}, true},
		{[]string{"--output", "table", "quicksync", "ls"}, true},
	} {
		r := e.run(ctx, "", tc.argv...)
		what := strings.Join(tc.argv, " ")
		if r.Code != 0 {
			t.Errorf("%s: exit %d: %q", what, r.Code, r.Stderr)
		}
		checkTerminalSafe(t, what, r.Stdout+r.Stderr)
		if tc.names && !slices.ContainsFunc(escapedMarkers, func(m string) bool { return strings.Contains(r.Stdout, m) }) {
			t.Errorf("%s: no escaped name in the output:\n%s", what, r.Stdout)
		}
	}

	// Errors and warnings name keys too.
	r := e.run(ctx, "", "s3", "stat", "s3://bkt/t/missing"+escName)
	checkTerminalSafe(t, "stat of a missing key", r.Stderr)
	if r.Code == 0 || !strings.Contains(r.Stderr, `\x1b]0;owned\x07\x1b[2J`) {
		t.Errorf("stat of a missing key: exit %d, %q", r.Code, r.Stderr)
	}
	e.Put(bucket, map[string]string{"w/../" + bidiName: "climbs out"})
	r = e.run(ctx, "", "s3", "cp", "s3://bkt/w/", filepath.Join(down, "w"), "--recursive")
	checkTerminalSafe(t, "a skipped key's warning", r.Stderr)
	if r.Code != 2 || !strings.Contains(r.Stderr, `\u202e`) {
		t.Errorf("a skipped key's warning: exit %d, %q", r.Code, r.Stderr)
	}
}

// JSON output stays exact: the hostile names decode to themselves, while
// the encoded text carries no raw control character either.
func TestJSONCarriesHostileNamesExactly(t *testing.T) {
	e := newEnv(t)
	want := map[string]bool{}
	for _, name := range hostileNames {
		e.Put(bucket, map[string]string{"t/" + name: name})
		want["t/"+name] = true
	}
	r := e.run(t.Context(), "", "--output", "json", "s3", "ls", "s3://bkt/t/")
	checkTerminalSafe(t, "ls --output json", r.Stdout)
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		var obj struct{ Key string }
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		delete(want, obj.Key)
	}
	if len(want) != 0 {
		t.Errorf("keys not listed exactly: %v\n%s", want, r.Stdout)
	}
}
