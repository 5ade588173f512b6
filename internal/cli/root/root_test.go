package root_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

func TestVersion(t *testing.T) {
	e := clitest.New(t)
	if out := e.MustRun("version").Stdout; !strings.HasPrefix(out, "qcli "+client.Version+" (") {
		t.Errorf("version = %q", out)
	}
	if out := e.MustRun("--output", "json", "version").Stdout; !strings.Contains(out, `"version":"`+client.Version+`"`) {
		t.Errorf("json version = %q", out)
	}
	if out := e.MustRun("--version").Stdout; out != "qcli "+client.Version+"\n" {
		t.Errorf("--version = %q", out)
	}
}

func TestNoCommandIsAParseError(t *testing.T) {
	e := clitest.New(t)
	r := e.Run("", "s3")
	if r.Code != 2 || !strings.Contains(r.Stderr, "Usage:") || !strings.Contains(r.Stderr, "needs a subcommand") {
		t.Errorf("qcli s3: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if r := e.Run("", "completion", "tcsh"); r.Code != 252 {
		t.Errorf("completion tcsh: exit %d", r.Code)
	}
}

func TestDebugTraceOnStderrWithSecretsRedacted(t *testing.T) {
	e := clitest.New(t)
	e.Vars["QCLI_SESSION_TOKEN"] = "TOKEN-THAT-MUST-NOT-LEAK"
	r := e.Run("", "--debug", "s3", "mb", "s3://traced")
	// The emulator does not know session tokens, but the request is traced either way.
	if !strings.Contains(r.Stderr, "> PUT "+e.Server.URL+"/traced") || !strings.Contains(r.Stderr, "Authorization: [REDACTED]") {
		t.Errorf("no trace:\n%s", r.Stderr)
	}
	for _, secret := range []string{e.Server.SecretKey, "TOKEN-THAT-MUST-NOT-LEAK", "Signature="} {
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("output contains %q", secret)
		}
	}
}

// TestWrongSecretIsAServiceError: refused by the service; an s3 command
// exits 1 for it, as aws s3 does (cmdutil.S3Error).
func TestWrongSecretIsAServiceError(t *testing.T) {
	e := clitest.New(t)
	e.Vars["QCLI_SECRET_ACCESS_KEY"] = "not-the-secret"
	r := e.Run("", "s3", "ls")
	if r.Code != 1 || !strings.Contains(r.Stderr, "SignatureDoesNotMatch") || strings.Contains(r.Stderr, "not-the-secret") {
		t.Errorf("exit %d, %q", r.Code, r.Stderr)
	}
}

func TestUnreachableEndpointFailsInBoundedTime(t *testing.T) {
	e := clitest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Vars["QCLI_ENDPOINT_URL"] = "http://" + ln.Addr().String()
	ln.Close()
	start := time.Now()
	r := e.Run("", "s3", "ls")
	if r.Code != 255 || !strings.Contains(r.Stderr, "cannot reach") || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("exit %d, %q", r.Code, r.Stderr)
	}
	// max_attempts is 2 in the test profile and backoff is capped: well under the
	// test's own deadline, never a hang.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestLocalProfileRunsTheEmbeddedEmulator(t *testing.T) {
	e := clitest.New(t)
	e.Vars = map[string]string{"QCLI_CONFIG_DIR": t.TempDir()}
	e.MustRun("--profile", "local", "s3", "mb", "s3://newcomer")
	// A second process-like run sees the bucket: the data is on disk.
	if out := e.MustRun("--profile", "local", "s3", "ls").Stdout; !strings.HasSuffix(out, " newcomer\n") {
		t.Errorf("ls = %q", out)
	}
	e.MustRun("--profile", "local", "s3", "rb", "s3://newcomer")
	if out := e.MustRun("--profile", "local", "s3", "ls").Stdout; out != "" {
		t.Errorf("ls after rb = %q", out)
	}
}

func TestEndpointFromFlagBeatsEnvironment(t *testing.T) {
	e := clitest.New(t)
	good := e.Vars["QCLI_ENDPOINT_URL"]
	e.Vars["QCLI_ENDPOINT_URL"] = "https://127.0.0.1:1" // nothing there
	e.MustRun("--endpoint-url", good, "s3", "mb", "s3://by-flag", "--acl", "public-read", "--object-lock")
	if out := e.MustRun("--endpoint-url", good, "s3", "ls").Stdout; !strings.HasSuffix(out, " by-flag\n") {
		t.Errorf("ls = %q", out)
	}
}

// --sse with an optional value is the s3 group's rule (s3cmd.LineArgs):
// "qcli s3 cp f s3://b/k --sse" encrypts with AES256, while an s3api line
// keeps "--sse" as the value it is given. Before, the root rewrote every
// command's line, and s3api stored the key as "--sse=AES256".
func TestOptionalSSEValueIsTheS3GroupsRule(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://bkt")
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.MustRun("s3", "cp", file, "s3://bkt/k", "--sse")
	e.MustRun("s3api", "put-object", "--bucket", "bkt", "--body", file, "--key", "--sse")
	ctx := context.Background()
	if info, err := e.Client().HeadObject(ctx, client.HeadObjectInput{Bucket: "bkt", Key: "k"}); err != nil || info.SSE != client.SSEAES256 {
		t.Errorf("s3 cp --sse: %+v, %v; want %s", info.SSE, err, client.SSEAES256)
	}
	if _, err := e.Client().HeadObject(ctx, client.HeadObjectInput{Bucket: "bkt", Key: "--sse"}); err != nil {
		t.Errorf("s3api put-object --key --sse: %v; want the key --sse stored", err)
	}
}

// A shell's completion request (cobra's __complete) reads the line being
// completed as the command itself would: a bare --sse on an s3 line takes
// no value, so the word being typed after it is completed as a flag. The
// word being typed is left as it is (it is not --sse's value).
func TestCompletionReadsOptionalSSEValueAsTheS3GroupDoes(t *testing.T) {
	e := clitest.New(t)
	for _, line := range [][]string{
		{"__complete", "s3", "cp", "f", "s3://b/k", "--sse", "--rec"},
		{"__completeNoDesc", "--profile", "x", "s3", "cp", "f", "s3://b/k", "--sse-c", "--rec"},
	} {
		if out := e.MustRun(line...).Stdout; !strings.Contains(out, "--recursive") {
			t.Errorf("%q completes to %q; want --recursive", line, out)
		}
	}
	// The word being typed is never given to --sse as a value.
	if out := e.MustRun("__complete", "s3", "cp", "f", "s3://b/k", "--sse").Stdout; !strings.Contains(out, "--sse-kms-key-id") {
		t.Errorf("s3 cp ... --sse<TAB> completes to %q; want the flags starting --sse", out)
	}
}
