package configure

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadFilesMissingIsEmpty(t *testing.T) {
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "does", "not", "exist")} {
		f, err := LoadFiles(dir)
		if err != nil {
			t.Fatalf("LoadFiles(%s): %v", dir, err)
		}
		if p := f.Profiles(); len(p) != 0 {
			t.Errorf("Profiles = %q, want none", p)
		}
	}
}

func TestProfilesAndGet(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "# header\n[default]\nregion = d\n[profile  b ]\nregion = b\n[not-a-profile]\nregion = x\n[profile a.b]\noutput = json\n[profile a]\nregion = a\n")
	creds := writeFile(t, dir, "credentials", "[c]\naccess_key_id = C\n[default]\naccess_key_id = D\n")
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Profiles(), []string{"a", "a.b", "b", "c", "default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Profiles = %q, want %q", got, want)
	}
	get := func(profile, key, wantV, wantPath string, wantOK bool) {
		t.Helper()
		if v, p, ok := f.Get(profile, key); v != wantV || p != wantPath || ok != wantOK {
			t.Errorf("Get(%s, %s) = %q %q %v, want %q %q %v", profile, key, v, p, ok, wantV, wantPath, wantOK)
		}
	}
	get("b", "region", "b", cfg, true)
	get("default", "access_key_id", "D", creds, true)
	get("a.b", "region", "", "", false) // ini.v1 would inherit [profile a]'s region
	get("c", "region", "", "", false)
	get("default", "no_such_key", "", "", false)
	if f.Path(ConfigFile) != cfg || f.Path(CredentialsFile) != creds || f.Dir() != dir {
		t.Error("Path/Dir do not match")
	}
}

func TestLoadFilesMalformed(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"unclosed section", "config", "[default]\nregion = x\n[profile x\nregion = y\n", []string{"config:3", "no closing ]"}},
		{"garbage line", "config", "[default]\n\nthis is garbage\n", []string{"config:3", "not a [section]"}},
		{"empty key", "config", "[default]\n= value\n", []string{"config:2", "no key name"}},
		{"empty section", "config", "[]\n", []string{"config:1", "has no name"}},
		// ini.v1 quotes these lines in its own errors; a secret must not leak.
		{"secret without =", "credentials", "[default]\n" + secrets[0] + "\n", []string{"credentials:2"}},
		{"unclosed key quote", "credentials", "[default]\n\"secret_access_key = " + secrets[1] + "\n", []string{"credentials:2", "quoted key"}},
		{"unclosed value quote", "credentials", "[default]\nsecret_access_key = `" + secrets[2] + "\n", []string{"credentials:2", "never closed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, tt.file, tt.content)
			_, err := LoadFiles(dir)
			wantErr(t, err, append(tt.want, "cannot parse "+p, "fix or delete that line")...)
		})
	}
}

func TestLoadFilesUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A directory where a file belongs is unreadable even for root.
	if err := os.Mkdir(filepath.Join(dir, "credentials"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFiles(dir)
	wantErr(t, err, "cannot read "+filepath.Join(dir, "credentials"), "is a directory", "move it out of the way")

	// A settings "directory" that is a file.
	notDir := writeFile(t, t.TempDir(), "file", "")
	_, err = LoadFiles(notDir)
	wantErr(t, err, "cannot read", "is not a directory", "QCLI_CONFIG_DIR")

	t.Run("permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode; the directory case above covers read errors")
		}
		dir := t.TempDir()
		p := writeFile(t, dir, "config", "[default]\n")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFiles(dir)
		wantErr(t, err, "cannot read "+p, "chmod 600 "+p)
	})
}

