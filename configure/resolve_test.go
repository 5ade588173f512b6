package configure

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

// TestResolveOrder removes the rungs one at a time, from the top, and
// checks that the next one down supplies region, endpoint_url and output.
func TestResolveOrder(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[default]\nregion = file-region\nendpoint_url = http://file:1\noutput = table\n")
	allEnv := map[string]string{
		"QCLI_REGION": "qcli-region", "QCLI_ENDPOINT_URL": "http://qcli:1", "QCLI_OUTPUT": "json",
		"AWS_REGION": "aws-region", "AWS_ENDPOINT_URL": "http://aws:1",
	}
	flags := Flags{Region: "flag-region", EndpointURL: "http://flag:1", Output: "text"}
	without := func(prefix string) map[string]string {
		m := map[string]string{}
		for k, v := range allEnv {
			if !strings.HasPrefix(k, prefix) {
				m[k] = v
			}
		}
		return m
	}
	onlyAWS, noEnv := without("QCLI_"), map[string]string{}

	type want struct{ region, regionSrc, regionLoc, endpoint, endpointLoc string }
	tests := []struct {
		name  string
		dir   string
		flags Flags
		env   map[string]string
		want  want
	}{
		{"flags win", dir, flags, allEnv, want{"flag-region", SourceFlag, "--region", "http://flag:1", "--endpoint-url"}},
		{"QCLI env next", dir, Flags{}, allEnv, want{"qcli-region", SourceEnv, "QCLI_REGION", "http://qcli:1", "QCLI_ENDPOINT_URL"}},
		{"AWS env next", dir, Flags{}, onlyAWS, want{"aws-region", SourceEnv, "AWS_REGION", "http://aws:1", "AWS_ENDPOINT_URL"}},
		{"file next", dir, Flags{}, noEnv, want{"file-region", SourceConfigFile, cfg, "http://file:1", cfg}},
		{"defaults last", t.TempDir(), Flags{}, noEnv, want{client.DefaultRegion, SourceDefault, "", client.DefaultEndpoint, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resolveIn(t, tt.dir, tt.flags, tt.env)
			wantSetting(t, r, "region", tt.want.region, tt.want.regionSrc, tt.want.regionLoc)
			wantSetting(t, r, "endpoint_url", tt.want.endpoint, tt.want.regionSrc, tt.want.endpointLoc)
			if r.Client.Region != tt.want.region || r.Client.Endpoint != tt.want.endpoint {
				t.Errorf("Client = %q %q, want %q %q", r.Client.Region, r.Client.Endpoint, tt.want.region, tt.want.endpoint)
			}
		})
	}
}

// TestResolveOutput covers the output rungs; AWS has no variable for it.
func TestResolveOutput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", "[default]\noutput = table\n")
	if r := resolveIn(t, dir, Flags{Output: "JSON"}, map[string]string{"QCLI_OUTPUT": "text"}); r.Output != "json" {
		t.Errorf("flag: Output = %q, want json", r.Output)
	}
	if r := resolveIn(t, dir, Flags{}, map[string]string{"QCLI_OUTPUT": "json"}); r.Output != "json" {
		t.Errorf("env: Output = %q, want json", r.Output)
	}
	if r := resolveIn(t, dir, Flags{}, nil); r.Output != "table" {
		t.Errorf("file: Output = %q, want table", r.Output)
	}
	r := resolveIn(t, t.TempDir(), Flags{}, nil)
	wantSetting(t, r, "output", "text", SourceDefault, "")
	if r.Output != "text" {
		t.Errorf("default: Output = %q, want text", r.Output)
	}
	wantErr(t, resolveErr(t, dir, Flags{Output: "xml"}, nil), "--output", "invalid output", `"xml"`, "use text, json or table")
}

