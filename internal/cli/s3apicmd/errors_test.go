package s3apicmd_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

// Every bad input is one line naming the flag and what to do, with the
// AWS CLI's exit codes: 252 for a value, 2 for a command line that does
// not parse, 254 for what the service refused; nothing is sent for a bad
// value.
func TestBadInputs(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3api", "create-bucket", "--bucket", "bkt")
	missing := filepath.Join(t.TempDir(), "missing")
	for _, c := range []struct {
		args []string
		code int
		says []string
	}{
		{[]string{"put-bucket-website", "--bucket", "bkt"}, 252, []string{"--website-configuration is required"}},
		{[]string{"put-object-tagging"}, 252, []string{"--bucket, --key, --tagging are required"}},
		{[]string{"put-bucket-website", "--bucket", "bkt", "--website-configuration", `{"IndexDocument":{"Suffx":"x"}}`}, 252,
			[]string{"--website-configuration: IndexDocument.Suffx: is not a member of IndexDocument; its members are Suffix", "--generate-cli-skeleton"}},
		{[]string{"put-bucket-website", "--bucket", "bkt", "--website-configuration", `{"IndexDocument":`}, 252,
			[]string{"--website-configuration: not valid JSON"}},
		{[]string{"put-bucket-website", "--bucket", "bkt", "--website-configuration", `{"RoutingRules":[{}]}`}, 252,
			[]string{"--website-configuration: RoutingRules[0].Redirect is required"}},
		{[]string{"put-bucket-website", "--bucket", "bkt", "--website-configuration", "IndexDocument={Suffix=[a]}"}, 252,
			[]string{"--website-configuration: IndexDocument.Suffix: want a string"}},
		{[]string{"put-object-retention", "--bucket", "bkt", "--key", "k", "--retention", "Mode=GOVERNANCE,RetainUntilDate=soon"}, 252,
			[]string{"--retention: RetainUntilDate:", "is not a timestamp"}},
		{[]string{"put-bucket-versioning", "--bucket", "bkt", "--versioning-configuration", "Status=Enabled,Status=Suspended"}, 252,
			[]string{"--versioning-configuration:", `key "Status" appears twice`}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--max-keys", "many"}, 252, []string{`--max-keys: want an integer, got "many"`}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--prefix", "a", "--prefix", "b"}, 252, []string{"--prefix: given 2 times"}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--fetch-owner", "--no-fetch-owner"}, 252, []string{"--fetch-owner: given with --no-fetch-owner"}},
		{[]string{"list-objects-v2", "--bucket", "Bad_Bucket"}, 252, []string{`--bucket: invalid bucket name "Bad_Bucket"`}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--max-items", "2", "--no-paginate"}, 252, []string{"--max-items", "--no-paginate"}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--max-items", "2", "--max-keys", "2"}, 252, []string{"--max-items", "--max-keys"}},
		{[]string{"list-objects-v2", "--bucket", "bkt", "--starting-token", "bm90IGEgdG9rZW4="}, 252, []string{"--starting-token", "is not a token"}},
		{[]string{"put-object", "--bucket", "bkt", "--key", "k", "--body", missing}, 252, []string{"--body " + missing, "no such file"}},
		{[]string{"put-object", "--bucket", "bkt", "--key", "k", "--body", t.TempDir()}, 252, []string{"is not a regular file"}},
		{[]string{"copy-object", "--bucket", "bkt", "--key", "k", "--copy-source", "nokey"}, 252, []string{"--copy-source", "BUCKET/KEY"}},
		{[]string{"get-object-attributes", "--bucket", "bkt", "--key", "k", "--object-attributes", `["ETag"`}, 252, []string{"--object-attributes: not valid JSON"}},
		{[]string{"list-buckets", "--cli-input-json", `{"MaxBuckets":"ten"}`}, 252, []string{"--cli-input-json: MaxBuckets: want an integer"}},
		{[]string{"list-buckets", "--generate-cli-skeleton", "yaml"}, 252, []string{`--generate-cli-skeleton "yaml"`}},
		{[]string{"--output", "table", "list-buckets"}, 252, []string{"JSON only", "drop --output table"}},
		{[]string{"list-buckets", "--bogus"}, 2, []string{"unknown flag: --bogus"}},
		{[]string{"list-buckets", "extra"}, 2, []string{"takes no arguments"}},
		{[]string{"get-object", "--bucket", "bkt", "--key", "k"}, 2, []string{"needs an OUTFILE"}},
		{[]string{"no-such-operation"}, 2, []string{"unknown command"}},
		{[]string{"get-object-tagging", "--bucket", "nobucket", "--key", "k"}, 254, []string{"GetObjectTagging", "NoSuchBucket"}},
		{[]string{"head-object", "--bucket", "bkt", "--key", "missing"}, 254, []string{"HeadObject", "NoSuchKey"}},
	} {
		args := c.args
		if args[0] != "--output" {
			args = append([]string{"s3api"}, args...)
		} else {
			args = append([]string{args[0], args[1], "s3api"}, args[2:]...)
		}
		r := e.Run("", args...)
		line := strings.TrimSuffix(r.Stderr, "\n")
		if r.Code != c.code || strings.Contains(line, "\n") || !strings.HasPrefix(line, "qcli: ") || r.Stdout != "" {
			t.Errorf("qcli %s: exit %d, stdout %q, stderr %q; want exit %d and one line", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr, c.code)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(line, s) {
				t.Errorf("qcli %s: %q does not say %q", strings.Join(args, " "), line, s)
			}
		}
	}
}

// A get-object whose answer breaks off leaves OUTFILE as it was.
func TestGetObjectWritesWholeOrNothing(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3api", "create-bucket", "--bucket", "bkt")
	e.Put("bkt", map[string]string{"k": strings.Repeat("x", 100000)})
	dst := filepath.Join(t.TempDir(), "out")
	os.WriteFile(dst, []byte("before"), 0o644)
	e.Server.Emulator.SetFault(faults.TruncateBody(100, 1000, func(r *http.Request) bool { return r.Method == http.MethodGet }))
	r := e.Run("", "s3api", "get-object", "--bucket", "bkt", "--key", "k", dst)
	if r.Code == 0 {
		t.Fatalf("a truncated answer succeeded: %s", r.Stdout)
	}
	if data, _ := os.ReadFile(dst); string(data) != "before" {
		t.Errorf("OUTFILE holds %d bytes after a failed get-object", len(data))
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".out.qcli-*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
