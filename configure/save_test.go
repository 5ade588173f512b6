package configure

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const savedConfig = `# my qcli settings
[default]
# the usual region
region = q-world-1

; work account
[profile work]
endpoint_url = https://work.example.com
unknown_future_key = kept
# trailing comment
`

func TestSaveKeepsOtherProfilesAndComments(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", savedConfig)
	untouched := "[other]\naccess_key_id = OTHER\nsecret_access_key = " + secrets[4] + "\n"
	creds := writeFile(t, dir, "credentials", untouched)

	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"region", "q-world-2"}, {"output", "json"}} {
		if err := f.Set("work", kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, cfg)
	for _, want := range []string{"# my qcli settings", "# the usual region", "; work account", "# trailing comment",
		"[default]", "[profile work]", "unknown_future_key", "https://work.example.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("saved config lost %q:\n%s", want, got)
		}
	}
	if readFile(t, creds) != untouched {
		t.Error("credentials was rewritten though nothing in it changed")
	}
	g, err := LoadFiles(dir)
	if err != nil {
		t.Fatalf("reload: %v\n%s", err, got)
	}
	for _, c := range [][3]string{{"default", "region", "q-world-1"}, {"work", "region", "q-world-2"}, {"work", "output", "json"},
		{"other", "secret_access_key", secrets[4]}} {
		if v, _, _ := g.Get(c[0], c[1]); v != c[2] {
			t.Errorf("after save %s.%s = %q, want %q", c[0], c[1], v, c[2])
		}
	}
	noTempFiles(t, dir)
}

func TestSaveRoutesAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", ".qcli")
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{"access_key_id": "AK", "secret_access_key": secrets[4], "account_id": "7", "region": "r-1", "endpoint_url": "http://e:1"}
	for k, v := range set {
		if err := f.Set("p", k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	creds, cfg := readFile(t, filepath.Join(dir, "credentials")), readFile(t, filepath.Join(dir, "config"))
	if !strings.Contains(creds, "[p]") || !strings.Contains(creds, secrets[4]) || strings.Contains(cfg, secrets[4]) {
		t.Errorf("secret not routed to credentials:\nconfig:\n%s\ncredentials:\n%s", cfg, creds)
	}
	if !strings.Contains(cfg, "[profile p]") || !strings.Contains(cfg, "r-1") || strings.Contains(creds, "r-1") {
		t.Errorf("region not routed to config:\n%s", cfg)
	}
	if runtime.GOOS == "windows" {
		return
	}
	wantMode(t, dir, 0o700)
	wantMode(t, filepath.Join(dir, "credentials"), 0o600)
	wantMode(t, filepath.Join(dir, "config"), 0o600)

	// An existing config keeps a deliberate 0644; credentials are always 0600.
	os.Chmod(filepath.Join(dir, "config"), 0o664)
	os.Chmod(filepath.Join(dir, "credentials"), 0o644)
	f.Set("p", "region", "r-2")
	f.Set("p", "session_token", secrets[3])
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(dir, "config"), 0o644)
	wantMode(t, filepath.Join(dir, "credentials"), 0o600)
}

func TestSetUpdatesAliasAndUnsets(t *testing.T) {
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials", "[default]\naws_access_key_id = OLD\naws_secret_access_key = "+secrets[1]+"\n")
	writeFile(t, dir, "config", "[default]\nregion = a\n[profile default]\nregion = b\n")
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("default", "access_key_id", "NEW"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("default", "region", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, creds)
	if !strings.Contains(got, "aws_access_key_id") || !strings.Contains(got, "NEW") || strings.Contains(got, "OLD") {
		t.Errorf("alias not updated in place:\n%s", got)
	}
	g, _ := LoadFiles(dir)
	if v, _, ok := g.Get("default", "region"); ok {
		t.Errorf("unset region still reads %q (from a second section?)", v)
	}
}

func TestSaveFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir, real := t.TempDir(), t.TempDir()
	target := writeFile(t, real, "config", "[default]\nregion = a\n")
	link := filepath.Join(dir, "config")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("default", "region", "b")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("symlink replaced: %v", err)
	}
	if !strings.Contains(readFile(t, target), "region = b") {
		t.Errorf("target not updated:\n%s", readFile(t, target))
	}
	noTempFiles(t, real)
}

func TestSaveErrorCleansUp(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[default]\nregion = a\n")
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("default", "region", "b")
	// Something that cannot be renamed over, even by root: a non-empty directory.
	os.Remove(cfg)
	if err := os.MkdirAll(filepath.Join(cfg, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.Save(), "cannot save "+cfg, "writable")
	noTempFiles(t, dir)
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s mode %o, want %o", path, got, want)
	}
}

func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestSaveRefusesLossyRewrite: ini.v1 reads `"""` as a plain value but
// would write it back as the start of a multi-line one. Save must refuse
// rather than corrupt the file.
func TestSaveRefusesLossyRewrite(t *testing.T) {
	dir := t.TempDir()
	content := "[default]\nodd = \"\"\"" // at the very end: no line break after it
	cfg := writeFile(t, dir, "config", content)
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.Set("default", "region", "r")
	wantErr(t, f.Save(), "cannot save "+cfg, "would not read back unchanged: odd in [default]", "edit it by hand")
	if readFile(t, cfg) != content {
		t.Error("refused save changed the file")
	}
}
