package configure

import (
	"path/filepath"
	"strings"
	"testing"
)

// The console's settings resolve like any other: flag, QCLI_* variable,
// then the profile's files. There is no default and no AWS_* variable.
func TestResolveConsoleSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[default]\nconsole_endpoint = http://file:1\n")
	creds := writeFile(t, dir, "credentials", "[default]\nconsole_api_key = "+secrets[0]+"\n")

	r := resolveIn(t, dir, Flags{}, nil)
	if r.Console.Endpoint != "http://file:1" || r.Console.APIKey != secrets[0] {
		t.Errorf("file: Console = %+v", r.Console)
	}
	wantSetting(t, r, "console_endpoint", "http://file:1", SourceConfigFile, cfg)
	wantSetting(t, r, "console_api_key", Mask(secrets[0]), SourceCredentialsFile, creds)

	env := map[string]string{"QCLI_CONSOLE_ENDPOINT": "http://env:1", "QCLI_CONSOLE_API_KEY": secrets[1]}
	r = resolveIn(t, dir, Flags{}, env)
	wantSetting(t, r, "console_endpoint", "http://env:1", SourceEnv, "QCLI_CONSOLE_ENDPOINT")
	wantSetting(t, r, "console_api_key", Mask(secrets[1]), SourceEnv, "QCLI_CONSOLE_API_KEY")

	r = resolveIn(t, dir, Flags{ConsoleEndpoint: "https://flag:1"}, env)
	wantSetting(t, r, "console_endpoint", "https://flag:1", SourceFlag, "--console-endpoint")
	if r.Console.Endpoint != "https://flag:1" {
		t.Errorf("flag: Console.Endpoint = %q", r.Console.Endpoint)
	}

	r = resolveIn(t, t.TempDir(), Flags{}, nil)
	if r.Console != (Console{}) {
		t.Errorf("unset: Console = %+v, want empty", r.Console)
	}
	wantSetting(t, r, "console_endpoint", "", SourceUnset, "")
}

// The API key is not part of the S3 key pair: it resolves from its own
// highest source, whichever source holds the pair.
func TestConsoleAPIKeyIsNotPartOfTheKeyPair(t *testing.T) {
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials", "[default]\naccess_key_id = FILEKEY\nsecret_access_key = "+secrets[0]+"\nconsole_api_key = "+secrets[1]+"\n")

	pairInEnv := map[string]string{"QCLI_ACCESS_KEY_ID": "ENVKEY", "QCLI_SECRET_ACCESS_KEY": secrets[2]}
	r := resolveIn(t, dir, Flags{}, pairInEnv)
	if r.Client.Credentials.AccessKeyID != "ENVKEY" || r.Console.APIKey != secrets[1] {
		t.Errorf("pair from env, key from file: key id %q, API key %q", r.Client.Credentials.AccessKeyID, r.Console.APIKey)
	}
	wantSetting(t, r, "console_api_key", Mask(secrets[1]), SourceCredentialsFile, creds)

	// A console key alone in the environment is no half pair.
	r = resolveIn(t, t.TempDir(), Flags{}, map[string]string{"QCLI_CONSOLE_API_KEY": secrets[3]})
	if r.Console.APIKey != secrets[3] || r.Client.Credentials.AccessKeyID != "" {
		t.Errorf("API key alone: %+v, key id %q", r.Console, r.Client.Credentials.AccessKeyID)
	}
}

func TestConsoleSettingsValidateAndSave(t *testing.T) {
	dir := t.TempDir()
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.Set("default", "console_endpoint", "ftp://x"), "invalid console_endpoint", "https://console.example.com")
	wantErr(t, f.Set("default", "console_api_key", secrets[0]+" x"), "invalid console_api_key", "whitespace")
	if err := f.Set("default", "console_endpoint", "http://127.0.0.1:9000"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("default", "console_api_key", secrets[4]); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "credentials")); !strings.Contains(got, "console_api_key = "+secrets[4]) {
		t.Errorf("credentials file lacks the API key:\n%s", got)
	}
	if got := readFile(t, filepath.Join(dir, "config")); !strings.Contains(got, "console_endpoint = http://127.0.0.1:9000") || strings.Contains(got, secrets[4]) {
		t.Errorf("config file:\n%s", got)
	}
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"QCLI_CONSOLE_ENDPOINT": "nope"}), "QCLI_CONSOLE_ENDPOINT: invalid console_endpoint")
}
