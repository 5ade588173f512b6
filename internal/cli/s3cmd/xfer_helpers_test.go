package s3cmd_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
)

// Small parts keep the tests fast; the emulator accepts 1 KiB parts and
// the test knob lets qcli use them.
var small = []string{"--part-size", "4096", "--multipart-threshold", "8192"}

// xferEnv is a clitest environment with bucket "bkt" and small parts allowed.
func xferEnv(t *testing.T) *clitest.Env {
	t.Helper()
	e := clitest.New(t)
	e.Vars[s3cmd.MinPartSizeEnv] = "1024"
	if err := e.Client().CreateBucket(context.Background(), "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

// args appends the small-part flags to a command line.
func args(a ...string) []string { return append(a, small...) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// object reads an object with the raw SDK, as another client would.
func object(t *testing.T, e *clitest.Env, key string) []byte {
	t.Helper()
	out, err := e.Server.S3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	defer out.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(out.Body)
	return b.Bytes()
}

func keys(t *testing.T, e *clitest.Env, prefix string) []string {
	t.Helper()
	var out []string
	for o, err := range e.Client().List(context.Background(), "bkt", prefix) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Key)
	}
	return out
}

func openUploads(t *testing.T, e *clitest.Env) int {
	t.Helper()
	n := 0
	for _, err := range e.Client().ListMultipartUploads(context.Background(), "bkt", "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// runCtx runs a command line in-process under ctx, which the test may
// cancel as Ctrl-C would.
func runCtx(ctx context.Context, e *clitest.Env, stdin string, argv ...string) clitest.Result {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e.Vars[k] }, StartEmbedded: embedded.Start}
	defer f.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	code := root.Run(ctx, f, argv)
	return clitest.Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// flagFactory is a factory over fake streams, for flag-parsing tests that
// never reach runX.
func flagFactory(e *clitest.Env) *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e.Vars[k] }}
}
