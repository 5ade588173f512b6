package reliability_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The cases of the local filesystem, names, the process's life and a dead
// endpoint (issue 10 parts 1, 5, 6 and 7). Each failed on the code before
// it: files outside the destination deleted, one object overwriting
// another, a temporary file uploaded, raw escape sequences printed, or a
// command waiting five minutes.

// symlink makes a symbolic link or skips the case where links cannot be made.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// gone fails t unless nothing is at path (a link itself included).
func gone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", path, err)
	}
}

// kept fails t unless the file at path holds want.
func kept(t *testing.T, path, want string) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("%s: %q, %v; want %q", path, got, err, want)
	}
}

// warned makes the table show a skip's first warning, which says why,
// rather than the count of skipped objects that ends the output.
func warned(o observed, stderr, dir string) observed {
	for line := range strings.Lines(stderr) {
		if strings.HasPrefix(line, "warning:") {
			o.said = strings.ReplaceAll(strings.TrimSpace(line), dir, "$TMP")
			break
		}
	}
	return o
}

var localCases = []semanticCase{{
	fault:   "a symbolic link in the destination points outside it, another to a directory inside it",
	command: "s3 sync s3://bkt/p/ $TMP/dst --delete",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		tree{"real/x": []byte("x")}.put(e, "p/")
		dir := t.TempDir()
		outside, dst := filepath.Join(dir, "outside"), filepath.Join(dir, "dst")
		tree{"victim.txt": []byte("precious")}.write(t, outside)
		tree{"real/x": []byte("x")}.write(t, dst)
		symlink(t, outside, filepath.Join(dst, "out"))
		symlink(t, filepath.Join(dst, "real"), filepath.Join(dst, "alias"))
		r := e.runSemantic(t, "s3", "sync", "s3://bkt/p/", dst, "--delete")
		kept(t, filepath.Join(outside, "victim.txt"), "precious")
		kept(t, filepath.Join(dst, "real", "x"), "x")
		gone(t, filepath.Join(dst, "out"))
		gone(t, filepath.Join(dst, "alias"))
		if n := strings.Count(r.Stdout, "delete:"); n != 2 {
			t.Errorf("%d deletions, want the 2 links:\n%s", n, r.Stdout)
		}
		return e.observe(t, r, 0, dir, "the two links deleted, nothing through them; the file outside and real/x kept")
	},
}, {
	fault:   "a moved tree holds a link to a directory elsewhere",
	command: "s3 mv --recursive $TMP/src s3://bkt/m/",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		dir := t.TempDir()
		outside, src := filepath.Join(dir, "outside"), filepath.Join(dir, "src")
		tree{"victim.txt": []byte("precious")}.write(t, outside)
		tree{"own.txt": []byte("mine")}.write(t, src)
		symlink(t, outside, filepath.Join(src, "ext"))
		r := e.runSemantic(t, "s3", "mv", "--recursive", src, "s3://bkt/m/")
		kept(t, filepath.Join(outside, "victim.txt"), "precious")
		gone(t, filepath.Join(src, "own.txt"))
		if keys := e.keys("m/"); strings.Join(keys, " ") != "m/ext/victim.txt m/own.txt" {
			t.Errorf("uploaded %v", keys)
		}
		return warned(e.observe(t, r, 2, dir, "both uploaded; own.txt removed, the file behind the link kept", "not removing"), r.Stderr, dir)
	},
}, {
	fault:   "keys land on one local path (dup//x, dup/./x and dup/x; a beside a/b)",
	command: "s3 cp --recursive s3://bkt/c/ $TMP/out",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		tree{"dup/./x": []byte("dot"), "dup//x": []byte("double"), "dup/x": []byte("plain"),
			"a": []byte("file a"), "a/b": []byte("under a")}.put(e, "c/")
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		r := e.runSemantic(t, "s3", "cp", "--recursive", "s3://bkt/c/", out)
		kept(t, filepath.Join(out, "dup", "x"), "plain")
		kept(t, filepath.Join(out, "a"), "file a")
		if n := strings.Count(r.Stderr, "would both be written to"); n != 3 {
			t.Errorf("%d collisions reported, want 3:\n%s", n, r.Stderr)
		}
		return warned(e.observe(t, r, 2, dir, "dup/x and a hold their own objects; the 3 others skipped, each naming the key kept",
			`"c/a/b" and "c/a"`), r.Stderr, dir)
	},
}, {
	fault:   "names hold escape sequences, CR and LF, a right-to-left override, C1 controls",
	command: "s3 ls s3://bkt/t/",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		for _, name := range hostileNames {
			tree{name: []byte(name)}.put(e, "t/")
		}
		r := e.runSemantic(t, "s3", "ls", "s3://bkt/t/")
		checkTerminalSafe(t, "ls", r.Stdout+r.Stderr)
		for _, escaped := range escapedMarkers {
			if !strings.Contains(r.Stdout, escaped) {
				t.Errorf("no %s in the listing:\n%s", escaped, r.Stdout)
			}
		}
		return e.observe(t, r, 0, "", fmt.Sprintf("%d names printed escaped; no raw control character", len(hostileNames)))
	},
}, {
	fault:   "kill -9 left a download's temporary file",
	command: "s3 sync $TMP/dir s3://bkt/up/, then s3 cp s3://bkt/new $TMP/dir/",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		tree{"new": []byte("new")}.put(e, "")
		dir := t.TempDir()
		dead := exec.Command(os.Args[0], "-test.run=^$")
		if err := dead.Run(); err != nil {
			t.Fatal(err)
		}
		temp := fmt.Sprintf(".big.bin.qcli-%d-1", dead.Process.Pid)
		tree{"file.txt": []byte("data"), temp: []byte("half a download")}.write(t, dir)
		r := e.runSemantic(t, "s3", "sync", dir, "s3://bkt/up/")
		if keys := e.keys("up/"); strings.Join(keys, " ") != "up/file.txt" || r.Code != 0 {
			t.Errorf("sync: exit %d, uploaded %v", r.Code, keys)
		}
		r = e.runSemantic(t, "s3", "cp", "s3://bkt/new", dir+string(filepath.Separator))
		gone(t, filepath.Join(dir, temp))
		return e.observe(t, r, 0, dir, "the temporary neither uploaded nor counted, then removed by the download")
	},
}, {
	fault:   "the endpoint accepts connections and never answers",
	command: "s3 ls, with max_attempts 50 and call_timeout 0.5s",
	run: func(t *testing.T) observed {
		e := newEnv(t)
		e.useSettings(t, "max_attempts = 50\nconnect_timeout = 0.2\nread_timeout = 0.2\ncall_timeout = 0.5\n")
		addr := newBlackHole(t)
		r := e.runAgainst(t, "https://"+addr, "s3", "ls")
		o := e.observe(t, r, 255, "", "ended on its own once its attempts had stalled for call_timeout", "stalled")
		o.said = strings.ReplaceAll(o.said, addr, "blackhole")
		return o
	},
}}
