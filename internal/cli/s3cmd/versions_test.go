package s3cmd_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// versionedBucket makes bucket "ver" with versioning on: k twice ("one",
// then "two"), then deleted (a delete marker), and dir/x; it returns k's
// versions and the marker's.
func versionedBucket(t *testing.T, e *clitest.Env) (v1, v2, marker string) {
	t.Helper()
	ctx := context.Background()
	c := e.Client()
	e.MustRun("s3", "mb", "s3://ver")
	if err := c.PutBucketVersioning(ctx, "ver", client.VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{"one", "two"} {
		out, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "ver", Key: "k", Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			v1 = out.VersionID
		} else {
			v2 = out.VersionID
		}
	}
	e.Put("ver", map[string]string{"dir/x": "x"})
	e.MustRun("s3", "rm", "s3://ver/k")
	for page, err := range c.ListObjectVersions(ctx, client.ListObjectVersionsInput{Bucket: "ver", Prefix: "k"}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			if v.DeleteMarker {
				marker = v.VersionID
			}
		}
	}
	if v1 == "" || v2 == "" || marker == "" {
		t.Fatalf("versions %q %q, marker %q", v1, v2, marker)
	}
	return v1, v2, marker
}

func TestLsVersions(t *testing.T) {
	e := clitest.New(t)
	v1, v2, marker := versionedBucket(t, e)
	date := `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`
	got := e.MustRun("s3", "ls", "--versions", "s3://ver", "--summarize").Stdout
	want := regexp.MustCompile(`^ +PRE dir/\n` +
		date + `     DELETE ` + regexp.QuoteMeta(marker) + ` +LATEST k\n` +
		date + `          3 ` + regexp.QuoteMeta(v2) + ` +k\n` +
		date + `          3 ` + regexp.QuoteMeta(v1) + ` +k\n` +
		`\nTotal Objects: 2\n   Total Size: 6\nDelete Markers: 1\n$`)
	if !want.MatchString(got) {
		t.Errorf("ls --versions printed\n%s", got)
	}
	if got := e.MustRun("s3", "ls", "--versions", "s3://ver/dir/", "--recursive").Stdout; !regexp.MustCompile(`^` + date + ` +1 \S+ +LATEST dir/x\n$`).MatchString(got) {
		t.Errorf("ls --versions of a prefix printed %q", got)
	}
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(e.MustRun("--output", "json", "s3", "ls", "--versions", "s3://ver", "--recursive", "--summarize").Stdout), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		types = append(types, v["type"].(string))
		switch v["type"] {
		case "delete_marker":
			if v["key"] != "k" || v["version_id"] != marker || v["is_latest"] != true || v["size"] != nil {
				t.Errorf("delete marker line %v", v)
			}
		case "version":
			if v["version_id"] == v1 && (v["is_latest"] != false || v["size"] != 3.0 || v["etag"] == "") {
				t.Errorf("version line %v", v)
			}
		case "summary":
			if v["objects"] != 3.0 || v["bytes"] != 7.0 || v["delete_markers"] != 1.0 {
				t.Errorf("summary line %v", v)
			}
		}
	}
	if strings.Join(types, ",") != "version,delete_marker,version,version,summary" {
		t.Errorf("JSON lines %v", types)
	}
	if r := e.MustRun("--output", "table", "s3", "ls", "--versions", "s3://ver/k"); !strings.Contains(r.Stdout, "LATEST") || !strings.Contains(r.Stdout, v1) {
		t.Errorf("table:\n%s", r.Stdout)
	}
	if r := e.Run("", "s3", "ls", "--versions", "s3://ver/nothing"); r.Code != 1 {
		t.Errorf("ls --versions of nothing: exit %d", r.Code)
	}
	if r := e.Run("", "s3", "ls", "--versions"); r.Code != 252 || !strings.Contains(r.Stderr, "--versions") {
		t.Errorf("ls --versions of the buckets: exit %d %s", r.Code, r.Stderr)
	}
}

func TestCpCatRmVersionID(t *testing.T) {
	e := clitest.New(t)
	v1, v2, marker := versionedBucket(t, e)
	dir := t.TempDir()
	dst := filepath.Join(dir, "got")
	if r := e.MustRun("s3", "cp", "--version-id", v1, "s3://ver/k", dst); !strings.Contains(r.Stdout, "download: s3://ver/k (version "+v1+") to ") {
		t.Errorf("cp --version-id printed %q", r.Stdout)
	}
	if data, _ := os.ReadFile(dst); string(data) != "one" {
		t.Errorf("cp --version-id %s wrote %q", v1, data)
	}
	if r := e.MustRun("s3", "cp", "--version-id", v1, "s3://ver/k", "-"); r.Stdout != "one" {
		t.Errorf("cp --version-id to stdout wrote %q", r.Stdout)
	}
	if r := e.MustRun("s3", "cat", "--version-id", v2, "s3://ver/k"); r.Stdout != "two" {
		t.Errorf("cat --version-id wrote %q", r.Stdout)
	}
	e.MustRun("s3", "cp", "--version-id", v1, "s3://ver/k", "s3://ver/restored")
	if got, err := e.Client().Download(context.Background(), "ver", "restored"); err != nil || string(got) != "one" {
		t.Errorf("cp --version-id to S3: %q, %v", got, err)
	}
	for _, bad := range [][]string{
		{"cp", "--version-id", v1, dst, "s3://ver/k"},
		{"cp", "--version-id", v1, "--recursive", "s3://ver/", dir},
		{"rm", "--version-id", v1, "--recursive", "s3://ver/"},
		{"rm", "--version-id", v1, "s3://ver"},
	} {
		if r := e.Run("", append([]string{"s3"}, bad...)...); r.Code != 252 || !strings.Contains(r.Stderr, "--version-id") {
			t.Errorf("s3 %v: exit %d %q, want 252", bad, r.Code, r.Stderr)
		}
	}
	if r := e.Run("", "s3", "mv", "--version-id", v1, "s3://ver/k", dst); r.Code != 2 {
		t.Errorf("mv --version-id: exit %d, want 2 (mv has no such flag)", r.Code)
	}

	// Removing the delete marker brings k back; removing a version is for good.
	if r := e.MustRun("s3", "rm", "--version-id", marker, "s3://ver/k"); r.Stdout != "delete: s3://ver/k (version "+marker+")\n" {
		t.Errorf("rm --version-id printed %q", r.Stdout)
	}
	if r := e.MustRun("s3", "cat", "s3://ver/k"); r.Stdout != "two" {
		t.Errorf("k after its delete marker went: %q", r.Stdout)
	}
	r := e.MustRun("--output", "json", "s3", "rm", "--version-id", v1, "s3://ver/k")
	if !strings.Contains(r.Stdout, `"version_id":"`+v1+`"`) {
		t.Errorf("rm --version-id --output json printed %s", r.Stdout)
	}
	if r := e.Run("", "s3", "cat", "--version-id", v1, "s3://ver/k"); r.Code == 0 {
		t.Errorf("the deleted version can still be read: %q", r.Stdout)
	}
}
