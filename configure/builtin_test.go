package configure

import (
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

func TestLocalProfileBuiltin(t *testing.T) {
	r := resolveIn(t, t.TempDir(), Flags{Profile: LocalProfile}, nil)
	c := r.Client
	if !r.Embedded || c.Endpoint != "" || c.Region != LocalRegion ||
		c.Credentials.AccessKeyID != LocalAccessKeyID || c.Credentials.SecretAccessKey != LocalSecretAccessKey {
		t.Errorf("local: embedded %v, client %+v", r.Embedded, c)
	}
	wantSetting(t, r, "endpoint_url", "", SourceBuiltin, "")
	wantSetting(t, r, "access_key_id", Mask(LocalAccessKeyID), SourceBuiltin, "")
	wantSetting(t, r, "region", LocalRegion, SourceBuiltin, "")
	if err := r.RequireCredentials(); err != nil {
		t.Error(err)
	}
	// Selected through the environment too.
	if r := resolveIn(t, t.TempDir(), Flags{}, map[string]string{"QCLI_PROFILE": "local"}); !r.Embedded {
		t.Error("QCLI_PROFILE=local is not embedded")
	}
	// Another profile is never embedded.
	if r := resolveIn(t, t.TempDir(), Flags{}, nil); r.Embedded {
		t.Error("default profile is embedded")
	}
}

func TestLocalProfileOverrides(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config", "[profile local]\nendpoint_url = http://127.0.0.1:9000\nregion = lab-1\n")
	creds := writeFile(t, dir, "credentials", "[local]\naccess_key_id = MINE\nsecret_access_key = "+secrets[2]+"\n")
	r := resolveIn(t, dir, Flags{Profile: LocalProfile}, nil)
	if r.Embedded || r.Client.Endpoint != "http://127.0.0.1:9000" || r.Client.Region != "lab-1" {
		t.Errorf("file override: embedded %v, endpoint %q, region %q", r.Embedded, r.Client.Endpoint, r.Client.Region)
	}
	wantSetting(t, r, "endpoint_url", "http://127.0.0.1:9000", SourceConfigFile, cfg)
	wantSetting(t, r, "access_key_id", Mask("MINE"), SourceCredentialsFile, creds)

	// Environment and flags override it as well; credentials as a unit.
	env := map[string]string{"QCLI_ACCESS_KEY_ID": "ENVKEY", "QCLI_SECRET_ACCESS_KEY": secrets[0]}
	r = resolveIn(t, t.TempDir(), Flags{Profile: LocalProfile, EndpointURL: "http://10.0.0.1:9000"}, env)
	c := r.Client
	if r.Embedded || c.Endpoint != "http://10.0.0.1:9000" || c.Credentials.AccessKeyID != "ENVKEY" || c.Credentials.SecretAccessKey != secrets[0] {
		t.Errorf("env/flag override: embedded %v, %+v", r.Embedded, c)
	}
	if r.Client.Region != LocalRegion {
		t.Errorf("region %q, want the built-in %q", r.Client.Region, LocalRegion)
	}
}

func TestCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	dir := t.TempDir()
	good := writeFile(t, dir, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	bad := writeFile(t, dir, "bad.pem", "not a certificate\n")

	writeFile(t, dir, "config", "[default]\nca_bundle = "+good+"\n[profile bad]\nca_bundle = "+bad+"\n[profile missing]\nca_bundle = "+filepath.Join(dir, "none.pem")+"\n")
	r := resolveIn(t, dir, Flags{}, nil)
	if r.Client.RootCAs == nil {
		t.Fatal("RootCAs not loaded")
	}
	if _, err := srv.Certificate().Verify(x509.VerifyOptions{Roots: r.Client.RootCAs}); err != nil {
		t.Errorf("loaded pool does not trust the bundle's certificate: %v", err)
	}
	wantErr(t, resolveErr(t, dir, Flags{Profile: "bad"}, nil), "invalid ca_bundle", bad, "holds no PEM certificates", "BEGIN CERTIFICATE")
	wantErr(t, resolveErr(t, dir, Flags{Profile: "missing"}, nil), "invalid ca_bundle", "cannot read", "point it at a readable PEM file")
	if r := resolveIn(t, t.TempDir(), Flags{}, nil); r.Client.RootCAs != nil {
		t.Error("RootCAs set without ca_bundle")
	}
}
