package quicksync_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// qsServer is an emulator serving QuickSync with two sessions, and a raw
// HTTP client: these tests check the server's answers, not our SDK's.
type qsServer struct {
	t     *testing.T
	srv   *emulatortest.Server
	hc    *http.Client
	clock *emulatortest.Clock
}

func startQuickSync(t *testing.T) *qsServer {
	clock := &emulatortest.Clock{}
	srv := emulatortest.Start(t, emulator.Options{Now: clock.Now, QuickSync: emulator.QuickSyncOptions{
		Sessions: map[string]string{"session-a": "pw-a", "session-b": "pw-b"}, TokenTTL: time.Hour,
	}})
	return &qsServer{t: t, srv: srv, hc: srv.HTTPClient(), clock: clock}
}

// call sends a request and decodes a JSON answer into out (when not nil).
func (s *qsServer) call(method, path, token string, body any, header map[string]string, out any) int {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	url := path
	if strings.HasPrefix(path, "/") {
		url = s.srv.URL + path
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %d %q: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode
}

func (s *qsServer) join(session, password string) string {
	s.t.Helper()
	var out struct {
		Credentials struct{ Token, ExpiresAt string }
	}
	if code := s.call("POST", "/v1/session/join", "", map[string]string{"sessionId": session, "password": password}, nil, &out); code != 200 {
		s.t.Fatalf("join: %d", code)
	}
	return out.Credentials.Token
}

type qsUpload struct{ UploadID, FileKey string }

func (s *qsServer) initiate(token string, parts int, size int64) qsUpload {
	s.t.Helper()
	var up qsUpload
	if code := s.call("POST", "/v1/buckets", token, map[string]any{"totalParts": parts, "encryptedName": "enc", "originalSizeInBytes": size}, nil, &up); code != 200 {
		s.t.Fatalf("initiate: %d", code)
	}
	return up
}

func (s *qsServer) part(token string, up qsUpload, n, data string) (int, string) {
	s.t.Helper()
	var out struct{ Tag string }
	code := s.call("PUT", "/v1/buckets", token, data, map[string]string{"uploadId": up.UploadID, "partNumber": n, "key": up.FileKey}, &out)
	return code, out.Tag
}

func TestQuickSyncTokensAreCheckedOnEveryCall(t *testing.T) {
	s := startQuickSync(t)
	var msg struct{ Message string }
	if code := s.call("POST", "/v1/session/join", "", map[string]string{"sessionId": "session-a", "password": "nope"}, nil, &msg); code != 401 || strings.Contains(msg.Message, "nope") {
		t.Errorf("wrong password: %d %q", code, msg.Message)
	}
	for _, tok := range []string{"", "made-up"} {
		for _, path := range []string{"/v1/buckets", "/v1/buckets/file/x", "/v1/buckets/download/x"} {
			if code := s.call("GET", path, tok, nil, nil, nil); code != 401 {
				t.Errorf("GET %s with token %q: %d", path, tok, code)
			}
		}
	}
	tok := s.join("session-a", "pw-a")
	if code := s.call("GET", "/v1/buckets", tok, nil, nil, nil); code != 200 {
		t.Errorf("valid token: %d", code)
	}
	s.clock.Advance(2 * time.Hour)
	if code := s.call("GET", "/v1/buckets", tok, nil, nil, &msg); code != 401 || msg.Message != "token expired" {
		t.Errorf("expired token: %d %q", code, msg.Message)
	}
}

func TestQuickSyncSessionsSeeOnlyTheirFiles(t *testing.T) {
	s := startQuickSync(t)
	a, b := s.join("session-a", "pw-a"), s.join("session-b", "pw-b")
	up := s.initiate(a, 1, 3)
	var files []map[string]any
	if s.call("GET", "/v1/buckets", b, nil, nil, &files); len(files) != 0 {
		t.Errorf("session b lists %v", files)
	}
	if code := s.call("GET", "/v1/buckets/file/"+up.FileKey, b, nil, nil, nil); code != 404 {
		t.Errorf("session b info: %d", code)
	}
	if code := s.call("DELETE", "/v1/buckets/"+up.FileKey, b, nil, nil, nil); code != 404 {
		t.Errorf("session b delete: %d", code)
	}
	if code, _ := s.part(b, up, "1", "abc"); code != 404 {
		t.Errorf("session b part: %d", code)
	}
	// An unfinished upload is listed under the encryptedName it was
	// started with, as the API does (a client whose Initiate answer was
	// lost finds it by that name), and can be deleted by its owner.
	if s.call("GET", "/v1/buckets", a, nil, nil, &files); len(files) != 1 || files[0]["completed"] != false ||
		files[0]["fileName"] != "enc" || files[0]["fileKey"] != up.FileKey {
		t.Errorf("session a lists %v", files)
	}
	if code := s.call("DELETE", "/v1/buckets/"+up.FileKey, a, nil, nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
}

func TestQuickSyncChecksPartsAtCompletion(t *testing.T) {
	s := startQuickSync(t)
	tok := s.join("session-a", "pw-a")
	up := s.initiate(tok, 2, 6)
	if code, _ := s.part(tok, up, "3", "abc"); code != 400 {
		t.Errorf("part 3 of 2: %d", code)
	}
	if code, _ := s.part(tok, qsUpload{UploadID: "other", FileKey: up.FileKey}, "1", "abc"); code != 404 {
		t.Errorf("wrong uploadId: %d", code)
	}
	_, t1 := s.part(tok, up, "1", "abc")
	complete := func(tags ...string) (int, string) {
		var msg struct{ Message string }
		code := s.call("POST", "/v1/buckets/complete", tok, map[string]any{"tags": tags, "key": up.FileKey, "uploadId": up.UploadID}, nil, &msg)
		return code, msg.Message
	}
	if code, msg := complete(t1, "x"); code != 400 || !strings.Contains(msg, "part 2 was not uploaded") {
		t.Errorf("missing part: %d %q", code, msg)
	}
	_, t2 := s.part(tok, up, "2", "de")
	if code, msg := complete(t1, t2); code != 400 || !strings.Contains(msg, "5 bytes, not the 6") {
		t.Errorf("short: %d %q", code, msg)
	}
	_, t2 = s.part(tok, up, "2", "def")
	if code, msg := complete(t2, t1); code != 400 || !strings.Contains(msg, "tag of part 1") {
		t.Errorf("out of order: %d %q", code, msg)
	}
	if code, _ := complete(t1, t2); code != 200 {
		t.Errorf("complete: %d", code)
	}
	if code, _ := complete(t1, t2); code != 200 {
		t.Errorf("repeated complete: %d", code)
	}
	if code, _ := s.part(tok, up, "1", "abc"); code != 409 {
		t.Errorf("part after completion: %d", code)
	}
}

func TestQuickSyncDownloadURLsAreSignedAndExpire(t *testing.T) {
	s := startQuickSync(t)
	tok := s.join("session-a", "pw-a")
	up := s.initiate(tok, 1, 5)
	var out struct{ URL string }
	if code := s.call("GET", "/v1/buckets/download/"+up.FileKey, tok, nil, nil, &out); code != 409 {
		t.Errorf("URL of an unfinished upload: %d", code)
	}
	_, tag := s.part(tok, up, "1", "hello")
	s.call("POST", "/v1/buckets/complete", tok, map[string]any{"tags": []string{tag}, "key": up.FileKey, "uploadId": up.UploadID}, nil, nil)
	if code := s.call("GET", "/v1/buckets/download/"+up.FileKey, tok, nil, nil, &out); code != 200 || !strings.HasPrefix(out.URL, s.srv.URL+"/v1/files/") {
		t.Fatalf("URL: %d %q", code, out.URL)
	}
	resp, err := s.hc.Get(out.URL) // no token: the URL is its own authorization
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Errorf("download: %d %q", resp.StatusCode, body)
	}
	if code := s.call("GET", strings.Replace(out.URL, "signature=", "signature=00", 1), "", nil, nil, nil); code != 403 {
		t.Errorf("tampered URL: %d", code)
	}
	s.clock.Advance(time.Hour)
	if code := s.call("GET", out.URL, "", nil, nil, nil); code != 403 {
		t.Errorf("expired URL: %d", code)
	}
}

func TestQuickSyncIsOffWithoutSessions(t *testing.T) {
	srv := emulatortest.Start(t, emulator.Options{})
	resp, err := srv.HTTPClient().Post(srv.URL+"/v1/session/join", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// S3 answers: an anonymous request for bucket "v1", which does not exist.
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d", resp.StatusCode)
	}
}
