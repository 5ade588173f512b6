package reliability_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
	"github.com/quilibrium/qcli/transfer"
)

// Known secrets, set for every command of TestNoCommandLeaksASecret.
const (
	sessionToken = "SESSION-TOKEN-must-not-leak-7f3a9c"
	sseCKey      = "SSEC-KEY-must-not-leak-000000000" // 32 bytes
	badSSECKey   = "BAD-SSEC-KEY-must-not-leak-30b"   // 30 bytes: refused
)

// leakEnv is an env where every command has something to work on: an
// object, an SSE-C object, a QuickSync file, local files; and every secret
// qcli handles is set, most of them in the environment.
type leakEnv struct {
	*env
	fileKey string // the QuickSync file
	dir     string // local files: f.txt and tree/
	secrets map[string]string
}

func newLeakEnv(t *testing.T) *leakEnv {
	e := newEnv(t)
	ctx := context.Background()
	e.Put(bucket, map[string]string{"obj.txt": "hello"})
	if _, err := e.c.PutObject(ctx, client.PutObjectInput{Bucket: bucket, Key: "ssec.bin", Body: strings.NewReader("secret data"),
		ContentLength: 11, ObjectAttributes: client.ObjectAttributes{SSE: client.SSE{CustomerKey: []byte(sseCKey)}}}); err != nil {
		t.Fatal(err)
	}
	up, err := transfer.UploadQuickSync(ctx, e.qs, strings.NewReader("quicksync"), transfer.QuickSyncInput{Name: "qs.txt", Size: 9})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tree{"f.txt": []byte("file"), "tree/a.txt": []byte("a")}.write(t, dir)
	e.Vars["QCLI_SESSION_TOKEN"] = sessionToken
	e.Vars["QCLI_QUICKSYNC_PASSWORD"] = clitest.QuickSyncPassword
	// The same secrets in the credentials file, for configure get and list.
	creds := fmt.Sprintf("[default]\naccess_key_id = %s\nsecret_access_key = %s\nsession_token = %s\nconsole_api_key = %s\n"+
		"quicksync_token = %s\nquicksync_session = %s\n", e.Server.AccessKey, e.Server.SecretKey, sessionToken,
		clitest.ConsoleAPIKey, e.Vars["QCLI_QUICKSYNC_TOKEN"], clitest.QuickSyncSession)
	if err := os.WriteFile(filepath.Join(e.Dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return &leakEnv{env: e, fileKey: up.FileKey, dir: dir, secrets: map[string]string{
		"secret access key":      e.Server.SecretKey,
		"session token":          sessionToken,
		"QuickSync token":        e.Vars["QCLI_QUICKSYNC_TOKEN"],
		"QuickSync password":     clitest.QuickSyncPassword,
		"console API key":        clitest.ConsoleAPIKey,
		"SSE-C key":              sseCKey,
		"SSE-C key (base64)":     base64.StdEncoding.EncodeToString([]byte(sseCKey)),
		"a wrong SSE-C key":      badSSECKey,
		"QuickSync session (id)": clitest.QuickSyncSession,
	}}
}

// commandLines gives each command path the command lines that make it do
// its work; a command missing here still runs, with no arguments and with
// an S3 URI, so that a new command is covered before anyone writes its line.
func (le *leakEnv) commandLines() map[string][][]string {
	f, ssec := filepath.Join(le.dir, "f.txt"), []string{"--sse-c-key", sseCKey}
	return map[string][][]string{
		"completion":                 {{"bash"}},
		"configure":                  {{}},
		"configure get":              {{"secret_access_key"}, {"session_token"}, {"console_api_key"}, {"quicksync_token"}, {"quicksync_session"}},
		"configure set":              {{"secret_access_key", le.Server.SecretKey}, {"console_api_key", clitest.ConsoleAPIKey}},
		"console buckets create":     {{"newbkt", "--owner-id", "1"}},
		"console buckets get":        {{bucket}},
		"console buckets rm":         {{bucket}},
		"console credentials get":    {{"1"}},
		"console credentials update": {{"1", "--user-name", "renamed"}},
		"console credentials create": {{"--user-name", "ci"}},
		"console objects get":        {{bucket, "obj.txt"}},
		"console objects list":       {{bucket}},
		"console objects rm":         {{bucket, "obj.txt"}},
		"console presigned create":   {{bucket, "obj.txt", "--access-key", le.Server.AccessKey}},
		"console uploads list":       {{bucket}},
		"quicksync download":         {{le.fileKey, "-o", le.t.TempDir()}},
		"quicksync info":             {{le.fileKey}},
		"quicksync login":            {{"--session", clitest.QuickSyncSession}, {"--session", clitest.QuickSyncSession, "--password-stdin"}},
		"quicksync rm":               {{le.fileKey}},
		"quicksync upload":           {{f}},
		"quicksync url":              {{le.fileKey}},
		"s3 cat":                     {{"s3://bkt/obj.txt"}, append([]string{"s3://bkt/ssec.bin"}, ssec...)},
		"s3 cp": {{f, "s3://bkt/f.txt"}, append([]string{f, "s3://bkt/enc.txt", "--sse-c"}, ssec...),
			append([]string{"s3://bkt/ssec.bin", le.t.TempDir() + "/x"}, ssec...), {f, "s3://bkt/x", "--sse-c", "--sse-c-key", badSSECKey}},
		"s3 ls": {{}, {"s3://bkt", "--recursive"}},
		"s3api put-object": {append([]string{"--bucket", "bkt", "--key", "enc.bin", "--body", f}, s3apiSSEC(sseCKey)...),
			append([]string{"--bucket", "bkt", "--key", "bad.bin", "--body", f}, s3apiSSEC(badSSECKey)...)},
		"s3api get-object":  {append([]string{"--bucket", "bkt", "--key", "ssec.bin", le.t.TempDir() + "/x"}, s3apiSSEC(sseCKey)...)},
		"s3api head-object": {append([]string{"--bucket", "bkt", "--key", "ssec.bin"}, s3apiSSEC(sseCKey)...), {"--bucket", "bkt", "--key", "obj.txt"}},
		"s3api copy-object": {append([]string{"--bucket", "bkt", "--key", "c.bin", "--copy-source", "bkt/ssec.bin",
			"--copy-source-sse-customer-algorithm", "AES256", "--copy-source-sse-customer-key", sseCKey}, s3apiSSEC(sseCKey)...)},
		"s3 mb":      {{"s3://newbkt"}},
		"s3 mv":      {{"s3://bkt/obj.txt", "s3://bkt/moved.txt"}},
		"s3 presign": {{"s3://bkt/obj.txt"}, {"s3://bkt/up.txt", "--method", "PUT"}, {"s3://bkt", "--post", "--key-prefix", "u/"}},
		"s3 rb":      {{"s3://bkt", "--force"}},
		"s3 rm":      {{"s3://bkt/obj.txt"}, {"s3://bkt/", "--recursive"}},
		"s3 stat":    {{"s3://bkt/obj.txt"}, append([]string{"s3://bkt/ssec.bin"}, ssec...)},
		"s3 sync":    {{filepath.Join(le.dir, "tree"), "s3://bkt/tree/"}, {"s3://bkt/", le.t.TempDir()}},
		"server":     {{"--memory", "--addr", "127.0.0.1:0"}},
		// run reads its batch from stdin without FILE, and stdin here is a
		// password: a batch echoes its lines, so it gets a file.
		"run": {{le.runBatch(f)}, {"--output", "json", le.runBatch(f)}},
	}
}

// s3apiSSEC are qcli s3api's SSE-C flags, the key raw as the AWS CLI takes it.
func s3apiSSEC(key string) []string {
	return []string{"--sse-customer-algorithm", "AES256", "--sse-customer-key", key}
}

// runBatch writes a batch for qcli run whose lines carry secrets in flags,
// one of them refused by its command.
func (le *leakEnv) runBatch(f string) string {
	path := filepath.Join(le.t.TempDir(), "batch.txt")
	batch := fmt.Sprintf("cp '%s' s3://bkt/enc.txt --sse-c --sse-c-key %s\ncp '%s' s3://bkt/bad.txt --sse-c --sse-c-key %s\n"+
		"stat s3://bkt/ssec.bin --sse-c-key=%s\nstat s3://bkt/ssec.bin --sse-c-key %s\n", f, sseCKey, f, badSSECKey, sseCKey, badSSECKey)
	if err := os.WriteFile(path, []byte(batch), 0o600); err != nil {
		le.t.Fatal(err)
	}
	return path
}

// commandPaths walks the whole command tree, as `qcli --help` would show it.
func commandPaths() []string {
	ios, _, _, _ := iostreams.Test()
	var paths []string
	var walk func(c *cobra.Command, prefix string)
	walk = func(c *cobra.Command, prefix string) {
		for _, sub := range c.Commands() {
			p := strings.TrimSpace(prefix + " " + sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(root.NewCmdRoot(&cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}), "")
	return paths
}

// TestNoCommandLeaksASecret runs every command in the tree with --debug,
// each against a fresh emulator, with every secret qcli handles set, and
// searches stdout and stderr for them. Commands may fail; none may leak.
// The one allowed appearance is the session token inside the URLs that
// `s3 presign` prints: a presigned URL must carry it to work.
func TestNoCommandLeaksASecret(t *testing.T) {
	paths := commandPaths()
	if len(paths) < 40 {
		t.Fatalf("found only %d commands: %v", len(paths), paths)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			le := newLeakEnv(t)
			lines, ok := le.commandLines()[path]
			if !ok {
				lines = [][]string{{}, {"s3://bkt/obj.txt"}}
			}
			for _, args := range lines {
				argv := append(append([]string{"--debug"}, strings.Fields(path)...), args...)
				le.checkNoLeak(t, path, argv)
			}
		})
	}
}

func (le *leakEnv) checkNoLeak(t *testing.T, path string, argv []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	if path == "server" {
		ctx, cancel = context.WithTimeout(context.Background(), time.Second) // it serves until stopped
	}
	defer cancel()
	stdin := clitest.QuickSyncPassword + "\n"
	r := le.run(ctx, stdin, argv...)
	out := r.Stdout
	if path == "s3 presign" {
		out = strings.ReplaceAll(out, "X-Amz-Security-Token="+sessionToken, "")
	}
	t.Logf("qcli %s: exit %d, %d+%d bytes of output", strings.Join(argv, " "), r.Code, len(r.Stdout), len(r.Stderr))
	for name, secret := range le.secrets {
		if strings.Contains(out+r.Stderr, secret) {
			t.Errorf("qcli %s (exit %d) shows the %s:\n%s", strings.Join(argv, " "), r.Code, name, redactFor(out+r.Stderr, secret))
		}
	}
	if !bytes.Contains([]byte(r.Stderr), []byte("> ")) && r.Code == 0 && needsNetwork(path) {
		t.Errorf("qcli %s: no --debug trace on stderr", strings.Join(argv, " "))
	}
}

// needsNetwork: commands that talk to a service and so must trace.
func needsNetwork(path string) bool {
	return strings.HasPrefix(path, "console ") || strings.HasPrefix(path, "quicksync ") ||
		strings.HasPrefix(path, "s3 ") && path != "s3 presign"
}

// redactFor marks where the secret appears, without repeating it in the log.
func redactFor(s, secret string) string {
	return strings.ReplaceAll(s, secret, "<<<THE SECRET>>>")
}
