package s3cmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// jsonLines parses output that must be JSON lines, one object each.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var docs []map[string]any
	for _, line := range lines(out) {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %q is not one JSON object: %v\n%s", line, err, out)
		}
		docs = append(docs, v)
	}
	return docs
}

// ofType picks the lines of a type.
func ofType(docs []map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if d["type"] == typ {
			out = append(out, d)
		}
	}
	return out
}

// jsonEverywhere sets JSON output in each of the three ways a user can.
var jsonEverywhere = []struct {
	name  string
	setup func(e *clitest.Env) []string // returns the leading arguments
}{
	{"flag", func(e *clitest.Env) []string { return []string{"--output", "json"} }},
	{"env", func(e *clitest.Env) []string { e.Vars["QCLI_OUTPUT"] = "json"; return nil }},
	{"profile", func(e *clitest.Env) []string {
		path := filepath.Join(e.Dir, "config")
		cfg, err := os.ReadFile(path)
		if err != nil {
			e.T.Fatal(err)
		}
		if err := os.WriteFile(path, append(cfg, "output = json\n"...), 0o600); err != nil {
			e.T.Fatal(err)
		}
		return nil
	}},
}

// Issue 11 A1: when stdout carries an object (cp ... -, cat), nothing else
// goes there, whichever way JSON output was chosen; a failure leaves stdout
// empty and says so on stderr.
func TestStdoutCarriesOnlyTheObject(t *testing.T) {
	for _, how := range jsonEverywhere {
		t.Run(how.name, func(t *testing.T) {
			e := xferEnv(t)
			data := randomBytes(3*4096 + 5) // in ranges, with the small parts
			e.Put("bkt", map[string]string{"obj": string(data)})
			lead := how.setup(e)
			for _, argv := range [][]string{args("s3", "cp", "s3://bkt/obj", "-"), args("s3", "cp", "s3://bkt/obj", "-", "--dryrun"),
				{"s3", "cat", "s3://bkt/obj"}} {
				r := e.MustRun(append(lead, argv...)...)
				if argv[len(argv)-1] == "--dryrun" {
					if r.Stdout != "" {
						t.Errorf("%v printed %q on stdout", argv, r.Stdout)
					}
					continue
				}
				if !bytes.Equal([]byte(r.Stdout), data) {
					t.Errorf("%v: stdout is %d bytes, not the object's %d (tail %q)", argv, len(r.Stdout), len(data), r.Stdout[max(0, len(r.Stdout)-80):])
				}
			}
			r := e.Run("", append(lead, "s3", "cp", "s3://bkt/missing", "-")...)
			if r.Code != 1 || r.Stdout != "" || !strings.Contains(r.Stderr, "NoSuchKey") {
				t.Errorf("failed cp to stdout: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
			}
		})
	}
}

// Issue 11 A2: a single-object cp's JSON summary counts what happened.
func TestCpSingleJSONSummary(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	writeFile(t, path, randomBytes(1234))
	summary := func(argv ...string) (map[string]any, []map[string]any, clitest.Result) {
		t.Helper()
		r := e.Run("", append([]string{"--output", "json"}, argv...)...)
		docs := jsonLines(t, r.Stdout)
		sums := ofType(docs, "summary")
		if len(sums) != 1 || docs[len(docs)-1]["type"] != "summary" {
			t.Fatalf("%v: want one summary, last: %s", argv, r.Stdout)
		}
		return sums[0], docs, r
	}
	want := func(what string, sum map[string]any, counts map[string]float64) {
		t.Helper()
		for k, v := range counts {
			if sum[k] != v {
				t.Errorf("%s: summary %s = %v, want %v (%v)", what, k, sum[k], v, sum)
			}
		}
	}
	sum, _, _ := summary("s3", "cp", path, "s3://bkt/f.bin")
	want("upload", sum, map[string]float64{"done": 1, "failed": 0, "bytes": 1234})
	sum, _, _ = summary("s3", "cp", "s3://bkt/f.bin", filepath.Join(dir, "back.bin"))
	want("download", sum, map[string]float64{"done": 1, "bytes": 1234})
	sum, _, _ = summary("s3", "cp", "s3://bkt/f.bin", "s3://bkt/g.bin")
	want("copy", sum, map[string]float64{"done": 1, "bytes": 1234})

	sum, docs, r := summary("s3", "cp", "s3://bkt/missing", "s3://bkt/h.bin")
	want("failed copy", sum, map[string]float64{"done": 0, "failed": 1, "bytes": 0})
	if r.Code != 1 || len(ofType(docs, "copy")) != 1 || ofType(docs, "copy")[0]["status"] != "failed" {
		t.Errorf("failed copy: exit %d, %s", r.Code, r.Stdout)
	}
	if strings.Count(r.Stderr, "NoSuchKey") != 1 {
		t.Errorf("the failure must be reported once on stderr: %q", r.Stderr)
	}

	sum, docs, _ = summary("s3", "cp", path, "s3://bkt/f.bin", "--no-overwrite")
	want("--no-overwrite", sum, map[string]float64{"done": 0, "unchanged": 1, "bytes": 0})
	if len(docs) != 1 {
		t.Errorf("--no-overwrite skip printed a transfer line: %v", docs)
	}

	for _, argv := range [][]string{{"s3", "cp", path, "s3://bkt/dry.bin", "--dryrun"},
		{"s3", "cp", "s3://bkt/f.bin", filepath.Join(dir, "dry.bin"), "--dryrun"},
		{"s3", "cp", "s3://bkt/f.bin", "s3://bkt/dry.bin", "--dryrun"}} {
		sum, docs, _ := summary(argv...)
		want("dry run", sum, map[string]float64{"done": 1, "bytes": 1234})
		if len(docs) != 2 || docs[0]["status"] != "dryrun" || docs[0]["size"] != 1234.0 {
			t.Errorf("%v: %v", argv, docs)
		}
	}
}

// Issue 11 A3: a file that cannot be opened in a tree is a warning naming
// it, with a JSON record, and exit 2. (Root opens any file; the transfer
// package's TestUploadTreeSkipsAFileThatCannotBeOpened covers it there.)
func TestTreeUploadWarnsAboutUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can open a file with mode 000")
	}
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.txt"), []byte("ok"))
	locked := filepath.Join(dir, "locked.txt")
	writeFile(t, locked, []byte("secret"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"cp", "sync"} {
		argv := []string{"--output", "json", "s3", cmd, dir, "s3://bkt/" + cmd + "/"}
		if cmd == "cp" {
			argv = append(argv, "--recursive")
		}
		r := e.Run("", argv...)
		docs := jsonLines(t, r.Stdout)
		skipped := 0
		for _, d := range docs {
			if d["status"] == "skipped" && d["source"] == locked && strings.Contains(d["error"].(string), "permission denied") {
				skipped++
			}
		}
		if r.Code != 2 || skipped != 1 || !strings.Contains(r.Stderr, "warning: skipping "+locked+": permission denied") {
			t.Errorf("%s: exit %d, stdout %s, stderr %q", cmd, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// Issue 11 B12: --quiet hides progress and per-object lines, never a
// command's result; an explicit --progress does not override it.
func TestQuietKeepsResults(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"k.txt": "contents"})
	for _, argv := range [][]string{{"s3", "presign", "s3://bkt/k.txt"}, {"s3", "stat", "s3://bkt/k.txt"},
		{"s3", "ls", "s3://bkt"}, {"s3", "ls"}, {"configure", "list"}, {"configure", "list-profiles"}} {
		loud := e.MustRun(argv...)
		quiet := e.MustRun(append([]string{"--quiet"}, argv...)...)
		if quiet.Stdout == "" || len(lines(quiet.Stdout)) != len(lines(loud.Stdout)) {
			t.Errorf("--quiet %v printed %q; without it %q", argv, quiet.Stdout, loud.Stdout)
		}
	}
	if url := e.MustRun("--quiet", "s3", "presign", "s3://bkt/k.txt").Stdout; !strings.HasPrefix(url, "https://") {
		t.Errorf("URL=$(qcli --quiet s3 presign ...) would be %q", url)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), []byte("a"))
	for _, progress := range []string{"bar", "log", "auto"} {
		r := e.MustRun(args("--quiet", "s3", "cp", "--recursive", dir, "s3://bkt/q/", "--progress", progress)...)
		if r.Stdout != "" || r.Stderr != "" {
			t.Errorf("--quiet --progress %s printed %q %q", progress, r.Stdout, r.Stderr)
		}
	}
	if r := e.MustRun("--quiet", "s3", "rb", "s3://bkt", "--force"); r.Stdout != "" {
		t.Errorf("rb --force --quiet printed %q", r.Stdout)
	}
}

// timestamp is the one form of a time in JSON output.
var timestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// Issue 11 B13: one schema family: every JSON document is one line, an
// object with a type; actions (cp, rm, rb, mb) share type, status and
// source; every time has the same fixed-width form.
func TestJSONSchemaFamily(t *testing.T) {
	e := xferEnv(t)
	e.Put("bkt", map[string]string{"a/1.txt": "one", "b.txt": "bee"})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "up.txt"), []byte("up"))
	j := func(argv ...string) []map[string]any {
		t.Helper()
		return jsonLines(t, e.MustRun(append([]string{"--output", "json"}, argv...)...).Stdout)
	}
	var all []map[string]any
	for _, argv := range [][]string{
		{"s3", "mb", "s3://other"},
		{"s3", "ls"}, {"s3", "ls", "s3://bkt", "--recursive", "--summarize"},
		{"s3", "stat", "s3://bkt/b.txt"},
		{"s3", "presign", "s3://bkt/b.txt"}, {"s3", "presign", "--post", "s3://bkt/b.txt"},
		{"s3", "cp", filepath.Join(dir, "up.txt"), "s3://other/up.txt"},
		{"s3", "rm", "s3://bkt/b.txt"},
		{"s3", "rb", "s3://other", "--force"},
		{"configure", "list"}, {"configure", "list-profiles"}, {"version"},
	} {
		docs := j(argv...)
		if len(docs) == 0 {
			t.Errorf("%v printed no JSON", argv)
		}
		for _, d := range docs {
			if s, _ := d["type"].(string); s == "" {
				t.Errorf("%v: a line without a type: %v", argv, d)
			}
		}
		all = append(all, docs...)
	}
	times := 0
	for _, d := range all {
		for _, field := range []string{"creation_date", "last_modified", "expires"} {
			if v, ok := d[field]; ok {
				times++
				if s, _ := v.(string); !timestamp.MatchString(s) {
					t.Errorf("%s %q of %v is not 2006-01-02T15:04:05.000Z", field, v, d["type"])
				}
			}
		}
	}
	if times < 5 {
		t.Errorf("only %d timestamps checked", times)
	}
	// Actions share type/status/source, whoever prints them.
	for _, typ := range []string{"make_bucket", "upload", "delete", "remove_bucket"} {
		docs := ofType(all, typ)
		if len(docs) == 0 {
			t.Errorf("no %s line", typ)
		}
		for _, d := range docs {
			if d["status"] != "done" || !strings.HasPrefix(d["source"].(string), "s3://") && typ != "upload" {
				t.Errorf("%s line %v", typ, d)
			}
			if _, old := d["action"]; old {
				t.Errorf("%s line has the old action/target shape: %v", typ, d)
			}
		}
	}
	if rb := ofType(all, "delete"); len(rb) != 2 || rb[1]["source"] != "s3://other/up.txt" {
		t.Errorf("rm and rb --force delete lines %v", rb)
	}
	if p := ofType(all, "profile"); len(p) == 0 || p[0]["name"] == "" {
		t.Errorf("configure list-profiles --output json: %v", p)
	}
	if s := ofType(all, "setting"); len(s) < 10 || s[1]["name"] != "access_key_id" || s[1]["source"] != "env" {
		t.Errorf("configure list --output json: %v", s)
	}
}
