package quicksynccmd_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

// newEnv is a clitest environment using the emulator's QuickSync API.
func newEnv(t *testing.T) *clitest.Env {
	return clitest.New(t).UseQuickSync()
}

// login joins the emulator's session with the password on stdin.
func login(t *testing.T, e *clitest.Env) clitest.Result {
	t.Helper()
	r := e.Run(clitest.QuickSyncPassword+"\n", "quicksync", "login", "--session", clitest.QuickSyncSession, "--password-stdin")
	if r.Code != 0 {
		t.Fatalf("login: exit %d: %s", r.Code, r.Stderr)
	}
	return r
}

func writeData(t *testing.T, path string, n int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return data
}

// noSecrets fails when any output holds the token or the password.
func noSecrets(t *testing.T, e *clitest.Env, rs ...clitest.Result) {
	t.Helper()
	creds, _ := os.ReadFile(filepath.Join(e.Dir, "credentials"))
	token := regexp.MustCompile(`quicksync_token\s*=\s*(\S+)`).FindSubmatch(creds)
	for _, r := range rs {
		for _, secret := range []string{clitest.QuickSyncPassword, string(token[1])} {
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Errorf("output leaks %q:\n%s%s", secret, r.Stdout, r.Stderr)
			}
		}
	}
}

// The whole flow over TLS: login, a multi-part upload, ls with the
// decrypted name, info, url, a byte-identical download, rm.
func TestQuickSyncFlow(t *testing.T) {
	e := newEnv(t)
	rLogin := login(t, e)
	if !strings.Contains(rLogin.Stdout, "Joined QuickSync session") {
		t.Errorf("login said %q", rLogin.Stdout)
	}
	if fi, err := os.Stat(filepath.Join(e.Dir, "credentials")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "holiday photos.tar")
	data := writeData(t, src, 5000)

	up := e.MustRun("quicksync", "upload", src, "--part-size", "1KiB", "--concurrency", "3")
	key := strings.TrimSpace(up.Stdout)
	if key == "" || strings.Contains(key, "\n") {
		t.Fatalf("upload printed %q", up.Stdout)
	}
	if strings.Contains(up.Stderr, "\r") {
		t.Errorf("carriage returns on a pipe: %q", up.Stderr)
	}

	ls := e.MustRun("quicksync", "ls")
	if !regexp.MustCompile(key + `\s+5000\s+5\s+true\s+\S+\s+holiday photos.tar\n`).MatchString(ls.Stdout) {
		t.Errorf("ls:\n%s", ls.Stdout)
	}
	info := e.MustRun("quicksync", "info", key)
	for _, want := range []string{"File key:       " + key, "Name:           holiday photos.tar", "Parts:          5", "Completed:      true"} {
		if !strings.Contains(info.Stdout, want) {
			t.Errorf("info lacks %q:\n%s", want, info.Stdout)
		}
	}
	url := strings.TrimSpace(e.MustRun("quicksync", "url", key).Stdout)
	if !strings.HasPrefix(url, e.Server.URL+"/") {
		t.Errorf("url %q", url)
	}
	// Into a directory: the file gets its decrypted name.
	out := t.TempDir()
	dl := e.MustRun("quicksync", "download", key, "-o", out)
	got, err := os.ReadFile(filepath.Join(out, "holiday photos.tar"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes (%v), identical %v", len(got), err, bytes.Equal(got, data))
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("download left %d entries behind", len(entries))
	}
	if dl.Stdout != "download: "+key+" to "+filepath.Join(out, "holiday photos.tar")+"\n" {
		t.Errorf("download printed %q", dl.Stdout)
	}
	if rm := e.MustRun("quicksync", "rm", key); rm.Stdout != "delete: "+key+"\n" {
		t.Errorf("rm printed %q", rm.Stdout)
	}
	if ls := e.MustRun("quicksync", "ls"); ls.Stdout != "" {
		t.Errorf("ls after rm: %q", ls.Stdout)
	}
	noSecrets(t, e, rLogin, up, ls, info, dl)
}

// --progress bar draws on stderr and leaves stdout to the results.
func TestQuickSyncProgressBar(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	src := filepath.Join(t.TempDir(), "bar.bin")
	writeData(t, src, 4000)
	r := e.MustRun("quicksync", "upload", src, "--part-size", "1KiB", "--progress", "bar")
	if !regexp.MustCompile(`^[0-9a-f]+\n$`).MatchString(r.Stdout) || !strings.Contains(r.Stderr, "object") {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	key := strings.TrimSpace(r.Stdout)
	r = e.MustRun("quicksync", "download", key, "-o", filepath.Join(t.TempDir(), "x"), "--progress", "bar")
	if !strings.HasPrefix(r.Stdout, "download: "+key) || !strings.Contains(r.Stderr, "object") {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
}

func TestQuickSyncJSONOutput(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	src := filepath.Join(t.TempDir(), "a.bin")
	data := writeData(t, src, 3000)
	r := e.MustRun("--output", "json", "quicksync", "upload", src, "--name", "renamed.bin", "--part-size", "1024")
	var up struct {
		File, Name, UploadID, FileKey string
		Size                          int64
		Parts                         int
	}
	if err := json.Unmarshal([]byte(r.Stdout), &up); err != nil || up.Name != "renamed.bin" || up.Size != 3000 || up.Parts != 3 || up.UploadID == "" || up.File != src {
		t.Fatalf("upload json %q: %+v %v", r.Stdout, up, err)
	}
	if r.Stderr != "" {
		t.Errorf("progress with --output json: %q", r.Stderr)
	}
	var f struct {
		FileKey, Name, FileName string
		Size                    int64
		Completed               bool
	}
	ls := e.MustRun("--output", "json", "quicksync", "ls")
	if err := json.Unmarshal([]byte(ls.Stdout), &f); err != nil || f.FileKey != up.FileKey || f.Name != "renamed.bin" || !f.Completed {
		t.Errorf("ls json %q: %+v %v", ls.Stdout, f, err)
	}
	if name, err := quicksync.DecryptName(f.FileName, clitest.QuickSyncSession); err != nil || name != "renamed.bin" {
		t.Errorf("stored name decrypts to %q, %v", name, err)
	}
	dl := e.MustRun("--output", "json", "quicksync", "download", up.FileKey, "-o", "-")
	if !bytes.HasPrefix([]byte(dl.Stdout), data) {
		t.Errorf("download to stdout differs")
	}
}

func TestQuickSyncWithoutLoginSaysToLogIn(t *testing.T) {
	e := newEnv(t)
	r := e.Run("", "quicksync", "ls")
	if r.Code != 253 || !strings.Contains(r.Stderr, "run `qcli quicksync login --session ID`") {
		t.Errorf("exit %d: %s", r.Code, r.Stderr)
	}
	e.Vars["QCLI_QUICKSYNC_TOKEN"] = "made-up-token-1234567890"
	r = e.Run("", "quicksync", "ls")
	if r.Code != 254 || !strings.Contains(r.Stderr, "run `qcli quicksync login`") || strings.Contains(r.Stderr, "made-up-token") {
		t.Errorf("rejected token: exit %d: %s", r.Code, r.Stderr)
	}
}

func TestQuickSyncExpiredStoredTokenSaysToLogInAgain(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	e.MustRun("configure", "set", "quicksync_token_expiry", "2001-02-03T04:05:06Z")
	r := e.Run("", "quicksync", "ls")
	if r.Code != 253 || !strings.Contains(r.Stderr, "expired") || !strings.Contains(r.Stderr, "run `qcli quicksync login`") {
		t.Errorf("exit %d: %s", r.Code, r.Stderr)
	}
	// login without --session joins the stored session again.
	r = e.Run("", "quicksync", "login")
	if r.Code != 252 || !strings.Contains(r.Stderr, "--password-stdin") {
		t.Errorf("login without a password: exit %d: %s", r.Code, r.Stderr)
	}
	e.Vars["QCLI_QUICKSYNC_PASSWORD"] = clitest.QuickSyncPassword
	e.MustRun("quicksync", "login")
	e.MustRun("quicksync", "ls")
}

func TestQuickSyncLoginFailures(t *testing.T) {
	e := newEnv(t)
	r := e.Run("wrong-password\n", "quicksync", "login", "--session", clitest.QuickSyncSession, "--password-stdin")
	if r.Code != 254 || !strings.Contains(r.Stderr, "check the session ID and password") || strings.Contains(r.Stderr, "wrong-password") {
		t.Errorf("wrong password: exit %d: %s", r.Code, r.Stderr)
	}
	if r := e.Run("", "quicksync", "login"); r.Code != 252 || !strings.Contains(r.Stderr, "--session") {
		t.Errorf("no session: exit %d: %s", r.Code, r.Stderr)
	}
	if r := e.Run("\n", "quicksync", "login", "--session", "s", "--password-stdin"); r.Code != 252 || !strings.Contains(r.Stderr, "empty") {
		t.Errorf("empty password: exit %d: %s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(e.Dir, "credentials")); !os.IsNotExist(err) {
		t.Errorf("a failed login wrote credentials: %v", err)
	}
}

func TestQuickSyncUploadRefusesBadFilesBeforeUploading(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	writeData(t, good, 10)
	empty := filepath.Join(dir, "empty.bin")
	writeData(t, empty, 0)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{good, filepath.Join(dir, "missing")}, "missing: no such file"},
		{[]string{good, empty}, "empty.bin is empty: QuickSync stores files of 1 byte or more"},
		{[]string{dir}, "is not a regular file"},
	} {
		r := e.Run("", append([]string{"quicksync", "upload"}, tc.args...)...)
		if r.Code != 252 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d: %s", tc.args, r.Code, r.Stderr)
		}
	}
	if ls := e.MustRun("quicksync", "ls"); ls.Stdout != "" {
		t.Errorf("something was uploaded:\n%s", ls.Stdout)
	}
}

func TestQuickSyncUploadFlagErrors(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{
		{"a", "b", "--name", "x"},
		{"a", "--concurrency", "0"},
		{"a", "--part-size", "lots"},
		{"a", "--progress", "fancy"},
		{"a", "--concurrency", "1001"},
	} {
		if r := e.Run("", append([]string{"quicksync", "upload"}, args...)...); r.Code != 252 {
			t.Errorf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
	}
	if r := e.Run("", "quicksync", "upload"); r.Code != 2 {
		t.Errorf("no file: exit %d", r.Code)
	}
}

// A part that keeps failing is retried, then the upload fails naming the
// file and the part, and the unfinished upload is deleted.
func TestQuickSyncFailingPartIsNamedAndCleanedUp(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	src := filepath.Join(t.TempDir(), "f.bin")
	writeData(t, src, 3000)
	e.Server.Emulator.SetFault(faults.FailTimes(100, http.StatusServiceUnavailable, "SlowDown", nil, func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.Header.Get("partNumber") == "2"
	}))
	r := e.Run("", "quicksync", "upload", src, "--part-size", "1024")
	if r.Code != 1 || !strings.Contains(r.Stderr, src) || !strings.Contains(r.Stderr, "failed at part 2 of 3") ||
		!strings.Contains(r.Stderr, "was deleted") || strings.Count(r.Stderr, "qcli:") != 1 {
		t.Errorf("exit %d: %s", r.Code, r.Stderr)
	}
	e.Server.Emulator.SetFault(nil)
	if ls := e.MustRun("quicksync", "ls"); ls.Stdout != "" {
		t.Errorf("left behind:\n%s", ls.Stdout)
	}
}

func TestQuickSyncRejectedCompleteFailsTheUpload(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	src := filepath.Join(t.TempDir(), "f.bin")
	writeData(t, src, 100)
	e.Server.Emulator.SetFault(faults.FailTimes(1, http.StatusBadRequest, "InvalidPart", nil, func(r *http.Request) bool {
		return strings.HasSuffix(r.URL.Path, "/complete")
	}))
	r := e.Run("", "quicksync", "upload", src)
	if r.Code != 1 || !strings.Contains(r.Stderr, "failed at complete") || !strings.Contains(r.Stderr, "was deleted") {
		t.Errorf("exit %d: %s", r.Code, r.Stderr)
	}
}

// When even the clean-up fails, the error says how to clean up.
func TestQuickSyncLeftoverUploadNamesTheCleanUp(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	src := filepath.Join(t.TempDir(), "f.bin")
	writeData(t, src, 100)
	e.Server.Emulator.SetFault(faults.FailTimes(100, http.StatusBadGateway, "BadGateway", nil, func(r *http.Request) bool {
		return r.Method == http.MethodPut || r.Method == http.MethodDelete
	}))
	r := e.Run("", "quicksync", "upload", src)
	m := regexp.MustCompile("run `qcli quicksync rm (\\w+)`|delete it with `qcli quicksync rm (\\w+)`").FindStringSubmatch(r.Stderr)
	if r.Code != 1 || m == nil {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	e.Server.Emulator.SetFault(nil)
	key := m[1] + m[2]
	if ls := e.MustRun("quicksync", "ls"); !strings.Contains(ls.Stdout, key) || !strings.Contains(ls.Stdout, "false") {
		t.Errorf("ls:\n%s", ls.Stdout)
	}
	if r := e.Run("", "quicksync", "download", key); r.Code != 254 || !strings.Contains(r.Stderr, "qcli quicksync rm "+key) {
		t.Errorf("download of an unfinished upload: exit %d: %s", r.Code, r.Stderr)
	}
	e.MustRun("quicksync", "rm", key)
}

func TestQuickSyncMissingFileIDs(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	for _, cmd := range []string{"info", "rm", "url", "download"} {
		if r := e.Run("", "quicksync", cmd, "nope"); r.Code != 254 || !strings.Contains(r.Stderr, "HTTP 404") {
			t.Errorf("%s: exit %d: %s", cmd, r.Code, r.Stderr)
		}
	}
}

func TestQuickSyncDebugTraceHasNoSecrets(t *testing.T) {
	e := newEnv(t)
	r1 := e.Run(clitest.QuickSyncPassword+"\n", "--debug", "quicksync", "login", "--session", clitest.QuickSyncSession, "--password-stdin")
	r2 := e.Run("", "--debug", "quicksync", "ls")
	if r1.Code != 0 || r2.Code != 0 || !strings.Contains(r2.Stderr, "Authorization: [REDACTED]") {
		t.Fatalf("exit %d/%d:\n%s", r1.Code, r2.Code, r2.Stderr)
	}
	noSecrets(t, e, r1, r2)
	if strings.Contains(r1.Stdout+r1.Stderr+r2.Stderr, clitest.QuickSyncSession) {
		t.Error("the session ID is printed")
	}
}

func TestQuickSyncEndpointFlag(t *testing.T) {
	e := newEnv(t)
	login(t, e)
	good := e.Vars["QCLI_QUICKSYNC_ENDPOINT"]
	e.Vars["QCLI_QUICKSYNC_ENDPOINT"] = "https://127.0.0.1:1"
	e.MustRun("--quicksync-endpoint", good, "quicksync", "ls")
	list := e.MustRun("--quicksync-endpoint", good, "configure", "list").Stdout
	if !strings.Contains(list, "--quicksync-endpoint") {
		t.Errorf("configure list:\n%s", list)
	}
}
