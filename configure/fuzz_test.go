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

// FuzzSettingValue feeds arbitrary values to every setting, as `qcli
// configure set` and the environment do: the value parsers (timeouts,
// max_attempts, URLs, regions, tokens...) must not panic, must refuse in one
// line without quoting a secret, and a value they accept must resolve from
// the file it is stored in, with timeouts positive and attempts at least 1.
// Seeds live in testdata/fuzz/FuzzSettingValue too.
func FuzzSettingValue(f *testing.F) {
	for _, seed := range []struct {
		key   uint8
		value string
	}{{10, "60"}, {10, "1m30s"}, {11, "2.5"}, {11, "1e-10"}, {9, "3"}, {9, "-1"}, {4, "https://qstorage.quilibrium.com"},
		{5, "q-world-1"}, {1, "se cret"}, {13, "false"}, {0, "AKID"}} {
		f.Add(seed.key, seed.value)
	}
	keys := Keys()
	f.Fuzz(func(t *testing.T, i uint8, value string) {
		k := keys[int(i)%len(keys)]
		if k.Name == "ca_bundle" {
			return // a path: it would read the fuzzer's choice of file
		}
		err := k.Validate(value)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || k.Secret && len(value) > 3 && strings.Contains(msg, value) {
				t.Fatalf("%s=%q: bad error %q", k.Name, value, msg)
			}
			return
		}
		dir := t.TempDir()
		writeFile(t, dir, "credentials", "[default]\naccess_key_id = AKID\nsecret_access_key = secret\n") // a key pair resolves whole
		files, err := LoadFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Set("default", k.Name, value); err != nil {
			t.Fatalf("%s=%q: Validate accepted, Set refused: %v", k.Name, value, err)
		}
		if err := files.Save(); err != nil {
			return // a value ini.v1 cannot write back (errNoRoundTrip) is refused there
		}
		r, err := Resolve(Options{Dir: dir, Getenv: fakeEnv(nil)})
		if err != nil {
			t.Fatalf("%s=%q: stored but does not resolve: %v", k.Name, value, err)
		}
		if c := r.Client; c.ConnectTimeout < 0 || c.ReadTimeout < 0 || c.CallTimeout < 0 || c.MaxAttempts < 0 ||
			k.Name == "connect_timeout" && c.ConnectTimeout <= 0 || k.Name == "read_timeout" && c.ReadTimeout <= 0 ||
			k.Name == "call_timeout" && c.CallTimeout <= 0 || k.Name == "max_attempts" && c.MaxAttempts < 1 {
			t.Fatalf("%s=%q resolved to timeouts %v/%v/%v, attempts %d", k.Name, value, c.ConnectTimeout, c.ReadTimeout, c.CallTimeout, c.MaxAttempts)
		}
	})
}
