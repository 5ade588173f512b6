package s3cmd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// These tests run the qcli binary, as a shell would: bytes piped through
// stdin and stdout, Ctrl-C, and kill -9.

// The binary is built once per test process (clitest.Binary).
func TestMain(m *testing.M) { clitest.Main(m) }

func processEnv(e *clitest.Env) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Dir}
	for k, v := range e.Vars {
		env = append(env, k+"="+v)
	}
	return env
}

func qcliCommand(bin string, e *clitest.Env, stdin []byte, argv ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(bin, argv...)
	cmd.Env = processEnv(e)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	return cmd, &out, &errOut
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ee != nil {
		if ee.ProcessState.ExitCode() == -1 {
			return -1 // killed by a signal
		}
		return ee.ExitCode()
	}
	return 0
}

func TestProcessPipesThroughStdinAndStdout(t *testing.T) {
	e := xferEnv(t)
	bin := clitest.Binary(t)
	data := randomBytes(11*4096 + 3)
	cmd, _, errOut := qcliCommand(bin, e, data, args("s3", "cp", "-", "s3://bkt/piped")...)
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("upload from stdin: exit %d, %s", code, errOut)
	}
	cmd, out, errOut := qcliCommand(bin, e, nil, args("s3", "cp", "s3://bkt/piped", "-")...)
	if code := exitCode(t, cmd.Run()); code != 0 || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("download to stdout: exit %d, %d bytes, %s", code, out.Len(), errOut)
	}
}

// blockPart holds the n-th part upload in the emulator until released (or
// the client hangs up), and signals when it has arrived.
func blockPart(e *clitest.Env, n int32) (arrived <-chan struct{}, release func()) {
	return blockRequest(e, n, func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.URL.Query().Has("partNumber")
	})
}

// blockRequest holds the n-th request accepted by match in the emulator
// until released (or the client hangs up), and signals when it has arrived.
func blockRequest(e *clitest.Env, n int32, match func(*http.Request) bool) (arrived <-chan struct{}, release func()) {
	arrive, rel := make(chan struct{}, 1), make(chan struct{})
	var count atomic.Int32
	e.Server.Emulator.Observe(func(r *http.Request) {
		if match(r) && count.Add(1) == n {
			arrive <- struct{}{}
			select {
			case <-rel:
			case <-r.Context().Done():
			}
		}
	})
	return arrive, func() { close(rel) }
}

// waitFor bounds a wait that should end at once, so a broken test fails
// instead of hanging; it is not used to order events.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestProcessCtrlC interrupts an upload, a download and a sync while a
// request hangs in the emulator, with SIGINT (Ctrl-C), SIGTERM (kill, a
// cancelled CI job) and SIGHUP (a closed terminal): each must exit 128 + the
// signal's number promptly (the bound is generous; a hang fails), abort its
// multipart upload and leave no temporary file in the destination.
func TestProcessCtrlC(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT, SIGTERM or SIGHUP on Windows")
	}
	e := xferEnv(t)
	bin := clitest.Binary(t)
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "big.bin"), randomBytes(10*4096))
	writeFile(t, filepath.Join(src, "tree", "small.txt"), []byte("small"))
	writeFile(t, filepath.Join(src, "tree", "big.bin"), randomBytes(10*4096))
	e.Put("bkt", map[string]string{"remote.bin": string(randomBytes(10 * 4096))})
	isPart := func(r *http.Request) bool { return r.Method == http.MethodPut && r.URL.Query().Has("partNumber") }
	isRange := func(r *http.Request) bool { return r.Method == http.MethodGet && r.Header.Get("Range") != "" }
	dst := t.TempDir()
	for _, tc := range []struct {
		name  string
		argv  []string
		block func(*http.Request) bool
	}{
		{"upload", []string{"s3", "cp", filepath.Join(src, "big.bin"), "s3://bkt/big.bin"}, isPart},
		{"download", []string{"s3", "cp", "s3://bkt/remote.bin", filepath.Join(dst, "remote.bin")}, isRange},
		{"sync", []string{"s3", "sync", filepath.Join(src, "tree"), "s3://bkt/tree/"}, isPart},
	} {
		for _, sig := range []struct {
			signal os.Signal
			code   int
		}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
			t.Run(tc.name+" "+sig.signal.String(), func(t *testing.T) {
				arrived, release := blockRequest(e, 3, tc.block)
				defer release()
				cmd, _, errOut := qcliCommand(bin, e, nil, args(append(tc.argv, "--concurrency", "1")...)...)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waitFor(t, arrived, "the third request")
				if err := cmd.Process.Signal(sig.signal); err != nil {
					t.Fatal(err)
				}
				if code := exitWithin(t, cmd, time.Minute); code != sig.code {
					t.Errorf("exit %d after %s, want %d: %s", code, sig.signal, sig.code, errOut)
				}
				if n := openUploads(t, e); n != 0 {
					t.Errorf("%d uploads left after %s", n, sig.signal)
				}
				if entries, _ := os.ReadDir(dst); len(entries) != 0 {
					t.Errorf("left in the destination: %v", entries)
				}
			})
		}
	}
}

