package quicksync

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

var ctx = context.Background()

// uploadByHand runs the multipart calls one by one and returns the file key.
func uploadByHand(t *testing.T, c *Client, name string, parts ...string) string {
	t.Helper()
	enc, err := EncryptName(name, testSession)
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	up, err := c.Initiate(ctx, InitiateInput{TotalParts: len(parts), EncryptedName: enc, OriginalSizeInBytes: int64(size)})
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for i, p := range parts {
		out, err := c.UploadPart(ctx, UploadPartInput{UploadID: up.UploadID, Key: up.FileKey, PartNumber: i + 1,
			Body: strings.NewReader(p), Size: int64(len(p))})
		if err != nil {
			t.Fatal(err)
		}
		if out.PartNumber != i+1 {
			t.Errorf("part %d answered as %d", i+1, out.PartNumber)
		}
		tags = append(tags, out.Tag)
	}
	done, err := c.Complete(ctx, CompleteInput{Tags: tags, Key: up.FileKey, UploadID: up.UploadID})
	if err != nil {
		t.Fatal(err)
	}
	if done.FileKey != up.FileKey {
		t.Errorf("completed %q, want %q", done.FileKey, up.FileKey)
	}
	return up.FileKey
}

func TestCallsAgainstTheEmulator(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	key := uploadByHand(t, c, "notes.txt", "hello ", "world")

	files, err := c.List(ctx)
	if err != nil || len(files) != 1 {
		t.Fatalf("List = %+v, %v", files, err)
	}
	f := files[0]
	if name, _ := DecryptName(f.FileName, testSession); name != "notes.txt" || !f.Completed || f.TotalParts != 2 ||
		f.OriginalSizeInBytes != 11 || f.FileKey != key || f.CreatorID == "" || strings.Contains(f.CreatorID, testSession) {
		t.Errorf("listed %+v (name %q)", f, name)
	}
	info, err := c.Info(ctx, key)
	if err != nil || *info != f {
		t.Errorf("Info = %+v, %v", info, err)
	}
	var buf bytes.Buffer
	if n, err := c.Download(ctx, key, &buf, nil); err != nil || n != 11 || buf.String() != "hello world" {
		t.Errorf("Download = %d %q, %v", n, buf.String(), err)
	}
	if err := c.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Info(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Info after Delete: %v", err)
	}
	if err := c.Delete(ctx, key); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Delete "+key) {
		t.Errorf("second Delete: %v", err)
	}
}

func TestJoinWithAWrongPasswordSaysSoWithoutTheSecrets(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := newClient(t, srv, Config{})
	_, err := c.JoinSession(ctx, testSession, "wrong-password-xyz")
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "check the session ID and password") {
		t.Errorf("err = %v", err)
	}
	for _, secret := range []string{"wrong-password-xyz", testSession} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q leaks %q", err, secret)
		}
	}
}

func TestCallsWithoutATokenSendNothing(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	sent := 0
	srv.Emulator.Observe(func(*http.Request) { sent++ })
	c, _ := newClient(t, srv, Config{})
	if _, err := c.List(ctx); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "join a session first") || strings.Contains(err.Error(), "qcli") {
		t.Errorf("err = %v", err)
	}
	if sent != 0 {
		t.Errorf("%d requests sent", sent)
	}
}

// The SDK says what is wrong; the CLI adds which qcli command fixes it.
func TestExpiredTokenIsUnauthorizedWithoutCLIAdvice(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var offset atomic.Int64 // moved by the test, read by the server
	srv := startServer(t, emulator.QuickSyncOptions{TokenTTL: time.Hour}, func(o *emulator.Options) {
		o.Now = func() time.Time { return now.Add(time.Duration(offset.Load())) }
	})
	c, _ := newClient(t, srv, Config{})
	sess, err := c.JoinSession(ctx, testSession, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("ExpiresAt = %s", sess.ExpiresAt)
	}
	c = c.WithSession(sess)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	offset.Store(int64(2 * time.Hour))
	_, err = c.List(ctx)
	if !errors.Is(err, ErrUnauthorized) || !strings.HasSuffix(err.Error(), "the token was rejected or has expired") ||
		strings.Contains(err.Error(), sess.Token) || strings.Contains(err.Error(), "qcli") {
		t.Errorf("err = %v", err)
	}
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	srv.Emulator.SetFault(faults.FailTimes(2, http.StatusServiceUnavailable, "SlowDown", http.Header{"Retry-After": {"3"}}, nil))
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	if w := s.all(); len(w) != 2 || w[0] != 3*time.Second || w[1] != 3*time.Second {
		t.Errorf("waits %v, want two of 3s", w)
	}
}

