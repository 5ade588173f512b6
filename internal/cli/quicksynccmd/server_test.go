package quicksynccmd_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

func TestServerServesQuickSync(t *testing.T) {
	text := clitest.Serve(t, "--quicksync-session", "my-session", "--quicksync-password", "my-password")
	m := regexp.MustCompile(`quicksync:  (http://\S+)/v1 \(session: my-session, password: my-password\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("banner:\n%s", text)
	}
	e := clitest.New(t)
	e.Vars["QCLI_QUICKSYNC_ENDPOINT"] = m[1]
	r := e.Run("my-password\n", "quicksync", "login", "--session", "my-session", "--password-stdin")
	if r.Code != 0 {
		t.Fatalf("login: %s", r.Stderr)
	}
	if ls := e.MustRun("quicksync", "ls"); ls.Stdout != "" {
		t.Errorf("ls: %q", ls.Stdout)
	}
}

func TestServerGeneratesAQuickSyncSession(t *testing.T) {
	text := clitest.Serve(t)
	m := regexp.MustCompile(`session: (\S+), password: (\w{32})\)`).FindStringSubmatch(text)
	if m == nil || !strings.HasPrefix(m[1], "local-") {
		t.Fatalf("banner:\n%s", text)
	}
}
