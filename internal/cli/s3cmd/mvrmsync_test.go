package s3cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func TestMvEveryDirection(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	data := randomBytes(6 * 4096)
	writeFile(t, filepath.Join(dir, "f.bin"), data)
	r := e.MustRun(args("s3", "mv", filepath.Join(dir, "f.bin"), "s3://bkt/f.bin")...)
	if r.Stdout != "move: "+filepath.Join(dir, "f.bin")+" to s3://bkt/f.bin\n" {
		t.Errorf("mv printed %q", r.Stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "f.bin")); err == nil {
		t.Error("the moved file is still there")
	}
	e.MustRun(args("s3", "mv", "s3://bkt/f.bin", "s3://bkt/g.bin")...)
	e.MustRun(args("s3", "mv", "s3://bkt/g.bin", filepath.Join(dir, "back.bin"))...)
	if !bytes.Equal(readFile(t, filepath.Join(dir, "back.bin")), data) || len(keys(t, e, "")) != 0 {
		t.Errorf("after three moves: keys %v", keys(t, e, ""))
	}

	writeFile(t, filepath.Join(dir, "tree/a"), []byte("a"))
	writeFile(t, filepath.Join(dir, "tree/sub/b"), []byte("b"))
	r = e.MustRun(args("s3", "mv", "--recursive", filepath.Join(dir, "tree"), "s3://bkt/t/")...)
	if len(lines(r.Stdout)) != 2 || !strings.HasPrefix(r.Stdout, "move: ") {
		t.Errorf("recursive mv printed %q", r.Stdout)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "tree", "sub")); len(entries) != 0 {
		t.Error("sources left after a recursive move")
	}
	e.MustRun(args("s3", "mv", "--recursive", "s3://bkt/t/", "s3://bkt/u/")...)
	if got := keys(t, e, ""); !slices.Equal(got, []string{"u/a", "u/sub/b"}) {
		t.Errorf("keys after an S3 move %v", got)
	}
}

func TestMvKeepsTheSourceWhenTheCopyFails(t *testing.T) {
	e := xferEnv(t)
	path := filepath.Join(t.TempDir(), "f.bin")
	writeFile(t, path, randomBytes(6*4096))
	e.Server.Emulator.SetFault(faults.FailTimes(1000, http.StatusInternalServerError, "InternalError", nil, nil))
	if r := e.Run("", args("s3", "mv", path, "s3://bkt/f.bin")...); r.Code != 1 {
		t.Errorf("exit %d", r.Code)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error("the source of a failed move was removed")
	}
}

func TestRm(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"one": "1", "d/a.txt": "a", "d/b.log": "b", "d/sub/c.txt": "c", "keep": "k"})
	if r := e.MustRun("s3", "rm", "s3://bkt/one"); r.Stdout != "delete: s3://bkt/one\n" {
		t.Errorf("rm printed %q", r.Stdout)
	}
	r := e.MustRun("s3", "rm", "--recursive", "s3://bkt/d", "--exclude", "*.log", "--dryrun")
	if r.Stdout != "(dryrun) delete: s3://bkt/d/a.txt\n(dryrun) delete: s3://bkt/d/sub/c.txt\n" || len(keys(t, e, "d/")) != 3 {
		t.Errorf("dry run printed %q", r.Stdout)
	}
	e.MustRun("s3", "rm", "--recursive", "s3://bkt/d", "--exclude", "*.log")
	if got := keys(t, e, ""); !slices.Equal(got, []string{"d/b.log", "keep"}) {
		t.Errorf("left %v", got)
	}
	if r := e.Run("", "s3", "rm", "s3://bkt"); r.Code != 252 {
		t.Errorf("rm of a bucket without --recursive: exit %d", r.Code)
	}
}

