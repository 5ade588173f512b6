package main_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
)

// These tests run the qcli binary as a subprocess (clitest.Binary): exit
// codes, stdout/stderr and stdin as a shell sees them.
func TestMain(m *testing.M) { clitest.Main(m) }

// server serves an in-memory emulator over plain HTTP, as `qcli server --memory` does.
func server(tb testing.TB) *embedded.Server {
	tb.Helper()
	s, err := embedded.Serve(embedded.Options{Addr: "127.0.0.1:0",
		Credentials: map[string]string{configure.LocalAccessKeyID: configure.LocalSecretAccessKey}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// qcli runs the binary with only the given environment (plus PATH/HOME).
func qcli(tb testing.TB, env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	cmd := exec.Command(clitest.Binary(tb), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + tb.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		tb.Fatal(err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

func envFor(s *embedded.Server, dir string) []string {
	return []string{"QCLI_CONFIG_DIR=" + dir, "AWS_ENDPOINT_URL=" + s.Endpoint,
		"AWS_ACCESS_KEY_ID=" + configure.LocalAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + configure.LocalSecretAccessKey}
}

func TestBinaryWithCIStyleEnvironment(t *testing.T) {
	s := server(t)
	env := envFor(s, t.TempDir())
	if out, errOut, code := qcli(t, env, "", "s3", "mb", "s3://ci-bucket"); code != 0 || out != "make_bucket: ci-bucket\n" {
		t.Fatalf("mb: exit %d, %q %q", code, out, errOut)
	}
	if out, _, code := qcli(t, env, "", "s3", "ls"); code != 0 || !strings.HasSuffix(out, " ci-bucket\n") {
		t.Errorf("ls: exit %d, %q", code, out)
	}
	if _, errOut, code := qcli(t, env, "", "s3", "ls", "s3://no-such-bucket"); code != 1 || !strings.HasPrefix(errOut, "qcli: ListObjectsV2 s3://no-such-bucket: NoSuchBucket") {
		t.Errorf("ls of a missing bucket: exit %d, %q", code, errOut)
	}
}

func TestBinaryExitCodes(t *testing.T) {
	env := []string{"QCLI_CONFIG_DIR=" + t.TempDir()}
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"s3", "ls", "s3:/bad"}, 252},
		{[]string{"s3", "nope"}, 2},
		{[]string{"--bogus"}, 2},
		{[]string{"s3", "ls"}, 253}, // no credentials anywhere
		{[]string{"--profile", "ghost", "s3", "ls"}, 253},
	}
	for _, tc := range cases {
		_, errOut, code := qcli(t, env, "", tc.args...)
		if code != tc.code {
			t.Errorf("qcli %s: exit %d, want %d (%s)", strings.Join(tc.args, " "), code, tc.code, errOut)
		}
		if code != 0 && (!strings.HasPrefix(errOut, "qcli: ") || strings.Count(errOut, "\n") != 1) {
			t.Errorf("qcli %s: stderr %q is not one qcli: line", strings.Join(tc.args, " "), errOut)
		}
	}
}

func TestBinaryConfigureFromPipe(t *testing.T) {
	dir := t.TempDir()
	env := []string{"QCLI_CONFIG_DIR=" + dir}
	if _, errOut, code := qcli(t, env, "AKIDPIPED00000000001\nsecret-from-pipe\n", "configure"); code != 0 {
		t.Fatalf("configure: exit %d, %s", code, errOut)
	}
	info, err := os.Stat(filepath.Join(dir, "credentials"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("credentials: %v %v", err, info)
	}
	out, _, _ := qcli(t, env, "", "configure", "list")
	if !strings.Contains(out, "****0001") || strings.Contains(out, "secret-from-pipe") {
		t.Errorf("configure list:\n%s", out)
	}
}

// BenchmarkLsProcess is the wall time of `qcli s3 ls s3://bucket` on a
// small bucket, process start included: what a user or a script waits for.
func BenchmarkLsProcess(b *testing.B) {
	s := server(b)
	env := envFor(s, b.TempDir())
	c, err := client.New(client.Config{Endpoint: s.Endpoint, Credentials: client.Credentials{AccessKeyID: configure.LocalAccessKeyID, SecretAccessKey: configure.LocalSecretAccessKey}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "bench", client.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		if _, err := c.Upload(ctx, "bench", fmt.Sprintf("file-%02d.txt", i), []byte("data")); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if out, errOut, code := qcli(b, env, "", "s3", "ls", "s3://bench"); code != 0 || strings.Count(out, "\n") != 20 {
			b.Fatalf("exit %d: %s %s", code, out, errOut)
		}
	}
}