// exitWithin waits for cmd and returns its exit code; a process still
// running after limit is killed and fails the test.
func exitWithin(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return exitCode(t, err)
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("still running %s after Ctrl-C", limit)
		return 0
	}
}

func TestProcessKilledUploadResumes(t *testing.T) {
	e := xferEnv(t)
	bin := clitest.Binary(t)
	path := filepath.Join(t.TempDir(), "big.bin")
	data := randomBytes(10*4096 + 99)
	writeFile(t, path, data)
	arrived, release := blockPart(e, 4)
	cmd, _, _ := qcliCommand(bin, e, nil, args("s3", "cp", path, "s3://bkt/big.bin", "--concurrency", "1")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, arrived, "the fourth part")
	if err := cmd.Process.Kill(); err != nil { // kill -9: no chance to abort
		t.Fatal(err)
	}
	_ = cmd.Wait()
	release()
	if n := openUploads(t, e); n != 1 {
		t.Fatalf("%d uploads open after kill -9, want the one to resume", n)
	}

	cmd, out, errOut := qcliCommand(bin, e, nil, args("--output", "json", "s3", "cp", path, "s3://bkt/big.bin")...)
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("resume: exit %d, %s", code, errOut)
	}
	var line struct {
		ResumedParts int `json:"resumed_parts"`
	}
	_ = json.Unmarshal([]byte(strings.SplitN(out.String(), "\n", 2)[0]), &line)
	if line.ResumedParts < 3 {
		t.Errorf("resumed %d parts, want at least 3: %s", line.ResumedParts, out)
	}
	if !bytes.Equal(object(t, e, "big.bin"), data) || openUploads(t, e) != 0 {
		t.Error("the resumed object differs, or an upload is left")
	}
	if states, _ := os.ReadDir(filepath.Join(e.Dir, "uploads")); len(states) != 0 {
		t.Errorf("resume state left behind: %v", states)
	}
}

// TestProcessKilledDownloadTemporaryIsSwept kills a download with kill -9,
// which leaves its temporary file: a recursive upload and a sync of that
// directory must neither upload nor count it, and the next download into
// the directory removes it, its process being gone.
func TestProcessKilledDownloadTemporaryIsSwept(t *testing.T) {
	e := xferEnv(t)
	bin := clitest.Binary(t)
	e.Put("bkt", map[string]string{"remote.bin": string(randomBytes(10 * 4096)), "next.txt": "next"})
	dst := t.TempDir()
	writeFile(t, filepath.Join(dst, "mine.txt"), []byte("mine"))
	arrived, release := blockRequest(e, 3, func(r *http.Request) bool { return r.Method == http.MethodGet && r.Header.Get("Range") != "" })
	cmd, _, _ := qcliCommand(bin, e, nil, args("s3", "cp", "s3://bkt/remote.bin", filepath.Join(dst, "remote.bin"), "--concurrency", "1")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, arrived, "the third ranged GET")
	if err := cmd.Process.Kill(); err != nil { // kill -9: no chance to clean up
		t.Fatal(err)
	}
	_ = cmd.Wait()
	release()
	temps, _ := filepath.Glob(filepath.Join(dst, ".remote.bin.qcli-*"))
	if len(temps) != 1 {
		t.Fatalf("temporaries after kill -9: %v, want the one left behind", temps)
	}

	for _, argv := range [][]string{
		{"s3", "cp", dst, "s3://bkt/up/", "--recursive"},
		{"s3", "sync", dst, "s3://bkt/sync/"},
	} {
		cmd, out, errOut := qcliCommand(bin, e, nil, args(argv...)...)
		if code := exitCode(t, cmd.Run()); code != 0 || strings.Contains(out.String()+errOut.String(), ".qcli-") {
			t.Errorf("%s: exit %d, %s %s; want mine.txt alone uploaded", strings.Join(argv, " "), code, out, errOut)
		}
	}
	if got := keys(t, e, ""); !slices.Equal(got, []string{"next.txt", "remote.bin", "sync/mine.txt", "up/mine.txt"}) {
		t.Errorf("keys %v: a temporary was uploaded", got)
	}

	cmd, _, errOut := qcliCommand(bin, e, nil, args("s3", "cp", "s3://bkt/next.txt", filepath.Join(dst, "next.txt"))...)
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("next download: exit %d, %s", code, errOut)
	}
	if temps, _ := filepath.Glob(filepath.Join(dst, ".*.qcli-*")); len(temps) != 0 {
		t.Errorf("the next download left %v", temps)
	}
}
