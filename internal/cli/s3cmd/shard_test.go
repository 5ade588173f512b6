package s3cmd_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

func TestShardFlagsRefuseBadValues(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a"), []byte("a"))
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--shard", "4/4"}, "invalid --shard 4/4: the index must be 0 to 3"},
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--shard", "0/0"}, "invalid --shard 0/0: the count must be 1 or more"},
		{[]string{"s3", "sync", dir, "s3://bkt/", "--shard", "x/2"}, `invalid --shard x/2: the index "x" is not a number`},
		{[]string{"s3", "rm", "--recursive", "s3://bkt/", "--shard", "-1/3"}, "invalid --shard -1/3: the index must be 0 to 2"},
		{[]string{"s3", "mv", "--recursive", "s3://bkt/", dir, "--shard", "2"}, "invalid --shard 2: want I/N"},
		{[]string{"s3", "cp", filepath.Join(dir, "a"), "s3://bkt/a", "--shard", "0/2"}, "--shard splits a tree: use it with --recursive"},
		{[]string{"s3", "rm", "s3://bkt/a", "--shard", "0/2"}, "--shard splits a tree"},
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--shard", "auto/4"}, "neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set"},
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--shard-depth", "2"}, "--shard-depth applies with --shard"},
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--shard", "0/2", "--shard-depth", "-1"}, "invalid --shard-depth -1"},
		{[]string{"s3", "cp", "--recursive", dir, "s3://bkt/", "--list-concurrency", "0"}, "invalid --list-concurrency 0: use 1 to 1000"},
		{[]string{"s3", "ls", "--recursive", "s3://bkt/", "--list-concurrency", "1001"}, "invalid --list-concurrency 1001"},
	} {
		r := e.Run("", c.argv...)
		if r.Code != 252 || len(lines(r.Stderr)) != 1 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 252 and one line saying %q", c.argv, r.Code, r.Stderr, c.want)
		}
	}
	if got := keys(t, e, ""); len(got) != 0 {
		t.Errorf("refused commands stored %v", got)
	}
}

// shardDir is a tree whose files spread over shards.
func shardDir(t *testing.T) (string, []string) {
	dir := t.TempDir()
	var rels []string
	for i := range 10 {
		for _, rel := range []string{fmt.Sprintf("d%d/f", i), fmt.Sprintf("top%d", i)} {
			writeFile(t, filepath.Join(dir, filepath.FromSlash(rel)), []byte(rel))
			rels = append(rels, rel)
		}
	}
	slices.Sort(rels)
	return dir, rels
}

// runShards runs argv with --shard i/n for every i at once, in-process,
// and returns each shard's result.
func runShards(t *testing.T, e *clitest.Env, n int, argv ...string) []clitest.Result {
	t.Helper()
	out := make([]clitest.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = e.Run("", append(slices.Clone(argv), "--shard", fmt.Sprintf("%d/%d", i, n))...)
		}()
	}
	wg.Wait()
	for i, r := range out {
		if r.Code != 0 {
			t.Fatalf("shard %d/%d of %v: exit %d, %s", i, n, argv, r.Code, r.Stderr)
		}
	}
	return out
}

// shardLines decodes the shards' --output json lines, checking that each
// names its shard, and returns each action's source (or dest) by type.
func shardLines(t *testing.T, results []clitest.Result, field string) (names map[string][]string, summaries int) {
	t.Helper()
	names = map[string][]string{}
	for i, r := range results {
		for _, v := range jsonLines(t, r.Stdout) {
			if v["shard"] != fmt.Sprintf("%d/%d", i, len(results)) {
				t.Errorf("shard %d printed %v", i, v)
			}
			if v["type"] == "summary" {
				summaries++
				continue
			}
			names[v["type"].(string)] = append(names[v["type"].(string)], v[field].(string))
		}
	}
	for _, list := range names {
		slices.Sort(list)
	}
	return names, summaries
}

func prefixed(prefix string, rels []string) []string {
	out := make([]string, len(rels))
	for i, rel := range rels {
		out[i] = prefix + rel
	}
	return out
}

