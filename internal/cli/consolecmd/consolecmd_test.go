package consolecmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// jsonOut runs a command line with --output json and decodes stdout.
func jsonOut(t *testing.T, e *clitest.Env, v any, args ...string) {
	t.Helper()
	r := e.MustRun(append(args, "--output", "json")...)
	if err := json.Unmarshal([]byte(r.Stdout), v); err != nil {
		t.Fatalf("qcli %s: %v in %s", strings.Join(args, " "), err, r.Stdout)
	}
}

// wantFail checks a command line fails with code and a one-line message
// holding every part.
func wantFail(t *testing.T, e *clitest.Env, code int, args []string, parts ...string) {
	t.Helper()
	r := e.Run("", args...)
	if r.Code != code {
		t.Fatalf("qcli %s: exit %d, want %d\nstderr: %s", strings.Join(args, " "), r.Code, code, r.Stderr)
	}
	if strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 || !strings.HasPrefix(r.Stderr, "qcli: ") {
		t.Errorf("qcli %s: stderr is not one line: %q", strings.Join(args, " "), r.Stderr)
	}
	for _, p := range parts {
		if !strings.Contains(r.Stderr, p) {
			t.Errorf("qcli %s: stderr %q lacks %q", strings.Join(args, " "), r.Stderr, p)
		}
	}
}

func wantLines(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks %q:\n%s", p, out)
		}
	}
}

type credential struct {
	ID        int64  `json:"id"`
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
	UserName  string `json:"user_name"`
	IsActive  bool   `json:"is_active"`
	Buckets   []struct {
		Name string `json:"name"`
	} `json:"buckets"`
}

// The credential lifecycle through the CLI: create one, sign S3 requests
// with it, turn it off, see them refused (403; exit 1, as every s3 command's
// service error), turn it on.
func TestCredentialLifecycle(t *testing.T) {
	e := clitest.New(t).UseConsole()
	r := e.MustRun("console", "credentials", "create", "--user-name", "alice")
	wantLines(t, r.Stdout, "id:", "access_key:", "secret_key:", "user_name:  alice", "is_active:  true")
	wantLines(t, r.Stderr, "warning", "shown only now")

	wantFail(t, e, cmdutil.ExitSyntax, []string{"console", "credentials", "create", "--secret-key", "-"}, "stdin held no secret")
	e.MustRun("console", "credentials", "create", "--user-name", "bob")
	var cred credential
	r = e.Run("carol-secret-key\n", "console", "credentials", "create", "--user-name", "carol", "--access-key", "CAROLKEY", "--secret-key", "-", "--output", "json")
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &cred) != nil || cred.SecretKey != "carol-secret-key" || cred.AccessKey != "CAROLKEY" || cred.ID != 4 {
		t.Fatalf("create from stdin: %d %s %s", r.Code, r.Stdout, r.Stderr)
	}

	carol := clitest.Env{T: t, Server: e.Server, Dir: e.Dir, Vars: map[string]string{}}
	for k, v := range e.Vars {
		carol.Vars[k] = v
	}
	carol.Vars["QCLI_ACCESS_KEY_ID"], carol.Vars["QCLI_SECRET_ACCESS_KEY"] = cred.AccessKey, cred.SecretKey
	carol.MustRun("s3", "mb", "s3://carols")

	var got credential
	jsonOut(t, e, &got, "console", "credentials", "get", "4")
	if got.SecretKey != "" || len(got.Buckets) != 1 || got.Buckets[0].Name != "carols" || !got.IsActive {
		t.Errorf("credentials get 4: %+v", got)
	}
	r = e.MustRun("console", "credentials", "update", "4", "--active=false")
	wantLines(t, r.Stdout, "update_credential: 4 is_active=false")
	wantFail(t, &carol, cmdutil.ExitFailed, []string{"s3", "ls"}, "InvalidAccessKeyId", "HTTP 403")

	e.MustRun("console", "credentials", "update", "4", "--active=true", "--user-name", "carol-2")
	carol.MustRun("s3", "ls")
	r = e.MustRun("console", "credentials", "list")
	wantLines(t, r.Stdout, "ID", "ACCESS KEY", "CAROLKEY", "carol-2", "yes")
	if strings.Contains(r.Stdout, "carol-secret-key") {
		t.Error("credentials list shows a secret")
	}
}

