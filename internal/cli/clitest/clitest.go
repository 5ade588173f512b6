// Package clitest runs qcli command lines in-process against an emulator
// over TLS, with fake streams and a fake environment, for the CLI's tests.
package clitest

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/root"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// Env is a qcli environment: a settings directory trusting an emulator's
// certificate, and environment variables pointing at it.
type Env struct {
	T      testing.TB
	Server *emulatortest.Server // nil for an Env of ForServer
	Dir    string               // QCLI_CONFIG_DIR
	Vars   map[string]string    // the fake environment
}

// Result is one command line's outcome.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// ConsoleAPIKey is the emulator's management console API key; see UseConsole.
const ConsoleAPIKey = "clitest-console-api-key"

// The emulator's QuickSync session and its password; see UseQuickSync.
const (
	QuickSyncSession  = "clitest-quicksync-session"
	QuickSyncPassword = "clitest-quicksync-password"
)

// New starts an emulator over TLS and an environment whose default profile
// reaches it: endpoint and keys in QCLI_* variables, the emulator's CA in
// the config file's ca_bundle.
func New(t testing.TB) *Env {
	t.Helper()
	return NewWrapped(t, nil)
}

// NewWrapped is New with the emulator's handler passed through wrap (see
// emulatortest.StartWrapped), for tests against a server that misbehaves.
func NewWrapped(t testing.TB, wrap func(http.Handler) http.Handler) *Env {
	t.Helper()
	srv := emulatortest.StartWrapped(t, emulator.Options{MinPartSize: 1024, ConsoleAPIKey: ConsoleAPIKey,
		QuickSync: emulator.QuickSyncOptions{Sessions: map[string]string{QuickSyncSession: QuickSyncPassword}}}, wrap)
	e := newEnv(t, srv.URL, srv.Certificate(), srv.AccessKey, srv.SecretKey, 2)
	e.Server = srv
	return e
}

// ForServer is an environment whose default profile reaches srv, a TLS
// server of the test's own (a fake S3 that checks what it is sent), with
// srv's certificate trusted and one attempt per request.
func ForServer(t testing.TB, srv *httptest.Server) *Env {
	t.Helper()
	return newEnv(t, srv.URL, srv.Certificate(), "AKCLITEST", "clitest-secret", 1)
}

// newEnv writes a settings directory trusting cert and returns the
// environment pointing at endpoint.
func newEnv(t testing.TB, endpoint string, cert *x509.Certificate, accessKey, secretKey string, attempts int) *Env {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("[default]\nca_bundle = %s\nmax_attempts = %d\n", ca, attempts)
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Env{T: t, Dir: dir, Vars: map[string]string{
		"QCLI_CONFIG_DIR":        dir,
		"QCLI_ENDPOINT_URL":      endpoint,
		"QCLI_ACCESS_KEY_ID":     accessKey,
		"QCLI_SECRET_ACCESS_KEY": secretKey,
	}}
}

// UseConsole points the environment at the emulator's console API too
// (QCLI_CONSOLE_ENDPOINT, QCLI_CONSOLE_API_KEY) and returns e.
func (e *Env) UseConsole() *Env {
	e.Vars["QCLI_CONSOLE_ENDPOINT"] = e.Server.URL
	e.Vars["QCLI_CONSOLE_API_KEY"] = ConsoleAPIKey
	return e
}

// UseQuickSync points the environment at the emulator's QuickSync API
// (QCLI_QUICKSYNC_ENDPOINT) and returns e; `qcli quicksync login --session
// QuickSyncSession` with QuickSyncPassword then joins its session.
func (e *Env) UseQuickSync() *Env {
	e.Vars["QCLI_QUICKSYNC_ENDPOINT"] = e.Server.URL
	return e
}

// Run executes one command line with stdin as its input.
func (e *Env) Run(stdin string, args ...string) Result {
	e.T.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e.Vars[k] }, StartEmbedded: embedded.Start}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := root.Run(ctx, f, args)
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// MustRun runs a command line that must succeed.
func (e *Env) MustRun(args ...string) Result {
	e.T.Helper()
	r := e.Run("", args...)
	if r.Code != 0 {
		e.T.Fatalf("qcli %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Client returns an SDK client for the emulator, to set up and check state.
func (e *Env) Client() *client.Client {
	e.T.Helper()
	c, err := client.New(client.Config{Endpoint: e.Server.URL, RootCAs: e.Server.CertPool,
		Credentials: client.Credentials{AccessKeyID: e.Server.AccessKey, SecretAccessKey: e.Server.SecretKey}})
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// Put stores objects (key -> body) in bucket.
func (e *Env) Put(bucket string, objects map[string]string) {
	e.T.Helper()
	c := e.Client()
	for k, v := range objects {
		if _, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: bucket, Key: k, Body: bytes.NewReader([]byte(v)), ContentLength: int64(len(v))}); err != nil {
			e.T.Fatal(err)
		}
	}
}
