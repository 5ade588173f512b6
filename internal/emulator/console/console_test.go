package console_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

const testAPIKey = "emulator-console-key"

func withConsole(o *emulator.Options) { o.ConsoleAPIKey = testAPIKey }

// consoleCall sends an API-key request to the console and decodes the JSON answer.
func consoleCall(t *testing.T, srv *emulatortest.Server, method, path, body string, header http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", testAPIKey)
	for k, v := range header {
		req.Header[k] = v
	}
	resp := srv.Do(t, req)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, resp.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, resp.Body)
	}
	return resp.Status, doc
}

func TestConsoleOffByDefault(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/v1/stats", nil)
	req.Header.Set("X-API-Key", testAPIKey)
	// S3's answer to an anonymous request for bucket "api", which does not exist.
	srv.Do(t, req).WantError(t, http.StatusNotFound, "NoSuchBucket")
}

func TestConsoleRouting(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, withConsole)
	tests := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{http.MethodGet, "/nowhere", "", http.StatusNotFound, "not_found"},
		{http.MethodPatch, "/stats", "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{http.MethodGet, "/credentials/abc", "", http.StatusBadRequest, "bad_request"},
		{http.MethodPost, "/credentials", `{"username":"typo"}`, http.StatusBadRequest, "bad_request"},
		{http.MethodPost, "/credentials", `{`, http.StatusBadRequest, "bad_request"},
		{http.MethodPost, "/buckets", `{"name":"Bad_Name","owner_id":1}`, http.StatusBadRequest, "InvalidBucketName"},
		{http.MethodPost, "/buckets", `{"name":"good","owner_id":1,"region":"us-east-1"}`, http.StatusBadRequest, "bad_request"},
		{http.MethodGet, "/buckets/none/objects", "", http.StatusNotFound, "NoSuchBucket"},
		// An explicit 0 is out of range; only a missing expires_in means 3600.
		{http.MethodPost, "/presigned-urls", `{"bucket_name":"bkt","object_key":"k","expires_in":0,"access_key":"` + emulatortest.AccessKey + `"}`, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		status, doc := consoleCall(t, srv, tt.method, tt.path, tt.body, nil)
		if status != tt.status || doc["error"] != tt.code || doc["message"] == "" {
			t.Errorf("%s %s: %d %v, want %d %s", tt.method, tt.path, status, doc, tt.status, tt.code)
		}
	}
}

func TestConsoleAuth(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, withConsole)
	status, doc := consoleCall(t, srv, http.MethodGet, "/stats", "", http.Header{"X-Api-Key": {"wrong"}})
	if status != http.StatusForbidden || doc["error"] != "forbidden" {
		t.Errorf("wrong key: %d %v", status, doc)
	}
	status, doc = consoleCall(t, srv, http.MethodGet, "/stats", "", http.Header{"X-Api-Key": nil})
	if status != http.StatusUnauthorized || doc["error"] != "unauthorized" {
		t.Errorf("no key: %d %v", status, doc)
	}
	// A bearer token may come with the key; the emulator does not check it.
	status, _ = consoleCall(t, srv, http.MethodGet, "/stats", "", http.Header{"Authorization": {"Bearer some.jwt.token"}})
	if status != http.StatusOK {
		t.Errorf("with a bearer token: %d", status)
	}
}

// The wire names are 003's, whatever the Go types call them.
func TestConsoleWireNames(t *testing.T) {
	srv, c := emulatortest.StartS3(t, withConsole)
	emulatortest.MustCreateBucket(t, c, "names")
	emulatortest.MustPut(t, c, "names", "k", "v")
	_, stats := consoleCall(t, srv, http.MethodGet, "/stats", "", nil)
	for _, name := range []string{"credentials", "buckets", "objects", "total_storage", "total_storage_human", "active_multipart_uploads", "active_presigned_urls"} {
		if _, ok := stats[name]; !ok {
			t.Errorf("stats lack %s: %v", name, stats)
		}
	}
	status, cred := consoleCall(t, srv, http.MethodPost, "/credentials", `{"user_name":"n"}`, nil)
	for _, name := range []string{"id", "access_key", "secret_key", "user_name", "is_active", "created_at"} {
		if _, ok := cred[name]; !ok || status != http.StatusCreated {
			t.Errorf("credential lacks %s: %d %v", name, status, cred)
		}
	}
	_, list := consoleCall(t, srv, http.MethodGet, "/credentials", "", nil)
	if strings.Contains(mustJSON(t, list), `"secret_key"`) {
		t.Errorf("list shows secrets: %v", list)
	}
	_, bucket := consoleCall(t, srv, http.MethodGet, "/buckets/names", "", nil)
	objects, _ := bucket["objects"].([]any)
	if bucket["object_count"] != 1.0 || len(objects) != 1 || objects[0].(map[string]any)["size_human"] == nil {
		t.Errorf("bucket %v", bucket)
	}
}

// A credential turned off from outside the console shows as inactive.
func TestConsoleSeesEmulatorCredentials(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, withConsole)
	srv.Emulator.SetCredential("LATERKEY", "later-secret")
	srv.Emulator.SetCredentialActive("LATERKEY", false)
	_, doc := consoleCall(t, srv, http.MethodGet, "/credentials/2", "", nil)
	if doc["access_key"] != "LATERKEY" || doc["is_active"] != false {
		t.Errorf("credential 2 = %v", doc)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