func TestBucketsObjectsUploads(t *testing.T) {
	e := clitest.New(t).UseConsole()
	r := e.MustRun("console", "buckets", "create", "photos", "--owner-id", "1")
	wantLines(t, r.Stdout, "make_bucket: photos")
	e.Put("photos", map[string]string{"cat.jpg": "meow", "dir/a.txt": "aaaa", "dir/b.txt": "bb"})

	r = e.MustRun("console", "buckets", "list")
	wantLines(t, r.Stdout, "BUCKET", "OWNER", "photos", e.Server.AccessKey, "q-world-1", "10 Bytes")
	r = e.MustRun("console", "buckets", "get", "photos", "--output", "table")
	wantLines(t, r.Stdout, "object_count", "cat.jpg", "dir/b.txt", "4 Bytes")

	var list struct {
		Objects []struct {
			Key  string `json:"key"`
			Size int64  `json:"size"`
		} `json:"objects"`
	}
	jsonOut(t, e, &list, "console", "objects", "list", "photos", "--prefix", "dir/")
	if len(list.Objects) != 2 || list.Objects[0].Key != "dir/a.txt" || list.Objects[0].Size != 4 {
		t.Errorf("objects list --prefix dir/: %+v", list)
	}
	r = e.MustRun("console", "objects", "get", "photos", "cat.jpg")
	wantLines(t, r.Stdout, "key:", "cat.jpg", "size:", "4 Bytes (4 bytes)", "storage_path:", "photos/objects/")

	r = e.MustRun("console", "objects", "rm", "photos", "cat.jpg")
	wantLines(t, r.Stdout, "delete: s3://photos/cat.jpg")
	wantFail(t, e, cmdutil.ExitService, []string{"console", "objects", "rm", "photos", "cat.jpg"}, "HTTP 404")
	r = e.Run("", "console", "objects", "rm", "photos", "dir/a.txt", "gone.txt", "dir/b.txt")
	wantLines(t, r.Stdout, "delete: s3://photos/dir/a.txt", "delete: s3://photos/dir/b.txt")
	if r.Code != cmdutil.ExitFailed || !strings.Contains(r.Stderr, "1 of 3 keys not deleted") || !strings.Contains(r.Stderr, "gone.txt") {
		t.Errorf("partial batch: exit %d, %s", r.Code, r.Stderr)
	}

	c := e.Client()
	up, err := c.CreateMultipartUpload(t.Context(), clientUpload("photos", "big.bin"))
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	r = e.MustRun("console", "uploads", "list", "photos")
	wantLines(t, r.Stdout, "UPLOAD ID", id, "big.bin")

	e.Put("photos", map[string]string{"keep": "x"})
	wantFail(t, e, cmdutil.ExitService, []string{"console", "buckets", "rm", "photos"}, "not empty", "HTTP 409")
	e.MustRun("console", "buckets", "create", "empty-one", "--owner-id", "1")
	r = e.MustRun("console", "buckets", "rm", "empty-one")
	wantLines(t, r.Stdout, "remove_bucket: empty-one")
}

func TestStatsAndPresigned(t *testing.T) {
	e := clitest.New(t).UseConsole()
	e.MustRun("s3", "mb", "s3://share")
	e.Put("share", map[string]string{"file.txt": "hello world"})

	r := e.MustRun("console", "presigned", "create", "share", "file.txt", "--expires-in", "600")
	url := strings.TrimSpace(r.Stdout)
	if !strings.HasPrefix(url, e.Server.URL+"/share/file.txt?") {
		t.Fatalf("presigned URL %q", url)
	}
	resp, err := e.Server.HTTPClient().Get(url)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", url, resp, err)
	}
	resp.Body.Close()
	r = e.MustRun("console", "presigned", "list")
	wantLines(t, r.Stdout, "BUCKET", "share", "file.txt", "GET", e.Server.AccessKey)

	var stats map[string]any
	jsonOut(t, e, &stats, "console", "stats")
	want := map[string]any{"credentials": 1.0, "buckets": 1.0, "objects": 1.0, "total_storage": 11.0, "active_multipart_uploads": 0.0, "active_presigned_urls": 1.0}
	for k, v := range want {
		if stats[k] != v {
			t.Errorf("stats %s = %v, want %v (%v)", k, stats[k], v, stats)
		}
	}
	r = e.MustRun("console", "stats")
	wantLines(t, r.Stdout, "buckets:", "total storage:", "11 Bytes (11 bytes)", "presigned URLs:")
}