func TestSyncEveryDirection(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("a"))
	writeFile(t, filepath.Join(dir, "sub/b.bin"), randomBytes(4*4096))
	if r := e.MustRun(args("s3", "sync", dir, "s3://bkt/s")...); len(lines(r.Stdout)) != 2 {
		t.Errorf("first sync printed %q", r.Stdout)
	}
	if r := e.MustRun(args("s3", "sync", dir, "s3://bkt/s")...); r.Stdout != "" {
		t.Errorf("a second sync copied: %q", r.Stdout)
	}
	os.Remove(filepath.Join(dir, "a.txt"))
	r := e.MustRun(args("s3", "sync", dir, "s3://bkt/s", "--delete", "--dryrun")...)
	if r.Stdout != "(dryrun) delete: s3://bkt/s/a.txt\n" {
		t.Errorf("dry run printed %q", r.Stdout)
	}
	e.MustRun(args("s3", "sync", dir, "s3://bkt/s/", "--delete")...)
	if got := keys(t, e, "s/"); !slices.Equal(got, []string{"s/sub/b.bin"}) {
		t.Errorf("after --delete: %v", got)
	}

	out := t.TempDir()
	e.MustRun(args("s3", "sync", "s3://bkt/s", out)...)
	if !bytes.Equal(readFile(t, filepath.Join(out, "sub/b.bin")), readFile(t, filepath.Join(dir, "sub/b.bin"))) {
		t.Error("S3 to local sync differs")
	}
	if r := e.MustRun(args("s3", "sync", "s3://bkt/s", out, "--exact-timestamps")...); r.Stdout != "" {
		t.Errorf("re-sync to local copied %q", r.Stdout)
	}
	e.MustRun(args("s3", "sync", "s3://bkt/s", "s3://bkt/mirror")...)
	if got := keys(t, e, "mirror/"); !slices.Equal(got, []string{"mirror/sub/b.bin"}) {
		t.Errorf("S3 to S3 sync %v", got)
	}
	if r := e.Run("", "s3", "sync", dir, t.TempDir()); r.Code != 252 {
		t.Errorf("local to local sync: exit %d", r.Code)
	}
}

func TestSyncSizeOnlyAndTimestamps(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	writeFile(t, path, []byte("one"))
	e.MustRun("s3", "sync", dir, "s3://bkt/")
	writeFile(t, path, []byte("two")) // same size
	future := time.Now().Add(time.Hour)
	os.Chtimes(path, future, future)
	if r := e.MustRun("s3", "sync", dir, "s3://bkt/", "--size-only"); r.Stdout != "" {
		t.Errorf("--size-only copied %q", r.Stdout)
	}
	if r := e.MustRun("s3", "sync", dir, "s3://bkt/"); !strings.HasPrefix(r.Stdout, "upload: ") || string(object(t, e, "f")) != "two" {
		t.Errorf("a newer same-size file was not copied: %q", r.Stdout)
	}
}

func TestCatAndStat(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"k.txt": "contents"})
	if r := e.MustRun("s3", "cat", "s3://bkt/k.txt"); r.Stdout != "contents" {
		t.Errorf("cat printed %q", r.Stdout)
	}
	if r := e.Run("", "s3", "cat", "s3://bkt/nope"); r.Code != 1 {
		t.Errorf("cat of a missing key: exit %d", r.Code)
	}
	r := e.MustRun("s3", "stat", "s3://bkt/k.txt")
	for _, want := range []string{"Name:                        s3://bkt/k.txt\n", "Size:                        8\n", "ETag:"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stat lacks %q:\n%s", want, r.Stdout)
		}
	}
	r = e.MustRun("--output", "json", "s3", "stat", "s3://bkt/k.txt")
	var info map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil || info["size"] != 8.0 || info["key"] != "k.txt" {
		t.Errorf("stat json %q", r.Stdout)
	}
	if r := e.MustRun("--output", "table", "s3", "stat", "s3://bkt/k.txt"); !strings.Contains(r.Stdout, "│ Size") {
		t.Errorf("stat table %q", r.Stdout)
	}
	if r := e.Run("", "s3", "stat", "s3://bkt/nope"); r.Code != 1 {
		t.Errorf("stat of a missing key: exit %d", r.Code)
	}
}

func TestTransferFlagParsing(t *testing.T) {
	e := xferEnv(t)
	var got *s3cmd.CpOptions
	cmd := s3cmd.NewCmdCp(flagFactory(e), func(_ context.Context, o *s3cmd.CpOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"a", "s3://bkt/", "--exclude", "*", "--include", "*.txt", "--exclude", "x*", "--recursive"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(got.Transfer.Rules) != 3 || !got.Transfer.Rules[1].Include || got.Transfer.Rules[2].Pattern != "x*" {
		t.Errorf("rules %+v", got.Transfer.Rules)
	}
	for _, bad := range [][]string{
		{"s3", "cp", "a", "s3://bkt/", "--part-size", "1MiB"},
		{"s3", "cp", "a", "s3://bkt/", "--part-size", "lots"},
		{"s3", "cp", "a", "s3://bkt/", "--progress", "loud"},
		{"s3", "cp", "a", "s3://bkt/", "--concurrency", "0"},
		{"s3", "cp", "a", "b"},
		{"s3", "cp", "-", "s3://bkt/", "--recursive"},
		{"s3", "cp", "s3://bkt/x", "-", "--metadata", "novalue"},
		{"s3", "cp", "x", "s3://bkt/x", "--sse-c-key", "short"},
	} {
		e.Vars[s3cmd.MinPartSizeEnv] = ""
		if r := e.Run("", bad...); r.Code != 252 {
			t.Errorf("qcli %s: exit %d (%s), want 252", strings.Join(bad, " "), r.Code, r.Stderr)
		}
	}
}
