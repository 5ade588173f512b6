package configcmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// newEnv is a settings directory with no credentials in the environment.
func newEnv(t *testing.T) *clitest.Env {
	e := clitest.New(t)
	delete(e.Vars, "QCLI_ACCESS_KEY_ID")
	delete(e.Vars, "QCLI_SECRET_ACCESS_KEY")
	return e
}

func TestConfigurePromptsAndWritesFiles(t *testing.T) {
	e := newEnv(t)
	answers := "AKIDEXAMPLE123456789\nsecret/key+with#chars\n\nq-world-1\n\njson\n"
	r := e.Run(answers, "configure", "--profile", "ci")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	for _, prompt := range []string{"Access Key ID [None]: ", "Secret Access Key [None]: ", "Account ID (optional) [None]: ",
		"Region [q-world-1]: ", "Endpoint URL [https://qstorage.quilibrium.com]: ", "Output format [text]: "} {
		if !strings.Contains(r.Stderr, prompt) {
			t.Errorf("prompts lack %q:\n%s", prompt, r.Stderr)
		}
	}
	creds := filepath.Join(e.Dir, "credentials")
	info, err := os.Stat(creds)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, mode %v", err, info.Mode())
	}
	data, _ := os.ReadFile(creds)
	if !strings.Contains(string(data), "[ci]") || !strings.Contains(string(data), "secret/key+with#chars") {
		t.Errorf("credentials file:\n%s", data)
	}
	if out := e.MustRun("configure", "get", "output", "--profile", "ci").Stdout; out != "json\n" {
		t.Errorf("get output = %q", out)
	}

	// Run again: current values show masked in brackets, Enter keeps them.
	r = e.Run("\n\n\n\n\n\n", "configure", "--profile", "ci")
	if !strings.Contains(r.Stderr, "Access Key ID [****6789]: ") || !strings.Contains(r.Stderr, "Output format [json]: ") {
		t.Errorf("second run prompts:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stderr, "secret/key") {
		t.Error("a prompt showed the secret")
	}
	if again, _ := os.ReadFile(creds); string(again) != string(data) {
		t.Errorf("Enter changed the credentials file:\n%s", again)
	}
}

// TestConfigurePipedBadValueFails: without a terminal a bad answer cannot be
// asked again (the next line answers the next question), so it fails the
// command with the configuration exit code, 253, and saves nothing; at the
// end of input as well as before more answers.
func TestConfigurePipedBadValueFails(t *testing.T) {
	for _, answers := range []string{"AKID\nSECRET\n\nbad region", "AKID\nSECRET\n\nbad region\nq-world-1\n\njson\n"} {
		e := newEnv(t)
		r := e.Run(answers, "configure")
		if r.Code != 253 || !strings.Contains(r.Stderr, "invalid region") || !strings.Contains(r.Stderr, "nothing was saved") ||
			strings.Count(r.Stderr, "Region [") != 1 {
			t.Fatalf("%q: exit %d: %s", answers, r.Code, r.Stderr)
		}
		if _, err := os.Stat(filepath.Join(e.Dir, "credentials")); !os.IsNotExist(err) {
			t.Errorf("credentials written after a failed configure: %v", err)
		}
	}
}

func TestConfigureListShowsSourcesAndMasksSecrets(t *testing.T) {
	e := clitest.New(t)
	e.Vars["QCLI_REGION"] = "env-region"
	out := e.MustRun("configure", "list", "--endpoint-url", "https://flag.example").Stdout
	for _, want := range []string{"endpoint_url", "https://flag.example", "--endpoint-url", "env-region", "QCLI_REGION", "ca_bundle", "config-file", "max_attempts"} {
		if !strings.Contains(out, want) {
			t.Errorf("configure list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, e.Server.SecretKey) {
		t.Errorf("configure list shows the secret:\n%s", out)
	}
	if !strings.Contains(e.MustRun("--output", "json", "configure", "list").Stdout, `{"type":"setting","name":"access_key_id","value":"****`) {
		t.Error("json list lacks settings")
	}
}

func TestConfigureSetGetAndProfiles(t *testing.T) {
	e := newEnv(t)
	e.MustRun("configure", "set", "region", "q-world-2", "--profile", "dev")
	e.MustRun("configure", "set", "secret_access_key", "-", "--profile", "dev")
	r := e.Run("from-stdin-secret-value\n", "configure", "set", "secret_access_key", "-", "--profile", "dev")
	if r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	if out := e.MustRun("configure", "get", "region", "--profile", "dev").Stdout; out != "q-world-2\n" {
		t.Errorf("get region = %q", out)
	}
	if out := e.MustRun("configure", "get", "secret_access_key", "--profile", "dev").Stdout; out != "****alue\n" {
		t.Errorf("get secret = %q, want it masked", out)
	}
	if r := e.Run("", "configure", "get", "endpoint_url", "--profile", "dev"); r.Code != 1 || r.Stdout != "" {
		t.Errorf("get of an unset key: exit %d, %q", r.Code, r.Stdout)
	}
	if out := e.MustRun("configure", "list-profiles").Stdout; out != "default\ndev\nlocal\n" {
		t.Errorf("list-profiles = %q", out)
	}
	for _, bad := range [][]string{{"region", "bad region"}, {"endpoint_url", "not a url"}, {"output", "xml"}, {"account_id", "abc"}, {"nosuchkey", "v"}} {
		r := e.Run("", "configure", "set", bad[0], bad[1])
		if r.Code != 252 || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("set %s %q: exit %d, %q", bad[0], bad[1], r.Code, r.Stderr)
		}
	}
}

func TestConfigurationErrorsExit253(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		setup func()
		msg   string
	}{
		{func() {}, "no credentials"},
		{func() { e.Vars["QCLI_ACCESS_KEY_ID"] = "only-the-key" }, "QCLI_SECRET_ACCESS_KEY"},
		{func() {
			e.Vars["QCLI_SECRET_ACCESS_KEY"] = "s"
			e.Vars["QCLI_ENDPOINT_URL"] = "not a url"
		}, "not an http(s) URL"},
		{func() { e.Vars["QCLI_PROFILE"] = "ghost" }, `profile "ghost"`},
		{func() {
			delete(e.Vars, "QCLI_PROFILE")
			os.WriteFile(filepath.Join(e.Dir, "config"), []byte("[profile broken\nregion = x\n"), 0o600)
		}, "config"},
	}
	for _, tc := range cases {
		tc.setup()
		r := e.Run("", "s3", "ls")
		if r.Code != 253 || !strings.Contains(r.Stderr, tc.msg) || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("exit %d, stderr %q; want 253 and one line containing %q", r.Code, r.Stderr, tc.msg)
		}
	}
}
