package output

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"notes.txt":             "notes.txt",
		"日本/写真 1.jpg":           "日本/写真 1.jpg",
		`a\b "c"`:               `a\b "c"`, // printed as is: it does not start with a quote
		"👩‍💻.png":               "👩‍💻.png", // a zero-width joiner is not a control
		"":                      "",
		"esc\x1b[31mred":        `"esc\x1b[31mred"`,
		"osc\x1b]0;title\x07":   `"osc\x1b]0;title\x07"`,
		"cr\rlf\ntab\t":         `"cr\rlf\ntab\t"`,
		"del\x7f":               `"del\x7f"`,
		"c1\u009b2J\u0085":      `"c1\u009b2J\u0085"`,
		"txt\u202eexe.":         `"txt\u202eexe."`,
		"iso\u2066x\u2069":      `"iso\u2066x\u2069"`,
		"bad\x9butf8":           `"bad\x9butf8"`,
		`"quoted"`:              `"\"quoted\""`,
		"esc\x1b and \\ and \"": `"esc\x1b and \\ and \""`,
	} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzName checks the promises of Name: nothing a terminal acts on comes
// out raw, and the output gives back the exact name (as it is, or through
// strconv.Unquote when it is quoted), so no two names print alike.
func FuzzName(f *testing.F) {
	for _, s := range []string{"a", "\x1b[2J", "\"x", "a\\x1b", "\u202e", "\xff", "\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Name(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Name(%q) = %q is not UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) {
				t.Fatalf("Name(%q) = %q holds %U", s, out, r)
			}
		}
		back := out
		if strings.HasPrefix(out, `"`) {
			var err error
			if back, err = strconv.Unquote(out); err != nil {
				t.Fatalf("Name(%q) = %s does not unquote: %v", s, out, err)
			}
		}
		if back != s {
			t.Fatalf("Name(%q) = %s gives back %q", s, out, back)
		}
	})
}

func TestJSONEscapesWhatTerminalsActOn(t *testing.T) {
	key := "k\x1b[2J\x7f\u009b\u202e.txt"
	var buf bytes.Buffer
	if err := New(&buf, JSON).JSON(map[string]string{"key": key}); err != nil {
		t.Fatal(err)
	}
	for _, r := range strings.TrimSuffix(buf.String(), "\n") {
		if r < 0x20 || r == 0x7f || unsafeRune(r) {
			t.Errorf("raw %U in %q", r, buf.String())
		}
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["key"] != key {
		t.Errorf("JSON %q decodes to %q, %v", buf.String(), back["key"], err)
	}
}

func TestLineAndTableEscapeNames(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, Text)
	type op string
	if err := p.Line("%s: %s (%d)", op("upload"), "s3://b/x\rforged", 3); err != nil {
		t.Fatal(err)
	}
	tw := p.Table("Name")
	if err := tw.Row("tab\there"); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasPrefix(got, `upload: "s3://b/x\rforged" (3)`+"\n") || !strings.Contains(got, `"tab\there"`) {
		t.Errorf("output:\n%s", got)
	}
}