func TestResolveProfile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", "[default]\nregion = d-region\n[profile a]\nregion = a-region\n[profile b]\nregion = b-region\n")
	env := map[string]string{"QCLI_PROFILE": "b"}

	r := resolveIn(t, dir, Flags{Profile: "a"}, env)
	wantSetting(t, r, "profile", "a", SourceFlag, "--profile")
	wantSetting(t, r, "region", "a-region", SourceConfigFile, filepath.Join(dir, "config"))

	r = resolveIn(t, dir, Flags{}, env)
	wantSetting(t, r, "profile", "b", SourceEnv, "QCLI_PROFILE")
	if r.Client.Region != "b-region" {
		t.Errorf("Region = %q, want b-region", r.Client.Region)
	}

	r = resolveIn(t, dir, Flags{}, map[string]string{"AWS_PROFILE": "a"})
	wantSetting(t, r, "profile", "default", SourceDefault, "")
	if r.Client.Region != "d-region" {
		t.Errorf("AWS_PROFILE must be ignored: Region = %q, want d-region", r.Client.Region)
	}
}

func TestResolveUnknownProfile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", "[profile real]\nregion = r\n[typo]\nregion = r\n")
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")

	err := resolveErr(t, dir, Flags{Profile: "x"}, nil)
	wantErr(t, err, `profile "x"`, "--profile", "not found in "+cfg+" or "+creds, "add a [profile x] section to "+cfg)
	if !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("errors.Is(%v, ErrProfileNotFound) = false", err)
	}
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"QCLI_PROFILE": "x"}), `profile "x"`, "QCLI_PROFILE")
	wantErr(t, resolveErr(t, dir, Flags{Profile: "typo"}, nil), "rename [typo] in "+cfg+" to [profile typo]")
	wantErr(t, resolveErr(t, t.TempDir(), Flags{Profile: "default"}, nil), `profile "default"`, "add a [default] section")

	// The implicit default may be missing: environment-only CI.
	r := resolveIn(t, t.TempDir(), Flags{}, map[string]string{"QCLI_ACCESS_KEY_ID": "AK", "QCLI_SECRET_ACCESS_KEY": secrets[0]})
	if r.Profile != DefaultProfile || r.Client.Credentials.AccessKeyID != "AK" {
		t.Errorf("env-only: profile %q, key %q", r.Profile, r.Client.Credentials.AccessKeyID)
	}
}

func TestResolveInvalidValuesNameSource(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[profile p]\nregion = bad region\nmax_attempts = 0\n")
	wantErr(t, resolveErr(t, dir, Flags{Profile: "p"}, nil), cfg, `profile "p"`, "invalid region", "bad region", "use letters")
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"QCLI_REGION": "a b"}), "QCLI_REGION: invalid region")
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"AWS_ENDPOINT_URL": "not a url"}), "AWS_ENDPOINT_URL: invalid endpoint_url", "use a URL")
	wantErr(t, resolveErr(t, dir, Flags{Region: "-x"}, nil), "--region: invalid region")
}