func TestSetValidates(t *testing.T) {
	f, err := LoadFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, value, want string }{
		{"region", "bad region", "use letters, digits and hyphens"},
		{"endpoint_url", "not a url", "use a URL such as"},
		{"endpoint_url", "ftp://host", "is not an http(s) URL"},
		{"output", "xml", "use text, json or table"},
		{"account_id", "abc", "use the numeric account id"},
		{"addressing_style", "sideways", "use path, virtual or auto"},
		{"checksum_mode", "always", "use when_required or when_supported"},
		{"max_attempts", "0", "use 1 or more"},
		{"connect_timeout", "-1s", "use seconds"},
		{"read_timeout", "soon", "use seconds"},
		{"read_timeout", "1e300", "use seconds"},
		{"call_timeout", "0", "use seconds"},
		{"verify_ssl", "maybe", "use true or false"},
		{"ca_bundle", filepath.Join(t.TempDir(), "none.pem"), "point it at a readable PEM file"},
		{"access_key_id", "has space", "without spaces"},
		{"secret_access_key", secrets[0] + "\t", "without spaces"},
		{"no_such_key", "x", "unknown setting"},
	}
	for _, tt := range tests {
		err := f.Set("default", tt.key, tt.value)
		wantErr(t, err, tt.want)
		if err != nil && tt.key != "no_such_key" && !strings.Contains(err.Error(), tt.key) {
			t.Errorf("error %q does not name %s", err, tt.key)
		}
	}
	wantErr(t, f.Set("bad name", "region", "x"), "invalid profile name")
	if f.config.dirty || f.credentials.dirty {
		t.Error("rejected values marked a file as changed")
	}
}

func TestValidValues(t *testing.T) {
	good := map[string][]string{
		"connect_timeout": {"10", "2.5", "10s", "1m30s"},
		"max_attempts":    {"1", "10"},
		"verify_ssl":      {"true", "false", "TRUE", "0"},
		"output":          {"text", "json", "table", "JSON"},
		"account_id":      {"0123456789"},
		"endpoint_url":    {"http://127.0.0.1:9000", "https://qstorage.quilibrium.com"},
	}
	for name, values := range good {
		k, ok := LookupKey(name)
		if !ok {
			t.Fatalf("no key %s", name)
		}
		for _, v := range values {
			if err := k.Validate(v); err != nil {
				t.Errorf("%s = %q: %v", name, v, err)
			}
		}
	}
}

func TestKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		if seen[k.Name] || k.Description == "" || k.apply == nil {
			t.Errorf("key %q is duplicated or incomplete", k.Name)
		}
		seen[k.Name] = true
		if k.Secret && k.File != CredentialsFile {
			t.Errorf("secret %s is not stored in credentials", k.Name)
		}
		if k.Default != "" {
			if err := k.Validate(k.Default); err != nil {
				t.Errorf("default of %s: %v", k.Name, err)
			}
		}
	}
	ks := Keys()
	ks[0].Env[0] = "CHANGED"
	if Keys()[0].Env[0] == "CHANGED" {
		t.Error("Keys shares its slices with the table")
	}
	if k, ok := LookupKey("aws_secret_access_key"); !ok || k.Name != "secret_access_key" || !k.Secret {
		t.Errorf("LookupKey(alias) = %+v, %v", k, ok)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"short":                    "****",
		"fifteen-chars!!":          "****",
		"abcdefghijklWXYZ":         "****WXYZ",
		"a-very-long-secret-ABCD":  "****ABCD",
		"ünïcödé-secret-vålüé-ÆØÅ": "****-ÆØÅ",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	if d, err := DefaultDir(fakeEnv(map[string]string{"QCLI_CONFIG_DIR": "/x/y", "HOME": "/h"})); err != nil || d != "/x/y" {
		t.Errorf("QCLI_CONFIG_DIR: %q %v", d, err)
	}
	if d, err := DefaultDir(fakeEnv(map[string]string{"HOME": "/h", "USERPROFILE": "/h"})); err != nil || d != filepath.Join("/h", ".qcli") {
		t.Errorf("HOME: %q %v", d, err)
	}
	_, err := DefaultDir(fakeEnv(nil))
	wantErr(t, err, "home directory", "QCLI_CONFIG_DIR")
	wantErr(t, resolveErr(t, "", Flags{}, nil), "home directory")
}