func TestRetryAfterIsCappedAndAttemptsAreBounded(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	c.cfg.MaxAttempts, c.cfg.RetryMaxBackoff = 3, 5*time.Second
	srv.Emulator.SetFault(faults.FailTimes(10, http.StatusTooManyRequests, "SlowDown", http.Header{"Retry-After": {"3600"}}, nil))
	_, err := c.List(ctx)
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("err = %v", err)
	}
	if w := s.all(); len(w) != 2 || w[0] != 5*time.Second {
		t.Errorf("waits %v, want two capped at 5s", w)
	}
}

// Initiate is not idempotent: a 500 may mean it was processed, so it is
// not sent again; a 429 means it was not, so it is.
func TestInitiateIsRetriedOnlyWhenSurelyNotProcessed(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	in := InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 1}
	srv.Emulator.SetFault(faults.FailTimes(1, http.StatusInternalServerError, "InternalError", nil, nil))
	if _, err := c.Initiate(ctx, in); !errors.Is(err, ErrServer) || len(s.all()) != 0 {
		t.Errorf("500: err %v after %d retries", err, len(s.all()))
	}
	srv.Emulator.SetFault(faults.FailTimes(1, http.StatusTooManyRequests, "SlowDown", nil, nil))
	if _, err := c.Initiate(ctx, in); err != nil || len(s.all()) != 1 {
		t.Errorf("429: err %v after %d retries", err, len(s.all()))
	}
}

// An Initiate whose answer is lost after the service processed it (reset,
// cut short, stalled past the read timeout, or cancelled while waiting)
// deletes the upload it started, found by the encrypted name it sent:
// another writer's unfinished upload of the same file name, whose name is
// encrypted with another salt, stays.
func TestALostInitiateLeavesNoUploadOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(cancel context.CancelFunc) faults.Fault
		stall bool
	}{
		{"reset", func(context.CancelFunc) faults.Fault { return faults.ResetResponseBody(1, isInitiate) }, false},
		{"cut short", func(context.CancelFunc) faults.Fault { return faults.WrongContentLength(1, -5, isInitiate) }, false},
		{"stalled", func(context.CancelFunc) faults.Fault { return faults.Stall(1, time.Minute, isInitiate) }, true},
		{"cancelled", func(cancel context.CancelFunc) faults.Fault { return faults.CancelAfterProcessing(cancel, isInitiate) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, emulator.QuickSyncOptions{})
			c, _ := login(t, srv)
			other := initiateFile(t, c, "report.pdf")
			if tc.stall {
				// The read timeout ends the stall. 5 s, not less: the
				// listing and delete that follow share it, and a 1 s one
				// expired on a loaded machine in the fault matrix.
				c.cfg.ReadTimeout = 5 * time.Second
				c.hc = client.NewHTTPClient(c.cfg.transport())
			}
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			srv.Emulator.SetFault(tc.fault(cancel))
			_, err := c.Initiate(cctx, InitiateInput{TotalParts: 1, EncryptedName: encrypt(t, "report.pdf"), OriginalSizeInBytes: 3})
			srv.Emulator.SetFault(nil)
			if err == nil || strings.Contains(err.Error(), "left open") {
				t.Fatalf("Initiate: %v", err)
			}
			if open := unfinished(t, c); len(open) != 1 || open[0] != other.FileKey {
				t.Errorf("unfinished uploads %v, want only the other writer's %s", open, other.FileKey)
			}
		})
	}
}

