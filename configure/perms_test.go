package configure

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// A credentials file others can read is read anyway, with one warning
// that names it and the fix; the config file holds no secrets and may be
// 0644; Save makes the credentials file private again.
func TestReadableCredentialsFileWarns(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials", "[default]\naccess_key_id = AKID\nsecret_access_key = s3cr3t\n")
	cfg := writeFile(t, dir, "config", "[default]\nregion = q-world-1\n")
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := resolveIn(t, dir, Flags{}, nil); len(r.Warnings) != 0 {
		t.Errorf("0600 credentials: warnings %q", r.Warnings)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(creds, mode); err != nil {
			t.Fatal(err)
		}
		r := resolveIn(t, dir, Flags{}, nil)
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], creds) || !strings.Contains(r.Warnings[0], "chmod 600") ||
			r.Client.Credentials.SecretAccessKey != "s3cr3t" || strings.Contains(r.Warnings[0], "s3cr3t") {
			t.Errorf("mode %04o: warnings %q", mode, r.Warnings)
		}
	}
	files, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Set("default", "region", "q-world-1"); err != nil { // config only: credentials stay as they are
		t.Fatal(err)
	}
	if err := files.Set("default", "session_token", "tok"); err != nil {
		t.Fatal(err)
	}
	if err := files.Save(); err != nil {
		t.Fatal(err)
	}
	if files, _ := LoadFiles(dir); len(files.Warnings()) != 0 {
		t.Errorf("after Save: %q", files.Warnings())
	}
}