func TestBadInput(t *testing.T) {
	e := clitest.New(t).UseConsole()
	tests := []struct {
		args  []string
		code  int
		parts []string
	}{
		{[]string{"console", "credentials", "get", "99"}, cmdutil.ExitService, []string{"credential 99", "HTTP 404"}},
		{[]string{"console", "credentials", "get", "abc"}, cmdutil.ExitSyntax, []string{`invalid credential id "abc"`}},
		{[]string{"console", "credentials", "get", "0"}, cmdutil.ExitSyntax, []string{"credential id", "below 1", "`qcli console credentials list`"}},
		{[]string{"console", "buckets", "create", "fine-name", "--owner-id", "0"}, cmdutil.ExitSyntax, []string{"below 1", "`qcli console credentials list`"}},
		{[]string{"console", "credentials", "update", "1"}, cmdutil.ExitParse, []string{"nothing to update"}},
		{[]string{"console", "presigned", "create", "share", "k", "--expires-in", "604801"}, cmdutil.ExitSyntax, []string{"expires_in", "1..604800"}},
		{[]string{"console", "presigned", "create", "share", "k", "--expires-in", "0"}, cmdutil.ExitSyntax, []string{"expires_in"}},
		{[]string{"console", "presigned", "create", "share", "k", "--method", "PATCH"}, cmdutil.ExitSyntax, []string{"method", "PATCH"}},
		{[]string{"console", "buckets", "create", "Bad_Bucket", "--owner-id", "1"}, cmdutil.ExitSyntax, []string{"invalid bucket name", "upper-case"}},
		{[]string{"console", "buckets", "create", "fine-name"}, cmdutil.ExitParse, []string{"--owner-id"}},
		{[]string{"console", "buckets", "create", "fine-name", "--owner-id", "9"}, cmdutil.ExitService, []string{"no credential with id 9"}},
		{[]string{"console", "objects", "list", "ab"}, cmdutil.ExitSyntax, []string{"invalid bucket name"}},
		{[]string{"console", "buckets", "get", "no-such"}, cmdutil.ExitService, []string{"HTTP 404"}},
		{[]string{"console", "objects", "rm", "bucket"}, cmdutil.ExitParse, []string{"one or more keys"}},
	}
	for _, tt := range tests {
		wantFail(t, e, tt.code, tt.args, tt.parts...)
	}
	if r := e.Run("", "console", "credentials"); r.Code != cmdutil.ExitParse || !strings.Contains(r.Stderr, "needs a subcommand") {
		t.Errorf("group alone: exit %d, %s", r.Code, r.Stderr)
	}
}

func TestAPIKeyErrors(t *testing.T) {
	e := clitest.New(t)
	wantFail(t, e, cmdutil.ExitConfig, []string{"console", "stats"}, "no console endpoint", "console_endpoint", "QCLI_CONSOLE_ENDPOINT")
	e.Vars["QCLI_CONSOLE_ENDPOINT"] = e.Server.URL
	wantFail(t, e, cmdutil.ExitConfig, []string{"console", "stats"}, "no console API key", "qcli configure set console_api_key", "QCLI_CONSOLE_API_KEY")
	e.Vars["QCLI_CONSOLE_API_KEY"] = "wrong-key"
	wantFail(t, e, cmdutil.ExitService, []string{"console", "stats"}, "HTTP 403", "refused the API key", "qcli configure set console_api_key", "QCLI_CONSOLE_API_KEY")
	if r := e.Run("", "console", "stats"); strings.Contains(r.Stderr, "wrong-key") {
		t.Errorf("the key leaked: %s", r.Stderr)
	}
}

// Settings stored with qcli configure are what qcli console uses.
func TestConsoleFromConfigFiles(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("configure", "set", "console_endpoint", e.Server.URL)
	if r := e.Run(clitest.ConsoleAPIKey+"\n", "configure", "set", "console_api_key", "-"); r.Code != 0 {
		t.Fatalf("configure set: %d %s", r.Code, r.Stderr)
	}
	r := e.MustRun("configure", "list")
	wantLines(t, r.Stdout, "console_endpoint", "console_api_key", "****", "credentials-file")
	if strings.Contains(r.Stdout, clitest.ConsoleAPIKey) {
		t.Error("configure list shows the API key")
	}
	e.MustRun("console", "stats")
	// --console-endpoint beats the file.
	wantFail(t, e, cmdutil.ExitOther, []string{"console", "stats", "--console-endpoint", "http://127.0.0.1:1"}, "cannot reach")
}

func TestDebugRedactsAPIKey(t *testing.T) {
	e := clitest.New(t).UseConsole()
	r := e.MustRun("console", "stats", "--debug")
	wantLines(t, r.Stderr, "GET "+e.Server.URL+"/api/v1/stats", "X-Api-Key: [REDACTED]")
	if strings.Contains(r.Stderr, clitest.ConsoleAPIKey) {
		t.Error("--debug shows the API key")
	}
}
