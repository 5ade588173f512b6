package reliability_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func (e *env) writeConfig(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(e.Dir, "config"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *env) mustRunCtx(t *testing.T, argv ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := e.run(ctx, "", argv...)
	return r.Stdout, r.Stderr, r.Code
}

// serviceCommands reach each of the three services qcli talks to.
var serviceCommands = [][]string{{"s3", "ls"}, {"console", "stats"}, {"quicksync", "ls"}}

// TLS is verified by default: without the emulator's CA every client
// refuses its certificate and says how to get past it; --no-verify-ssl
// (for test servers) gets past it.
func TestUntrustedCertificateIsRefused(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, "[default]\nmax_attempts = 1\n") // no ca_bundle: the system's roots
	for _, argv := range serviceCommands {
		_, stderr, code := e.mustRunCtx(t, argv...)
		if code != 255 || !strings.Contains(stderr, "certificate") || !strings.Contains(stderr, "--no-verify-ssl") {
			t.Errorf("qcli %s: exit %d, %q; want 255 naming the certificate and --no-verify-ssl", strings.Join(argv, " "), code, stderr)
		}
		if _, stderr, code := e.mustRunCtx(t, append([]string{"--no-verify-ssl"}, argv...)...); code != 0 {
			t.Errorf("qcli --no-verify-ssl %s: exit %d, %s", strings.Join(argv, " "), code, stderr)
		}
	}
}

// credentialHeaders are the headers that carry a secret to one of the services.
var credentialHeaders = []string{"Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-Server-Side-Encryption-Customer-Key"}

// A redirect to another host is not followed with the credentials: each
// client's request is answered with 307 to a second server, which must
// never see Authorization (SigV4 or bearer), X-API-Key or a session token.
func TestRedirectElsewhereCarriesNoCredentials(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		for _, h := range credentialHeaders {
			if r.Header.Get(h) != "" {
				leaked = append(leaked, r.Method+" "+r.URL.Path+" carried "+h)
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer other.Close()
	redirector := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()

	e := newEnv(t)
	e.Vars["QCLI_SESSION_TOKEN"] = sessionToken
	for _, v := range []string{"QCLI_ENDPOINT_URL", "QCLI_CONSOLE_ENDPOINT", "QCLI_QUICKSYNC_ENDPOINT"} {
		e.Vars[v] = redirector.URL
	}
	for _, argv := range append(serviceCommands, []string{"s3", "cp", "s3://bkt/k", t.TempDir() + "/k", "--sse-c-key", sseCKey}) {
		if _, stderr, code := e.mustRunCtx(t, append([]string{"--no-verify-ssl"}, argv...)...); code == 0 {
			t.Errorf("qcli %s followed the redirect and succeeded: %s", strings.Join(argv, " "), stderr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) > 0 {
		t.Errorf("credentials sent to another host: %v", leaked)
	}
}

// A credentials file other users can read works, with one warning on
// stderr naming it and the fix, however many times the command reads the
// files; qcli configure set writes it back 0600.
func TestReadableCredentialsFileWarnsOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	e := newEnv(t)
	creds := filepath.Join(e.Dir, "credentials")
	if err := os.WriteFile(creds, []byte("[default]\nconsole_api_key = k\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{{"s3", "ls"}, {"configure", "get", "console_api_key"}, {"configure", "list"}} {
		_, stderr, code := e.mustRunCtx(t, argv...)
		if code != 0 || strings.Count(stderr, "warning: "+creds+" can be read by other users") != 1 || !strings.Contains(stderr, "chmod 600") {
			t.Errorf("qcli %s: exit %d, stderr %q; want one warning", strings.Join(argv, " "), code, stderr)
		}
	}
	if _, stderr, code := e.mustRunCtx(t, "configure", "set", "console_api_key", "k2"); code != 0 {
		t.Fatalf("configure set: %s", stderr)
	}
	if fi, err := os.Stat(creds); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials after configure set: %v %v", fi.Mode(), err)
	}
	if _, stderr, _ := e.mustRunCtx(t, "s3", "ls"); strings.Contains(stderr, "warning") {
		t.Errorf("a 0600 file still warns: %s", stderr)
	}
}
