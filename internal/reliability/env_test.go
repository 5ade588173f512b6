package reliability_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
)

// The client settings every run uses: few attempts, so that a fault that
// never ends fails quickly, and a read timeout no answer reaches even on a
// loaded machine under -race (a second was seen to expire there, failing
// cells whose fault was something else). The stall fault, which waits out
// the read timeout, runs with stallReadTimeout instead: short, since its
// cells wait it out up to maxAttempts times in a row, but a timeout that
// every request of the cell has, the ones the fault spares too. At 1s,
// with the machine's load at 20-30 on 2 cores, answers the emulator had
// sent within a millisecond were not read within it, 3 times in a row
// (the transcripts of 8 of 432 cells: "timeout awaiting response headers";
// "the fault never struck" where the listing before the data timed out;
// an upload left open where CreateMultipartUpload's answer came too late);
// at 5s the same load passed 3 runs of 3.
const (
	maxAttempts      = 3
	readTimeout      = 20 * time.Second
	stallReadTimeout = 5 * time.Second
	bucket           = "bkt"
)

// env is an emulator with bucket "bkt", a joined QuickSync session, and a
// qcli environment pointing at both with small parts allowed.
type env struct {
	*clitest.Env
	t  testing.TB
	c  *client.Client
	qs *quicksync.Client
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newWrappedEnv(t, nil)
}

// newWrappedEnv is newEnv with the emulator's handler passed through wrap,
// for a server that misbehaves.
func newWrappedEnv(t testing.TB, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	e := clitest.NewWrapped(t, wrap).UseQuickSync().UseConsole()
	e.Vars[s3cmd.MinPartSizeEnv] = "1024"
	writeConfig(t, e, readTimeout)
	c := e.Client()
	if err := c.CreateBucket(context.Background(), bucket, client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	qs, err := quicksync.New(quicksync.Config{Endpoint: e.Server.URL, RootCAs: e.Server.CertPool})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := qs.JoinSession(context.Background(), clitest.QuickSyncSession, clitest.QuickSyncPassword)
	if err != nil {
		t.Fatal(err)
	}
	e.Vars["QCLI_QUICKSYNC_TOKEN"] = sess.Token
	e.Vars["QCLI_QUICKSYNC_SESSION"] = clitest.QuickSyncSession
	return &env{Env: e, t: t, c: c, qs: qs.WithSession(sess)}
}

// writeConfig writes the default profile's settings: the emulator's CA,
// maxAttempts and read_timeout d.
func writeConfig(t testing.TB, e *clitest.Env, d time.Duration) {
	t.Helper()
	cfg := fmt.Sprintf("[default]\nca_bundle = %s\nmax_attempts = %d\nread_timeout = %s\n",
		filepath.Join(e.Dir, "ca.pem"), maxAttempts, d)
	if err := os.WriteFile(filepath.Join(e.Dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// withVars is a copy of e whose environment has vars on top of e's, for
// subtests that run in parallel.
func (e *env) withVars(vars map[string]string) *env {
	ce := *e.Env
	ce.Vars = maps.Clone(e.Vars)
	maps.Copy(ce.Vars, vars)
	c := *e
	c.Env = &ce
	return &c
}

// run executes a command line in-process under ctx, as the binary would
// (ctx stands for SIGINT and for the test's deadline).
func (e *env) run(ctx context.Context, stdin string, argv ...string) clitest.Result {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e.Vars[k] }, StartEmbedded: embedded.Start}
	defer f.Close()
	code := root.Run(ctx, f, argv)
	return clitest.Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// checkNoOpenUploads fails t when an upload was left open, or when the
// uploads could not be listed (the check would otherwise check nothing).
func (e *env) checkNoOpenUploads(t testing.TB) {
	t.Helper()
	if open, err := e.openUploads(); err != nil || len(open) > 0 {
		t.Errorf("uploads left open: %v %v", open, err)
	}
}

// openUploads lists the multipart uploads left in the bucket and the
// unfinished QuickSync uploads.
func (e *env) openUploads() ([]string, error) {
	ctx := context.Background()
	var open []string
	for u, err := range e.c.ListMultipartUploads(ctx, bucket, "") {
		if err != nil {
			return nil, err
		}
		open = append(open, "s3://"+bucket+"/"+u.Key)
	}
	files, err := e.qs.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !f.Completed {
			open = append(open, "quicksync "+f.FileKey)
		}
	}
	return open, nil
}