// Three `qcli s3` processes (here in-process, at once), each given its
// shard, do the whole job exactly once: each object appears in exactly
// one shard's output, for cp up, down and across, sync --delete, mv and
// rm, and each JSON line and summary names its shard.
func TestShardsOfACommandDoTheJobOnce(t *testing.T) {
	e := xferEnv(t)
	dir, rels := shardDir(t)
	const n = 3
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: shards did\n%v\nwant each once\n%v", what, got, want)
		}
	}
	json := func(argv ...string) []string {
		if argv[1] != "rm" {
			argv = args(argv...)
		}
		return append([]string{"--output", "json"}, argv...)
	}

	names, sums := shardLines(t, runShards(t, e, n, json("s3", "cp", "--recursive", dir, "s3://bkt/up/")...), "dest")
	check("upload", names["upload"], prefixed("s3://bkt/up/", rels))
	if sums != n {
		t.Errorf("%d summaries from %d shards", sums, n)
	}
	out := t.TempDir()
	names, _ = shardLines(t, runShards(t, e, n, json("s3", "cp", "--recursive", "s3://bkt/up/", out)...), "source")
	check("download", names["download"], prefixed("s3://bkt/up/", rels))
	names, _ = shardLines(t, runShards(t, e, n, json("s3", "cp", "--recursive", "s3://bkt/up/", "s3://bkt/cp/")...), "dest")
	check("copy", names["copy"], prefixed("s3://bkt/cp/", rels))

	e.Put("bkt", map[string]string{"cp/extra": "x", "cp/d3/extra": "x"})
	writeFile(t, filepath.Join(dir, "d3", "f"), []byte("changed"))
	names, _ = shardLines(t, runShards(t, e, n, json("s3", "sync", dir, "s3://bkt/cp/", "--delete")...), "source")
	check("sync deletions", names["delete"], []string{"s3://bkt/cp/d3/extra", "s3://bkt/cp/extra"})
	check("sync uploads", names["upload"], []string{filepath.Join(dir, "d3", "f")})

	names, _ = shardLines(t, runShards(t, e, n, json("s3", "mv", "--recursive", "s3://bkt/cp/", "s3://bkt/mv/")...), "dest")
	check("move", names["move"], prefixed("s3://bkt/mv/", rels))
	names, _ = shardLines(t, runShards(t, e, n, json("s3", "rm", "--recursive", "s3://bkt/")...), "source")
	check("rm", names["delete"], append(prefixed("s3://bkt/mv/", rels), prefixed("s3://bkt/up/", rels)...))
	if left := keys(t, e, ""); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// Text lines, stdout and stderr alike, and the final error start with the
// shard; --shard auto/N takes the index from a Kubernetes Indexed Job's
// environment.
func TestShardTextLinesNameTheShard(t *testing.T) {
	e := xferEnv(t)
	dir, _ := shardDir(t)
	e.Vars["JOB_COMPLETION_INDEX"] = "1"
	r := e.MustRun(args("s3", "cp", "--recursive", dir, "s3://bkt/", "--shard", "auto/2", "--progress", "log")...)
	if len(lines(r.Stdout)) == 0 {
		t.Fatal("shard 1/2 printed nothing")
	}
	for _, line := range lines(r.Stdout) {
		if !strings.HasPrefix(line, "[shard 1/2] upload: ") {
			t.Errorf("line %q", line)
		}
	}
	// A failure: the warning, the error line and the exit code.
	e.Vars["SLURM_ARRAY_TASK_ID"], e.Vars["JOB_COMPLETION_INDEX"] = "0", ""
	writeFile(t, filepath.Join(dir, "d0", "g"), []byte("g"))
	r = e.Run("", args("s3", "cp", "--recursive", "s3://bkt/", dir, "--shard", "auto/1", "--exclude", "*", "--include", "nothing")...)
	if r.Code != 0 || r.Stdout != "" {
		t.Errorf("shard 0/1 (the whole job) with nothing to do: exit %d, %q", r.Code, r.Stdout)
	}
	e.Put("bkt", map[string]string{"d0/../../escape": "x"})
	owner := -1
	for i := range 2 {
		r = e.Run("", args("s3", "cp", "--recursive", "s3://bkt/", t.TempDir(), "--shard", fmt.Sprintf("%d/2", i))...)
		if r.Code == 2 {
			owner = i
			break
		}
	}
	if owner < 0 {
		t.Fatal("no shard skipped d0/../../escape")
	}
	tag := fmt.Sprintf("[shard %d/2] ", owner)
	errs := lines(r.Stderr)
	if len(errs) != 2 || !strings.HasPrefix(errs[0], tag+"warning: skipping s3://bkt/d0/../../escape") ||
		errs[1] != fmt.Sprintf("qcli: shard %d/2: 1 object was skipped", owner) {
		t.Errorf("stderr %q", r.Stderr)
	}
}
