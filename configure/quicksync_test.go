package configure

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

// QuickSync's settings resolve like the console's: flag, QCLI_* variable,
// the profile's files, then the endpoint's default.
func TestResolveQuickSyncSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[default]\nquicksync_endpoint = http://file:1\n")
	creds := writeFile(t, dir, "credentials", "[default]\nquicksync_token = "+secrets[0]+
		"\nquicksync_session = "+secrets[1]+"\nquicksync_token_expiry = 2026-01-02T03:04:05Z\n")

	r := resolveIn(t, dir, Flags{}, nil)
	want := QuickSync{Endpoint: "http://file:1", Token: secrets[0], SessionID: secrets[1], TokenExpiry: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if r.QuickSync != want {
		t.Errorf("file: QuickSync = %+v", r.QuickSync)
	}
	wantSetting(t, r, "quicksync_endpoint", "http://file:1", SourceConfigFile, cfg)
	wantSetting(t, r, "quicksync_token", Mask(secrets[0]), SourceCredentialsFile, creds)
	wantSetting(t, r, "quicksync_session", Mask(secrets[1]), SourceCredentialsFile, creds)
	wantSetting(t, r, "quicksync_token_expiry", "2026-01-02T03:04:05Z", SourceCredentialsFile, creds)

	env := map[string]string{"QCLI_QUICKSYNC_ENDPOINT": "http://env:1", "QCLI_QUICKSYNC_TOKEN": secrets[2], "QCLI_QUICKSYNC_SESSION": secrets[3]}
	r = resolveIn(t, dir, Flags{}, env)
	wantSetting(t, r, "quicksync_endpoint", "http://env:1", SourceEnv, "QCLI_QUICKSYNC_ENDPOINT")
	wantSetting(t, r, "quicksync_token", Mask(secrets[2]), SourceEnv, "QCLI_QUICKSYNC_TOKEN")
	if r.QuickSync.Token != secrets[2] || r.QuickSync.SessionID != secrets[3] {
		t.Errorf("env: QuickSync = %+v", r.QuickSync)
	}

	r = resolveIn(t, dir, Flags{QuickSyncEndpoint: "https://flag:1"}, env)
	wantSetting(t, r, "quicksync_endpoint", "https://flag:1", SourceFlag, "--quicksync-endpoint")

	r = resolveIn(t, t.TempDir(), Flags{}, nil)
	if r.QuickSync != (QuickSync{Endpoint: client.DefaultQuickSyncEndpoint}) {
		t.Errorf("unset: QuickSync = %+v", r.QuickSync)
	}
	wantSetting(t, r, "quicksync_endpoint", client.DefaultQuickSyncEndpoint, SourceDefault, "")
}

// A QuickSync token is not part of the S3 key pair: alone in the
// environment it is no half pair, and it never hides a file's key pair.
func TestQuickSyncTokenIsNotPartOfTheKeyPair(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "credentials", "[default]\naccess_key_id = FILEKEY\nsecret_access_key = "+secrets[0]+"\n")
	r := resolveIn(t, dir, Flags{}, map[string]string{"QCLI_QUICKSYNC_TOKEN": secrets[1]})
	if r.Client.Credentials.AccessKeyID != "FILEKEY" || r.QuickSync.Token != secrets[1] {
		t.Errorf("key id %q, token set %v", r.Client.Credentials.AccessKeyID, r.QuickSync.Token == secrets[1])
	}
}

func TestQuickSyncSettingsValidateAndSave(t *testing.T) {
	dir := t.TempDir()
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.Set("default", "quicksync_endpoint", "ftp://x"), "invalid quicksync_endpoint", client.DefaultQuickSyncEndpoint)
	wantErr(t, f.Set("default", "quicksync_token", secrets[0]+" x"), "invalid quicksync_token", "whitespace")
	wantErr(t, f.Set("default", "quicksync_token_expiry", "tomorrow"), "invalid quicksync_token_expiry", "RFC 3339")
	for k, v := range map[string]string{"quicksync_token": secrets[4], "quicksync_session": secrets[3], "quicksync_token_expiry": "2026-01-02T03:04:05Z"} {
		if err := f.Set("default", k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	r := resolveIn(t, dir, Flags{}, nil)
	if r.QuickSync.Token != secrets[4] || r.QuickSync.SessionID != secrets[3] || r.QuickSync.TokenExpiry.IsZero() {
		t.Errorf("saved and resolved: %+v", r.QuickSync)
	}
	if _, err := os.Stat(filepath.Join(dir, "config")); !os.IsNotExist(err) {
		t.Errorf("a config file was written: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "credentials")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file: %v, %v", fi, err)
	}
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"QCLI_QUICKSYNC_ENDPOINT": "nope"}), "QCLI_QUICKSYNC_ENDPOINT: invalid quicksync_endpoint")
}
