package consolecmd_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
)

// qcli runs one command line against a plain environment.
func qcli(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	env["QCLI_CONFIG_DIR"] = t.TempDir()
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }}
	code = root.Run(t.Context(), f, args)
	return out.String(), errOut.String(), code
}

// qcli server serves the console on its S3 address: the endpoint and the
// key are all a client needs, whether the key was given or generated.
func TestServerServesTheConsole(t *testing.T) {
	for _, args := range [][]string{{"--console-api-key", "given-key-123"}, nil} {
		out := clitest.Serve(t, args...)
		m := regexp.MustCompile(`QCLI_CONSOLE_ENDPOINT=(\S+) QCLI_CONSOLE_API_KEY=(\S+) qcli console stats`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("banner lacks the console line:\n%s", out)
		}
		endpoint, key := m[1], m[2]
		if args != nil && key != "given-key-123" || args == nil && !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(key) {
			t.Errorf("key %q (args %v)", key, args)
		}
		stdout, stderr, code := qcli(t, map[string]string{"QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_CONSOLE_API_KEY": key}, "console", "stats")
		if code != 0 || !strings.Contains(stdout, "credentials:       1") {
			t.Errorf("console stats: exit %d\n%s%s", code, stdout, stderr)
		}
		_, stderr, code = qcli(t, map[string]string{"QCLI_CONSOLE_ENDPOINT": endpoint, "QCLI_CONSOLE_API_KEY": "guess"}, "console", "stats")
		if code != cmdutil.ExitService || !strings.Contains(stderr, "HTTP 403") {
			t.Errorf("wrong key: exit %d %s", code, stderr)
		}
	}
}
