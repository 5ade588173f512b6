package runcmd_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
)

// lineJSON is one object of `qcli run --output json`.
type lineJSON struct {
	Type     string            `json:"type"`
	Line     int               `json:"line"`
	Command  string            `json:"command"`
	ExitCode int               `json:"exit_code"`
	Error    string            `json:"error"`
	Output   []json.RawMessage `json:"output"`
	Text     []string          `json:"text"`
	// summary
	Lines, OK, Failed, Invalid int
	NotRun                     int `json:"not_run"`
}

// parseJSONLines reads run's JSON output: line objects by line number,
// and the summary, which must come last.
func parseJSONLines(t *testing.T, out string) (map[int]lineJSON, lineJSON) {
	t.Helper()
	byLine := map[int]lineJSON{}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	for i, row := range rows {
		var v lineJSON
		if err := json.Unmarshal([]byte(row), &v); err != nil {
			t.Fatalf("output line %q is not JSON: %v", row, err)
		}
		if v.Type == "summary" {
			if i != len(rows)-1 {
				t.Fatalf("summary is not last:\n%s", out)
			}
			return byLine, v
		}
		if v.Type != "line" {
			t.Fatalf("unexpected object %q", row)
		}
		byLine[v.Line] = v
	}
	t.Fatalf("no summary in:\n%s", out)
	return nil, lineJSON{}
}

