package configure

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestCredentialRungs checks each rung supplies the whole pair.
func TestCredentialRungs(t *testing.T) {
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials", "[default]\naccess_key_id = FILEKEY\nsecret_access_key = "+secrets[2]+"\n")
	qcli := map[string]string{"QCLI_ACCESS_KEY_ID": "QCLIKEY", "QCLI_SECRET_ACCESS_KEY": secrets[0]}
	aws := map[string]string{"AWS_ACCESS_KEY_ID": "AWSKEY", "AWS_SECRET_ACCESS_KEY": secrets[1]}
	both := map[string]string{}
	for k, v := range qcli {
		both[k] = v
	}
	for k, v := range aws {
		both[k] = v
	}
	tests := []struct {
		name                 string
		dir                  string
		env                  map[string]string
		key, secret, src, at string
	}{
		{"QCLI env first", dir, both, "QCLIKEY", secrets[0], SourceEnv, "QCLI_ACCESS_KEY_ID"},
		{"AWS env next", dir, aws, "AWSKEY", secrets[1], SourceEnv, "AWS_ACCESS_KEY_ID"},
		{"file next", dir, nil, "FILEKEY", secrets[2], SourceCredentialsFile, creds},
		{"none", t.TempDir(), nil, "", "", SourceUnset, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resolveIn(t, tt.dir, Flags{}, tt.env)
			c := r.Client.Credentials
			if c.AccessKeyID != tt.key || c.SecretAccessKey != tt.secret {
				t.Errorf("got %v, want key %q", c, tt.key)
			}
			wantSetting(t, r, "access_key_id", Mask(tt.key), tt.src, tt.at)
			s := lookup(t, r, "secret_access_key")
			if s.Source != tt.src || s.Value != Mask(tt.secret) {
				t.Errorf("secret setting %+v", s)
			}
		})
	}
}

// TestCredentialsAreAUnit: the token and account id come from the source
// that supplied the key, never from a lower one.
func TestCredentialsAreAUnit(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "credentials", "[default]\naccess_key_id = FILEKEY\nsecret_access_key = "+secrets[2]+"\nsession_token = "+secrets[3]+"\naccount_id = 123\n")
	env := map[string]string{
		"QCLI_ACCESS_KEY_ID": "QCLIKEY", "QCLI_SECRET_ACCESS_KEY": secrets[0],
		"AWS_SESSION_TOKEN": "awstoken",
	}
	r := resolveIn(t, dir, Flags{}, env)
	c := r.Client.Credentials
	if c.AccessKeyID != "QCLIKEY" || c.SecretAccessKey != secrets[0] || c.SessionToken != "" || c.AccountID != "" {
		t.Errorf("mixed sources: %v account %q", c, c.AccountID)
	}
	wantSetting(t, r, "session_token", "", SourceUnset, "")
	wantSetting(t, r, "account_id", "", SourceUnset, "")

	env["QCLI_SESSION_TOKEN"], env["QCLI_ACCOUNT_ID"] = secrets[3], "42"
	c = resolveIn(t, dir, Flags{}, env).Client.Credentials
	if c.SessionToken != secrets[3] || c.AccountID != "42" {
		t.Errorf("QCLI token/account not used: %v %q", c, c.AccountID)
	}

	c = resolveIn(t, dir, Flags{}, nil).Client.Credentials
	if c.SessionToken != secrets[3] || c.AccountID != "123" {
		t.Errorf("file token/account not used: %v %q", c, c.AccountID)
	}
}

