package configure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv is a Getenv over a map, so tests never read the real environment.
func fakeEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// resolveIn resolves with dir, flags and a fake environment, failing on error.
func resolveIn(t *testing.T, dir string, fl Flags, env map[string]string) *Resolved {
	t.Helper()
	r, err := Resolve(Options{Dir: dir, Flags: fl, Getenv: fakeEnv(env)})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return r
}

// resolveErr resolves and returns the error, failing if there is none.
func resolveErr(t *testing.T, dir string, fl Flags, env map[string]string) error {
	t.Helper()
	_, err := Resolve(Options{Dir: dir, Flags: fl, Getenv: fakeEnv(env)})
	if err == nil {
		t.Fatal("Resolve succeeded, want an error")
	}
	return err
}

func lookup(t *testing.T, r *Resolved, key string) Setting {
	t.Helper()
	s, ok := r.Lookup(key)
	if !ok {
		t.Fatalf("no setting %q", key)
	}
	return s
}

// wantSetting checks a setting's value, source and location.
func wantSetting(t *testing.T, r *Resolved, key, value, source, location string) {
	t.Helper()
	got := lookup(t, r, key)
	want := Setting{Key: key, Value: value, Source: source, Location: location}
	if got != want {
		t.Errorf("setting %s = %+v, want %+v", key, got, want)
	}
}

// wantErr checks that err's message holds every part, is one line and
// holds none of the secrets.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	msg := err.Error()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error %q is not one line", msg)
	}
	noSecrets(t, msg)
}

// Secret values used across the tests; none may appear in an error or a
// Setting.
var secrets = []string{
	"QCLIsecretVALUEqcliSECRETvalue1",
	"AWSsecretVALUEawsSECRETvalue22",
	"FILEsecretVALUEfileSECRETvalue3",
	"TOKENvalueTOKENvalueTOKEN4444",
	"se#cr;et=VALUEwithCOMMENTchars5",
}

func noSecrets(t *testing.T, s string) {
	t.Helper()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("%q leaks the secret %q", s, sec)
		}
	}
}