// When the lost upload cannot be deleted, Initiate's error is a
// *LostUploadError that says so and names it, and is still the connection
// error it was.
func TestALostInitiateSaysWhenItsUploadMayBeLeftOpen(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	reset := faults.ResetResponseBody(1, isInitiate)
	refuseDelete := faults.FailTimes(10, http.StatusForbidden, "AccessDenied", nil, func(r *http.Request) bool { return r.Method == http.MethodDelete })
	srv.Emulator.SetFault(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		return reset(w, r, next) || refuseDelete(w, r, next)
	})
	_, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: encrypt(t, "kept.bin"), OriginalSizeInBytes: 3})
	srv.Emulator.SetFault(nil)
	open := unfinished(t, c)
	var ce *ConnectionError
	var le *LostUploadError
	if len(open) != 1 || !errors.As(err, &ce) || !errors.As(err, &le) || le.FileKey != open[0] ||
		!strings.Contains(err.Error(), "; an upload may be left open: "+open[0]+" (Delete "+open[0]) {
		t.Errorf("Initiate: %v; unfinished uploads %v", err, open)
	}
}

func isInitiate(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/v1/buckets"
}

func encrypt(t *testing.T, name string) string {
	t.Helper()
	enc, err := EncryptName(name, testSession)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// initiateFile starts an upload of name and leaves it unfinished.
func initiateFile(t *testing.T, c *Client, name string) *InitiateOutput {
	t.Helper()
	up, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: encrypt(t, name), OriginalSizeInBytes: 3})
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// unfinished lists the file keys of the unfinished uploads.
func unfinished(t *testing.T, c *Client) []string {
	t.Helper()
	files, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range files {
		if !f.Completed {
			keys = append(keys, f.FileKey)
		}
	}
	return keys
}

func TestAPartIsResentAfterAConnectionReset(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	srv.Emulator.SetFault(faults.ResetTimes(2, func(r *http.Request) bool { return r.Method == http.MethodPut }))
	key := uploadByHand(t, c, "reset.bin", "abc", "def")
	var buf bytes.Buffer
	if _, err := c.Download(ctx, key, &buf, nil); err != nil || buf.String() != "abcdef" {
		t.Errorf("downloaded %q, %v", buf.String(), err)
	}
	if len(s.all()) != 2 {
		t.Errorf("%d retries, want 2", len(s.all()))
	}
}

// A part whose answer arrives cut short (a wrong Content-Length) is sent
// again, as after a reset; it was stored, and storing it twice is harmless.
func TestAPartIsResentAfterABrokenAnswer(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	srv.Emulator.SetFault(faults.WrongContentLength(2, -5, func(r *http.Request) bool { return r.Method == http.MethodPut }))
	key := uploadByHand(t, c, "short.bin", "abc", "def")
	var buf bytes.Buffer
	if _, err := c.Download(ctx, key, &buf, nil); err != nil || buf.String() != "abcdef" || len(s.all()) != 2 {
		t.Errorf("downloaded %q, %v, after %d retries", buf.String(), err, len(s.all()))
	}
}

func TestLimitsAreTypedErrors(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{MaxFileSize: 10, MaxPartSize: 4})
	c, _ := login(t, srv)
	_, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 11})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "HTTP 413") {
		t.Errorf("big file: %v", err)
	}
	up, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 5})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadPart(ctx, UploadPartInput{UploadID: up.UploadID, Key: up.FileKey, PartNumber: 1, Body: strings.NewReader("12345"), Size: 5})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over the service's limits") {
		t.Errorf("big part: %v", err)
	}
}

func TestBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	errOf := func(_ any, err error) error { return err }
	var ve *client.ValidationError
	for name, err := range map[string]error{
		"empty":      errOf(c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x"})),
		"parts":      errOf(c.Initiate(ctx, InitiateInput{TotalParts: 3, EncryptedName: "x", OriginalSizeInBytes: 2})),
		"no name":    errOf(c.Initiate(ctx, InitiateInput{TotalParts: 1, OriginalSizeInBytes: 2})),
		"no id":      c.Delete(ctx, ""),
		"part 0":     errOf(c.UploadPart(ctx, UploadPartInput{UploadID: "u", Key: "k", Body: strings.NewReader("")})),
		"no tags":    errOf(c.Complete(ctx, CompleteInput{Key: "k", UploadID: "u"})),
		"no session": errOf(c.JoinSession(ctx, "", "p")),
	} {
		if !errors.As(err, &ve) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCompleteWithAWrongTagIsRejected(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	up, _ := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 3})
	if _, err := c.UploadPart(ctx, UploadPartInput{UploadID: up.UploadID, Key: up.FileKey, PartNumber: 1, Body: strings.NewReader("abc"), Size: 3}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Complete(ctx, CompleteInput{Tags: []string{"bogus"}, Key: up.FileKey, UploadID: up.UploadID})
	var se *Error
	if !errors.As(err, &se) || se.StatusCode != 400 || !strings.Contains(err.Error(), "tag of part 1") {
		t.Errorf("err = %v", err)
	}
}

// A download whose body breaks off resumes with a Range request.
func TestDownloadResumesAfterABrokenBody(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	data := strings.Repeat("0123456789", 5000)
	key := uploadByHand(t, c, "big.txt", data[:20000], data[20000:])
	srv.Emulator.SetFault(faults.TruncateBody(1, 7000, func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v1/files/") }))
	var buf bytes.Buffer
	var reported int64
	n, err := c.Download(ctx, key, &buf, func(k int64) { reported += k })
	if err != nil || n != int64(len(data)) || buf.String() != data || reported != n {
		t.Errorf("Download = %d (reported %d), %v; identical %v", n, reported, err, buf.String() == data)
	}
}

func TestDebugTraceRedactsTokenAndNeverShowsThePassword(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	var trace bytes.Buffer
	c, _ := newClient(t, srv, Config{Debug: &trace})
	sess, err := c.JoinSession(ctx, testSession, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	c = c.WithSession(sess)
	key := uploadByHand(t, c, "x", "y")
	u, err := c.DownloadURL(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(ctx, u, &bytes.Buffer{}, nil); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	if !strings.Contains(out, "Authorization: [REDACTED]") || !strings.Contains(out, "> GET "+srv.URL+"/v1/buckets/download/") {
		t.Errorf("trace:\n%s", out)
	}
	sig := u[strings.Index(u, "signature=")+len("signature="):]
	for _, secret := range []string{sess.Token, testPassword, testSession, sig} {
		if strings.Contains(out, secret) {
			t.Errorf("trace leaks %q:\n%s", secret, out)
		}
	}
	if s := (Config{Token: sess.Token, SessionID: testSession}).String() + sess.GoString(); strings.Contains(s, sess.Token) || strings.Contains(s, testSession) {
		t.Errorf("String leaks: %s", s)
	}
}

func TestUnreachableEndpointIsAConnectionErrorAfterRetries(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Config{Endpoint: "http://" + addr, Token: "tok", MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	c.sleep = s.sleep
	_, err = c.List(ctx)
	var ce *ConnectionError
	if !errors.As(err, &ce) || len(s.all()) != 2 || !strings.Contains(err.Error(), "cannot reach http://"+addr) ||
		strings.Contains(err.Error(), "/v1/buckets") {
		t.Errorf("err = %v after %d retries", err, len(s.all()))
	}
	// A refused dial is retried even for Initiate: the request never left.
	s.waits = nil
	// It went nowhere, so nothing is looked for to delete.
	if _, err := c.Initiate(ctx, InitiateInput{TotalParts: 1, EncryptedName: "x", OriginalSizeInBytes: 1}); !errors.As(err, &ce) || len(s.all()) != 2 ||
		strings.Contains(err.Error(), "left open") {
		t.Errorf("Initiate: %v after %d retries", err, len(s.all()))
	}
}

func TestConfigValidation(t *testing.T) {
	var ce *client.ConfigError
	if _, err := New(Config{Endpoint: "ftp://x"}); !errors.As(err, &ce) || ce.Setting != "quicksync_endpoint" {
		t.Errorf("bad endpoint: %v", err)
	}
	if _, err := New(Config{MaxAttempts: -1}); !errors.As(err, &ce) {
		t.Errorf("bad attempts: %v", err)
	}
	c, err := New(Config{})
	if err != nil || c.Config().Endpoint != DefaultEndpoint || c.Config().MaxAttempts != client.DefaultMaxAttempts {
		t.Errorf("defaults: %+v, %v", c.Config(), err)
	}
}

// An untrusted certificate is reported as such, with the fix, not as a
// network problem.
func TestUntrustedCertificateNamesTheFix(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, err := New(Config{Endpoint: srv.URL, MaxAttempts: 1}) // the system's roots
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.JoinSession(ctx, testSession, testPassword)
	var ce *ConnectionError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "certificate is not trusted") || !strings.Contains(err.Error(), "--no-verify-ssl") {
		t.Fatalf("got %v, want a ConnectionError naming the certificate and --no-verify-ssl", err)
	}
}