func TestHalfCredentials(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "credentials", "[default]\naccess_key_id = FILEKEY\nsecret_access_key = "+secrets[2]+"\n[half]\naccess_key_id = K\n[nokey]\nsecret_access_key = "+secrets[2]+"\n")
	creds := filepath.Join(dir, "credentials")

	// A complete pair lower down does not rescue a half pair higher up.
	err := resolveErr(t, dir, Flags{}, map[string]string{"QCLI_ACCESS_KEY_ID": "K"})
	wantErr(t, err, "QCLI_ACCESS_KEY_ID is set but QCLI_SECRET_ACCESS_KEY is not")
	if !errors.Is(err, ErrIncompleteCredentials) {
		t.Errorf("errors.Is(%v, ErrIncompleteCredentials) = false", err)
	}
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"AWS_SECRET_ACCESS_KEY": secrets[1]}),
		"AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
	wantErr(t, resolveErr(t, dir, Flags{Profile: "half"}, nil),
		creds, `profile "half"`, "has access_key_id but no secret_access_key", "add secret_access_key beside it")
	wantErr(t, resolveErr(t, dir, Flags{Profile: "nokey"}, nil), "has secret_access_key but no access_key_id")

	// A token alone is not half a pair; it is ignored.
	r := resolveIn(t, dir, Flags{}, map[string]string{"AWS_SESSION_TOKEN": "stale"})
	if r.Client.Credentials.AccessKeyID != "FILEKEY" || r.Client.Credentials.SessionToken != "" {
		t.Errorf("stale token: %v", r.Client.Credentials)
	}
}

func TestRequireCredentials(t *testing.T) {
	r := resolveIn(t, t.TempDir(), Flags{}, nil)
	err := r.RequireCredentials()
	wantErr(t, err, "no credentials", "set access_key_id and secret_access_key in its profile", "QCLI_ACCESS_KEY_ID and QCLI_SECRET_ACCESS_KEY")
	if !errors.Is(err, ErrNoCredentials) {
		t.Errorf("errors.Is(%v, ErrNoCredentials) = false", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "config", "[profile p]\nregion = x\n")
	wantErr(t, resolveIn(t, dir, Flags{Profile: "p"}, nil).RequireCredentials(), `profile "p"`)

	r = resolveIn(t, t.TempDir(), Flags{}, map[string]string{"AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": secrets[1]})
	if err := r.RequireCredentials(); err != nil {
		t.Error(err)
	}
}

func TestAWSAliases(t *testing.T) {
	dir := t.TempDir()
	// A section copied from ~/.aws/credentials, secret with # and ;.
	creds := writeFile(t, dir, "credentials", "[default]\naws_access_key_id = AKIDCOPIED\naws_secret_access_key = "+secrets[4]+"\naws_session_token = "+secrets[3]+"\n")
	r := resolveIn(t, dir, Flags{}, nil)
	c := r.Client.Credentials
	if c.AccessKeyID != "AKIDCOPIED" || c.SecretAccessKey != secrets[4] || c.SessionToken != secrets[3] {
		t.Errorf("aliases: %v", c)
	}
	wantSetting(t, r, "access_key_id", Mask("AKIDCOPIED"), SourceCredentialsFile, creds)

	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v, _, ok := f.Get("default", "aws_secret_access_key"); !ok || v != secrets[4] {
		t.Errorf("Get by alias = %q, %v", v, ok)
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "credentials", "[default]\naccess_key_id = K\nsecret_access_key = "+secrets[2]+"\nsession_token = "+secrets[3]+"\n")
	env := map[string]string{"AWS_ACCESS_KEY_ID": "K", "AWS_SECRET_ACCESS_KEY": secrets[1], "AWS_SESSION_TOKEN": secrets[3]}
	for _, r := range []*Resolved{resolveIn(t, dir, Flags{}, nil), resolveIn(t, dir, Flags{}, env)} {
		for _, s := range r.Settings {
			noSecrets(t, s.Value)
		}
		noSecrets(t, r.Client.Credentials.String())
	}
	// Bad secrets: the error describes the problem without the value.
	bad := secrets[0] + " x"
	wantErr(t, resolveErr(t, dir, Flags{}, map[string]string{"QCLI_ACCESS_KEY_ID": "K", "QCLI_SECRET_ACCESS_KEY": bad}),
		"QCLI_SECRET_ACCESS_KEY: invalid secret_access_key", "whitespace")
	f, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.Set("default", "session_token", secrets[3]+"\n"), "invalid session_token")
}
