package configure

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoadFiles feeds arbitrary bytes in as both files. Loading must not
// panic and must fail in one line; a file that loads must read back the
// same after a rewrite. Seeds live in testdata/fuzz/FuzzLoadFiles too.
func FuzzLoadFiles(f *testing.F) {
	for _, seed := range []string{
		savedConfig,
		"[default]\naws_access_key_id = AK\naws_secret_access_key = se#cr;et\\\n",
		"[profile x\nregion = y\n",
		"garbage\n",
		"k = \"\"\"multi\nline\"\"\"\n[s]\n`quoted=key` = v\n",
		"\ufeff[default]\r\nregion = \" spaced \"\r\n; trailing\r\n",
		"top = level\n[profile a.b]\nx = 1\n[ profile  c ]\n[]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"config", "credentials"} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		before, err := LoadFiles(dir)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		before.config.dirty, before.credentials.dirty = true, true
		if err := before.Save(); err != nil {
			// ini.v1 cannot write some values it reads; Save must then
			// refuse and leave the file as it was.
			if !errors.Is(err, errNoRoundTrip) {
				t.Fatalf("Save: %v", err)
			}
			if got := readFile(t, filepath.Join(dir, "config")); got != string(data) {
				t.Fatalf("refused Save changed the file")
			}
			return
		}
		after, err := LoadFiles(dir)
		if err != nil {
			t.Fatalf("reload after Save: %v\nsaved:\n%s", err, readFile(t, filepath.Join(dir, "config")))
		}
		if b, a := before.Profiles(), after.Profiles(); !reflect.DeepEqual(b, a) {
			t.Fatalf("profiles changed: %q -> %q", b, a)
		}
		for _, kind := range []FileKind{ConfigFile, CredentialsFile} {
			if b, a := before.file(kind).dump(), after.file(kind).dump(); !reflect.DeepEqual(b, a) {
				t.Fatalf("%s values changed:\n%q\n->\n%q\nsaved:\n%s", kind, b, a, readFile(t, after.Path(kind)))
			}
		}
	})
}
