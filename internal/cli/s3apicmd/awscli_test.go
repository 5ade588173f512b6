package s3apicmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// awsCLI runs `aws s3api ...` against env's endpoint with its keys; it
// skips the test when the AWS CLI is not installed.
func awsCLI(t *testing.T, env *clitest.Env, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI (aws) is not installed; this test compares qcli s3api's answers with aws s3api's")
	}
	home := t.TempDir()
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", env.Vars["QCLI_ENDPOINT_URL"], "s3api"}, args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID=" + env.Vars["QCLI_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + env.Vars["QCLI_SECRET_ACCESS_KEY"],
		"AWS_DEFAULT_REGION=q-world-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1",
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws s3api %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// serverEnv starts `qcli server` and an environment that reaches it.
func serverEnv(t *testing.T) *clitest.Env {
	banner := clitest.Serve(t)
	field := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(banner)
		if m == nil {
			t.Fatalf("no %s in the server's banner:\n%s", re, banner)
		}
		return m[1]
	}
	dir := t.TempDir()
	return &clitest.Env{T: t, Dir: dir, Vars: map[string]string{
		"QCLI_CONFIG_DIR": dir, "QCLI_ENDPOINT_URL": field(`emulator at (\S+)`),
		"QCLI_ACCESS_KEY_ID": field(`access key: (\S+)`), "QCLI_SECRET_ACCESS_KEY": field(`secret key: (\S+)`),
	}}
}

// TestSameAnswersAsTheAWSCLI runs the same operations with aws s3api and
// qcli s3api against `qcli server` and wants the same answers: the same members under the
// same names with the same values. Two differences are allowed: AWS CLI
// v1 prints timestamps as the wire had them (qcli as AWS CLI v2 does, so
// both are read as times), and it prints members the answer had empty or
// a paginator left null, which the Go SDK cannot tell from absent.
func TestSameAnswersAsTheAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed; this test compares qcli s3api's answers with aws s3api's")
	}
	env := serverEnv(t)
	body := filepath.Join(env.Dir, "body")
	os.WriteFile(body, []byte("locked"), 0o644)
	for _, args := range [][]string{
		{"create-bucket", "--bucket", "same"},
		{"put-bucket-versioning", "--bucket", "same", "--versioning-configuration", "Status=Enabled"},
		{"put-object", "--bucket", "same", "--key", "dir/a.txt", "--tagging", "k=v&k2=v2", "--metadata", "m=1"},
		{"put-object", "--bucket", "same", "--key", "dir/a.txt"},
		{"put-object", "--bucket", "same", "--key", "b.txt"},
		{"delete-object", "--bucket", "same", "--key", "b.txt"},
		{"create-bucket", "--bucket", "vault", "--object-lock-enabled-for-bucket"},
		{"put-object-lock-configuration", "--bucket", "vault", "--object-lock-configuration", "ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Years=1}}"},
		{"put-object", "--bucket", "vault", "--key", "k", "--body", body, "--checksum-algorithm", "SHA256", "--object-lock-legal-hold-status", "ON"},
	} {
		env.MustRun(append([]string{"s3api"}, args...)...)
	}
	for _, args := range [][]string{
		{"get-bucket-versioning", "--bucket", "same"},
		{"list-object-versions", "--bucket", "same", "--max-items", "2"}, // the NextToken too
		{"get-object-tagging", "--bucket", "same", "--key", "dir/a.txt"},
		{"get-object-attributes", "--bucket", "same", "--key", "dir/a.txt", "--object-attributes", "ETag", "Checksum", "ObjectSize"},
		{"head-object", "--bucket", "same", "--key", "dir/a.txt"},
		{"get-object-lock-configuration", "--bucket", "vault"},
		{"get-object-retention", "--bucket", "vault", "--key", "k"},
		{"get-object-legal-hold", "--bucket", "vault", "--key", "k"},
		{"head-object", "--bucket", "vault", "--key", "k"},
	} {
		ours := env.MustRun(append([]string{"s3api"}, args...)...).Stdout
		theirs := awsCLI(t, env, args...)
		got, want := normalize(t, ours), normalize(t, theirs)
		if want = dropEmpty(want, got); !reflect.DeepEqual(got, want) || got == nil {
			t.Errorf("s3api %s:\nqcli printed %s\naws printed %s", strings.Join(args, " "), ours, theirs)
		}
	}
}

var wireTimes = []string{time.RFC3339Nano, time.RFC1123, "2006-01-02T15:04:05.000Z"}

// normalize decodes an answer (nil for none), reading every timestamp as
// a time.
func normalize(t *testing.T, out string) any {
	t.Helper()
	if out == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			for _, layout := range wireTimes {
				if ts, err := time.Parse(layout, x); err == nil {
					return ts.UTC().Format(time.RFC3339Nano)
				}
			}
		}
		return v
	}
	return walk(v)
}

// dropEmpty removes from the AWS CLI's answer the members that are null,
// or empty strings qcli's lacks.
func dropEmpty(theirs, ours any) any {
	m, ok := theirs.(map[string]any)
	if !ok {
		return theirs
	}
	o, _ := ours.(map[string]any)
	for k, v := range m {
		if _, has := o[k]; v == nil || v == "" && !has {
			delete(m, k)
			continue
		}
		m[k] = dropEmpty(v, o[k])
	}
	return m
}