func TestResolveClientSettings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", `[default]
addressing_style = Virtual
checksum_mode = when_supported
max_attempts = 3
connect_timeout = 2.5
read_timeout = 1m30s
verify_ssl = false
`)
	r := resolveIn(t, dir, Flags{}, nil)
	c := r.Client
	if c.AddressingStyle != client.AddressingVirtual || c.ChecksumMode != client.ChecksumWhenSupported || c.MaxAttempts != 3 ||
		c.ConnectTimeout != 2500*time.Millisecond || c.ReadTimeout != 90*time.Second || !c.InsecureSkipVerify {
		t.Errorf("Client = %+v", c)
	}

	// Defaults are filled in explicitly, and agree with client.Config.WithDefaults.
	d := resolveIn(t, t.TempDir(), Flags{}, nil).Client
	w := client.Config{}.WithDefaults()
	if d.Endpoint != w.Endpoint || d.Region != w.Region || d.AddressingStyle != w.AddressingStyle || d.ChecksumMode != w.ChecksumMode ||
		d.MaxAttempts != w.MaxAttempts || d.ConnectTimeout != w.ConnectTimeout || d.ReadTimeout != w.ReadTimeout || d.InsecureSkipVerify {
		t.Errorf("defaults = %+v, want %+v", d, w)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("default Client.Validate: %v", err)
	}
}

func TestResolveNoVerifySSL(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "config", "[default]\nverify_ssl = true\n")
	r := resolveIn(t, dir, Flags{NoVerifySSL: true}, nil)
	wantSetting(t, r, "verify_ssl", "false", SourceFlag, "--no-verify-ssl")
	if !r.Client.InsecureSkipVerify {
		t.Error("--no-verify-ssl did not set InsecureSkipVerify")
	}
	if r := resolveIn(t, dir, Flags{}, nil); r.Client.InsecureSkipVerify {
		t.Error("verify_ssl = true set InsecureSkipVerify")
	}
}

func TestSettingsOrderAndMasking(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "credentials", "[default]\naccess_key_id = AKIDEXAMPLE\nsecret_access_key = "+secrets[2]+"\nsession_token = "+secrets[3]+"\n")
	r := resolveIn(t, dir, Flags{}, nil)
	var keys []string
	for _, s := range r.Settings {
		keys = append(keys, s.Key)
		noSecrets(t, s.Value)
	}
	want := "profile"
	for _, k := range Keys() {
		want += " " + k.Name
	}
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("Settings order = %q, want %q", got, want)
	}
	creds := filepath.Join(dir, "credentials")
	wantSetting(t, r, "secret_access_key", Mask(secrets[2]), SourceCredentialsFile, creds)
	wantSetting(t, r, "access_key_id", Mask("AKIDEXAMPLE"), SourceCredentialsFile, creds)
	wantSetting(t, r, "account_id", "", SourceUnset, "")
	wantSetting(t, r, "ca_bundle", "", SourceUnset, "")
	if r.Client.Credentials.SecretAccessKey != secrets[2] || r.Client.Credentials.SessionToken != secrets[3] {
		t.Error("Client does not hold the raw secret and token")
	}
}

func TestResolveDefaultDir(t *testing.T) {
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, ".qcli"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".qcli"), "config", "[default]\nregion = home-region\n")
	r, err := Resolve(Options{Getenv: fakeEnv(map[string]string{"HOME": home})})
	if err != nil {
		t.Fatal(err)
	}
	if r.Dir != filepath.Join(home, ".qcli") || r.Client.Region != "home-region" {
		t.Errorf("Dir %q Region %q", r.Dir, r.Client.Region)
	}
}

// TestAWSDefaultRegion: many CI systems set only AWS_DEFAULT_REGION. It
// comes after AWS_REGION, in the AWS rung (below QCLI_REGION, above the
// files), and a bad value names it.
func TestAWSDefaultRegion(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[default]\nregion = file-region\n")
	r := resolveIn(t, dir, Flags{}, map[string]string{"AWS_DEFAULT_REGION": "default-region"})
	wantSetting(t, r, "region", "default-region", SourceEnv, "AWS_DEFAULT_REGION")
	if r.Client.Region != "default-region" {
		t.Errorf("Client.Region = %q", r.Client.Region)
	}
	r = resolveIn(t, dir, Flags{}, map[string]string{"AWS_DEFAULT_REGION": "default-region", "AWS_REGION": "aws-region"})
	wantSetting(t, r, "region", "aws-region", SourceEnv, "AWS_REGION")
	r = resolveIn(t, dir, Flags{}, map[string]string{"AWS_DEFAULT_REGION": "default-region", "QCLI_REGION": "qcli-region"})
	wantSetting(t, r, "region", "qcli-region", SourceEnv, "QCLI_REGION")
	r = resolveIn(t, dir, Flags{}, map[string]string{"AWS_DEFAULT_REGION": ""})
	wantSetting(t, r, "region", "file-region", SourceConfigFile, cfg)
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"AWS_DEFAULT_REGION": "bad region"}), "AWS_DEFAULT_REGION", "invalid region")
}
