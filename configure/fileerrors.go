package configure

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/ini.v1"
)

// readError explains why path could not be read and what to do about it.
func readError(path string, err error) error {
	fix := "check that it is a readable file"
	switch {
	case errors.Is(err, fs.ErrPermission):
		fix = "give your user read access, e.g. chmod 600 " + path
	case isDir(path):
		fix = "it is a directory; move it out of the way so that the file can be created"
	case !isDir(filepath.Dir(path)):
		fix = filepath.Dir(path) + " is not a directory; point " + DirEnv + " at a directory"
	}
	return fmt.Errorf("cannot read %s: %v; %s", path, unwrapPath(err), fix)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// parseError turns an ini.v1 error into one line naming the file, the line
// and the fix. ini.v1's messages quote the offending line, which in the
// credentials file may hold a secret, so only the line number is kept.
func parseError(kind FileKind, path string, raw []byte, err error) error {
	problem, match := describeParseError(err)
	where := path
	if n := findLine(raw, match); n > 0 {
		where += ":" + strconv.Itoa(n)
	}
	header := "[default] or [profile NAME]"
	if kind == CredentialsFile {
		header = "[default] or [NAME]"
	}
	return fmt.Errorf("cannot parse %s: %s; fix or delete that line (sections look like %s, settings like key = value)", where, problem, header)
}

// describeParseError says what is wrong and returns a test that recognises
// the offending line (nil when ini.v1 does not say).
func describeParseError(err error) (string, func(line string) bool) {
	msg := err.Error()
	var delim ini.ErrDelimiterNotFound
	var empty ini.ErrEmptyKeyName
	switch {
	case errors.As(err, &delim):
		return "the line is not a [section], a key = value setting or a # comment", sameLine(delim.Line)
	case errors.As(err, &empty):
		return "the line has no key name before the =", sameLine(empty.Line)
	case strings.HasPrefix(msg, "unclosed section: "):
		return "the section header has no closing ]", sameLine(strings.TrimPrefix(msg, "unclosed section: "))
	case strings.HasPrefix(msg, "missing closing key quote: "):
		return "a quoted key name is never closed", sameLine(strings.TrimPrefix(msg, "missing closing key quote: "))
	case strings.HasPrefix(msg, "missing closing key quote from "):
		start, _ := strconv.QuotedPrefix(strings.TrimPrefix(msg, "missing closing key quote from "))
		start, _ = strconv.Unquote(start)
		return "a quoted value (` or \"\"\") is never closed", endsWith(start)
	case msg == "empty section name":
		return "the section header [] has no name", func(l string) bool { return strings.HasPrefix(l, "[]") }
	}
	return "it is not a valid INI file", nil
}

func sameLine(want string) func(string) bool {
	want = strings.TrimSpace(want)
	return func(l string) bool { return l == want }
}

func endsWith(want string) func(string) bool {
	want = strings.TrimSpace(want)
	return func(l string) bool { return want != "" && strings.HasSuffix(l, want) }
}

// findLine returns the 1-based number of the first line of raw, trimmed,
// that match accepts, or 0.
func findLine(raw []byte, match func(string) bool) int {
	if match == nil {
		return 0
	}
	text := strings.TrimPrefix(string(raw), "\uFEFF")
	for i, l := range strings.Split(text, "\n") {
		if match(strings.TrimSpace(l)) {
			return i + 1
		}
	}
	return 0
}