func getObject(t *testing.T, c *client.Client, bucket, key string) (string, bool) {
	t.Helper()
	out, err := c.GetObject(context.Background(), client.GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		return "", false
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

func TestRunMixedBatch(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://src")
	e.Put("src", map[string]string{"a.txt": "alpha", "old report.pdf": "old", "b": "beta"})
	file := filepath.Join(t.TempDir(), "local file.txt")
	if err := os.WriteFile(file, []byte("from disk"), 0o600); err != nil {
		t.Fatal(err)
	}
	batch := strings.Join([]string{
		"# copy the lot",
		"s3 mb s3://dst",
		"",
		"s3 cp s3://src/a.txt s3://dst/a.txt",
		"cp 's3://src/old report.pdf' \"s3://dst/new report.pdf\"", // s3 left out, quoted
		"cp '" + file + "' s3://dst/uploaded",
		"rm s3://missing-bucket/x",
		"s3 rm 's3://src/old report.pdf'",
	}, "\n")
	// One line at a time: the bucket must exist before the copies into it.
	r := e.Run(batch, "run", "--concurrency", "1")
	if r.Code != cmdutil.ExitFailed {
		t.Fatalf("exit %d, want 1 (a line failed)\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"make_bucket: dst\n", "copy: s3://src/a.txt to s3://dst/a.txt\n",
		"copy: s3://src/old report.pdf to s3://dst/new report.pdf\n", "upload: " + file + " to s3://dst/uploaded\n",
		"delete: s3://src/old report.pdf\n"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if !strings.Contains(r.Stderr, "line 7 failed (exit 1): rm s3://missing-bucket/x: ") || !strings.Contains(r.Stderr, "NoSuchBucket") {
		t.Errorf("stderr does not name the failed line:\n%s", r.Stderr)
	}
	if !strings.HasSuffix(r.Stderr, "qcli: 1 of 6 lines failed\n") {
		t.Errorf("stderr does not end with the count of failures:\n%s", r.Stderr)
	}
	c := e.Client()
	for key, want := range map[string]string{"a.txt": "alpha", "new report.pdf": "old", "uploaded": "from disk"} {
		if got, ok := getObject(t, c, "dst", key); !ok || got != want {
			t.Errorf("dst/%s = %q, %v; want %q", key, got, ok, want)
		}
	}
	if _, ok := getObject(t, c, "src", "old report.pdf"); ok {
		t.Error("src/old report.pdf was not removed")
	}
}

func TestRunJSONLines(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://src")
	e.Put("src", map[string]string{"k": "v"})
	batch := "cp s3://src/k s3://src/k2\nrm s3://nope-bucket/k\nls s3://src\nversion\n"
	r := e.Run(batch, "--output", "json", "run", "--concurrency", "1") // ls after cp
	if r.Code != cmdutil.ExitFailed {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	lines, sum := parseJSONLines(t, r.Stdout)
	if sum.Lines != 4 || sum.OK != 3 || sum.Failed != 1 || sum.NotRun != 0 {
		t.Errorf("summary %+v", sum)
	}
	if l := lines[1]; l.Command != "cp s3://src/k s3://src/k2" || l.ExitCode != 0 || l.Error != "" || len(l.Output) != 2 ||
		!strings.Contains(string(l.Output[0]), `"dest":"s3://src/k2"`) {
		t.Errorf("line 1: %+v", l)
	}
	if l := lines[2]; l.ExitCode != cmdutil.ExitFailed || !strings.Contains(l.Error, "NoSuchBucket") {
		t.Errorf("line 2 should carry its failure: %+v", l)
	}
	if l := lines[3]; l.ExitCode != 0 || len(l.Output) != 2 { // k and k2, one object each
		t.Errorf("line 3: %+v", l)
	}
	if l := lines[4]; l.ExitCode != 0 || len(l.Output) != 1 || !strings.Contains(string(l.Output[0]), `"version"`) {
		t.Errorf("line 4: %+v", l)
	}
}

func TestRunChecksEveryLineBeforeRunningAny(t *testing.T) {
	e := clitest.New(t)
	batch := strings.Join([]string{
		"mb s3://made-too-early", // 1: fine, but must not run
		"cpx s3://a/k s3://b/k",  // 2: unknown command
		"cp s3://a/k",            // 3: one argument short
		"ls --no-such-flag",      // 4
		"cp 's3://a/k s3://b/k",  // 5: unclosed quote
		"# cp s3://a/k s3://b/k", // 6: a comment
		"run a.txt b.txt",        // 7: nested (refused before its arguments are counted)
		"server --memory",        // 8
		"configure",              // 9: interactive
		"--profile other ls",     // 10: one batch, one configuration
		"cat s3://a/k",           // 11
		"cp $HOME/x s3://a/x",    // 12: no expansion
		"s3",                     // 13: a group alone
		"sync --size-only --exact-timestamps a s3://b/", // 14: exclusive flags
		"cp - s3://a/k",                // 15: no stdin
		"ls --debug --region x s3://a", // 16
		"cp a s3://b/k --sse",          // 17: fine: --sse alone is AES256, as on the command line
	}, "\n")
	for _, format := range []string{"text", "json"} {
		r := e.Run(batch, "--output", format, "run")
		if r.Code != cmdutil.ExitParse {
			t.Fatalf("%s: exit %d, want 2\nstdout: %s\nstderr: %s", format, r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{
			`line 2 cannot run: cpx s3://a/k s3://b/k: unknown command "cpx"`,
			"line 3 cannot run: cp s3://a/k: qcli s3 cp needs a source and a destination",
			"line 4 cannot run: ls --no-such-flag: unknown flag: --no-such-flag",
			"line 5 cannot run: cp 's3://a/k s3://b/k: column 4: reached EOF without closing quote",
			"line 7 cannot run: run a.txt b.txt: qcli run cannot run in a batch: batches do not nest",
			"line 8 cannot run: server --memory: qcli server cannot run in a batch",
			"line 9 cannot run: configure: qcli configure cannot run in a batch",
			"line 10 cannot run: --profile other ls: --profile applies to the whole batch",
			"line 11 cannot run: cat s3://a/k: qcli s3 cat cannot run in a batch",
			"line 12 cannot run: cp $HOME/x s3://a/x: $HOME/x: a batch line is not expanded",
			"line 13 cannot run: s3: qcli s3 needs a subcommand",
			"line 14 cannot run: sync --size-only --exact-timestamps a s3://b/: if any flags in the group",
			"line 15 cannot run: cp - s3://a/k: qcli s3 cp with - cannot run in a batch",
			"line 16 cannot run: ls --debug --region x s3://a: --debug, --region applies to the whole batch",
			"qcli: 14 of 16 lines cannot run; nothing was run\n",
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", format, want, r.Stderr)
			}
		}
		if strings.Contains(r.Stderr, "line 1 ") || strings.Contains(r.Stderr, "line 6 ") || strings.Contains(r.Stderr, "line 17 ") {
			t.Errorf("%s: a good line or a comment was reported:\n%s", format, r.Stderr)
		}
		if format == "json" {
			lines, sum := parseJSONLines(t, r.Stdout)
			if len(lines) != 14 || lines[3].ExitCode != cmdutil.ExitParse || lines[3].Error == "" || sum.Invalid != 14 || sum.NotRun != 2 {
				t.Errorf("json: %d line objects, line 3 %+v, summary %+v", len(lines), lines[3], sum)
			}
		}
	}
	if err := e.Client().HeadBucket(context.Background(), "made-too-early"); err == nil {
		t.Error("the good line ran although the batch had bad lines")
	}
}

func TestRunReadsFileOrStdin(t *testing.T) {
	e := clitest.New(t)
	path := filepath.Join(t.TempDir(), "batch.txt")
	if err := os.WriteFile(path, []byte("mb s3://from-file\r\n"), 0o600); err != nil { // CRLF too
		t.Fatal(err)
	}
	if r := e.MustRun("run", path); r.Stdout != "make_bucket: from-file\n" {
		t.Errorf("run FILE printed %q", r.Stdout)
	}
	if r := e.Run("mb s3://from-stdin\n", "run", "-"); r.Code != 0 || r.Stdout != "make_bucket: from-stdin\n" {
		t.Errorf("run - : exit %d, %q %q", r.Code, r.Stdout, r.Stderr)
	}
	if r := e.Run("", "run"); r.Code != 0 || r.Stdout != "" {
		t.Errorf("an empty batch: exit %d, %q %q", r.Code, r.Stdout, r.Stderr)
	}
	r := e.Run("", "run", filepath.Join(t.TempDir(), "missing.txt"))
	if r.Code != cmdutil.ExitSyntax || !strings.Contains(r.Stderr, "cannot read the batch") {
		t.Errorf("a missing FILE: exit %d, %q", r.Code, r.Stderr)
	}
	if r := e.Run("", "run", "--concurrency", "0"); r.Code != cmdutil.ExitSyntax {
		t.Errorf("--concurrency 0: exit %d, %q", r.Code, r.Stderr)
	}
}

// frontDoor serves an emulator through a handler that counts requests in
// flight and a server that counts the TCP connections it accepts. hold
// requests are held until that many are in flight at once, so that a test
// can prove concurrency without timing: run one at a time, they never meet.
type frontDoor struct {
	next  http.Handler
	hold  int
	full  chan struct{} // closed when hold requests were in flight at once
	conns atomic.Int64

	mu        sync.Mutex
	inFlight  int
	maxFlight int
	arrived   int
}

func (d *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.inFlight++
	d.maxFlight = max(d.maxFlight, d.inFlight)
	d.arrived++
	held := d.arrived <= d.hold
	if d.inFlight == d.hold && d.full != nil {
		close(d.full)
		d.full = nil
	}
	full := d.full
	d.mu.Unlock()
	if held && full != nil {
		select {
		case <-full:
		case <-time.After(time.Minute): // a guard against a hang, not a measure: this fails the test below
		}
	}
	d.next.ServeHTTP(w, r)
	d.mu.Lock()
	d.inFlight--
	d.mu.Unlock()
}

// openFrontDoor puts a frontDoor before e's emulator and points e at it.
// httptest's TLS servers share one certificate, which e already trusts.
func openFrontDoor(t *testing.T, e *clitest.Env, hold int) *frontDoor {
	d := &frontDoor{next: e.Server.Emulator, hold: hold, full: make(chan struct{})}
	srv := httptest.NewUnstartedServer(d)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			d.conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short by srv.Close
	srv.StartTLS()
	t.Cleanup(srv.Close)
	e.Vars["QCLI_ENDPOINT_URL"] = srv.URL
	return d
}

func TestRunLinesRunConcurrentlyUpToTheLimit(t *testing.T) {
	e := clitest.New(t)
	const limit = 4
	d := openFrontDoor(t, e, limit)
	var batch strings.Builder
	for i := range 3 * limit {
		fmt.Fprintf(&batch, "mb s3://bucket-%02d\n", i) // one request a line
	}
	r := e.Run(batch.String(), "run", "--concurrency", fmt.Sprint(limit))
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.maxFlight != limit {
		t.Errorf("at most %d requests were in flight at once, want exactly --concurrency %d", d.maxFlight, limit)
	}
	if n := strings.Count(r.Stdout, "make_bucket: "); n != 3*limit {
		t.Errorf("%d buckets made, want %d:\n%s", n, 3*limit, r.Stdout)
	}
}

func TestRunSharesOneConnectionPool(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://src")
	e.Put("src", map[string]string{"k": "payload"})
	d := openFrontDoor(t, e, 0)
	const lines, limit = 100, 4
	var batch strings.Builder
	for i := range lines {
		fmt.Fprintf(&batch, "cp s3://src/k s3://src/copy-%03d\n", i)
	}
	r := e.Run(batch.String(), "run", "--concurrency", fmt.Sprint(limit))
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	// A client per line opens a connection per line. One pool opens about
	// one per line in flight, plus one now and then where a connection was
	// closed rather than pooled (a response body not read to its end), so
	// the bound is loose; it is far below one per line.
	if n := d.conns.Load(); n > lines/4 {
		t.Errorf("%d commands opened %d TCP connections; one shared pool needs about %d", lines, n, limit)
	}
	c := e.Client()
	for i := range lines {
		if got, ok := getObject(t, c, "src", fmt.Sprintf("copy-%03d", i)); !ok || got != "payload" {
			t.Fatalf("copy-%03d = %q, %v", i, got, ok)
		}
	}
}

func TestRunCtrlCStopsTheBatch(t *testing.T) {
	e := clitest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel as the first request arrives, and answer no request until
	// its client gives up: the lines in flight end interrupted and no
	// later line starts.
	var once sync.Once
	e.Server.Emulator.Observe(func(r *http.Request) {
		once.Do(cancel)
		<-r.Context().Done()
	})
	var batch strings.Builder
	for i := range 20 {
		fmt.Fprintf(&batch, "mb s3://bucket-%02d\n", i)
	}
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(batch.String())
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e.Vars[k] }}
	code := root.Run(ctx, f, []string{"--output", "json", "run", "--concurrency", "2"})
	if code != cmdutil.ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out, errOut)
	}
	lines, sum := parseJSONLines(t, out.String())
	if sum.Lines != 20 || sum.NotRun < 1 || sum.NotRun+len(lines) != 20 {
		t.Errorf("summary %+v with %d lines reported", sum, len(lines))
	}
	for _, l := range lines {
		if l.ExitCode != cmdutil.ExitInterrupted {
			t.Errorf("line %d: exit %d, want 130 (%s)", l.Line, l.ExitCode, l.Error)
		}
	}
}

func TestMain(m *testing.M) { clitest.Main(m) }

// TestRunProcessReadsAPipe runs the binary as a script would: the batch
// piped into stdin, JSON lines out, the exit status of the whole batch.
func TestRunProcessReadsAPipe(t *testing.T) {
	e := clitest.New(t)
	cmd := exec.Command(clitest.Binary(t), "--output", "json", "run", "--concurrency", "1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Dir}
	for k, v := range e.Vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader("mb s3://piped\n# then a failure\nrm s3://no-such-bucket/k\nls\n")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != cmdutil.ExitFailed {
		t.Fatalf("exit %v, want 1\nstdout: %s\nstderr: %s", err, out.String(), errOut.String())
	}
	lines, sum := parseJSONLines(t, out.String())
	if sum.Lines != 3 || sum.OK != 2 || sum.Failed != 1 || lines[3].ExitCode == 0 || lines[4].ExitCode != 0 || len(lines[4].Output) != 1 {
		t.Errorf("summary %+v, lines %+v", sum, lines)
	}
	if !strings.Contains(errOut.String(), "line 3 failed (exit 1): rm s3://no-such-bucket/k: ") {
		t.Errorf("stderr:\n%s", errOut.String())
	}
}
