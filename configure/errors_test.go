package configure

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Issue 14.1: the SDK's errors say what to change in the files or the
// environment, never which qcli command to run (the CLI adds that).
func TestErrorsNameNoQcliCommand(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", "[typo]\nregion = r\n")
	writeFile(t, dir, "credentials", "[half]\naccess_key_id = K\n")
	errs := []error{
		resolveErr(t, dir, Flags{Profile: "x"}, nil),
		resolveErr(t, dir, Flags{Profile: "typo"}, nil),
		resolveErr(t, dir, Flags{Profile: "half"}, nil),
		resolveIn(t, t.TempDir(), Flags{}, nil).RequireCredentials(),
	}
	command := regexp.MustCompile("qcli [a-z]")
	for _, err := range errs {
		var e *Error
		if !errors.As(err, &e) || !e.FileFix || command.MatchString(err.Error()) {
			t.Errorf("%v: want a *configure.Error with a fix in the files and no qcli command", err)
		}
	}
	// And no error text in the package's source names one.
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if strings.Contains(code, `"`) && command.MatchString(code) && !strings.Contains(code, "Description:") {
				t.Errorf("%s: %s", f, strings.TrimSpace(line))
			}
		}
	}
}
