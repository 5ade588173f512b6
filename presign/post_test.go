package presign_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/presign"
)

func TestPostObjectWithKeyPrefix(t *testing.T) {
	e := start(t)
	form, err := e.p.PostObject(t.Context(), presign.PostObjectInput{
		Bucket: "bkt", KeyPrefix: "uploads/", ContentType: "text/plain", MaxSize: 16,
		Metadata: map[string]string{"Source": "web"}, ACL: "private",
	})
	if err != nil {
		t.Fatal(err)
	}
	if form.Fields["key"] != "uploads/${filename}" || form.Fields["Content-Type"] != "text/plain" || form.Fields["x-amz-meta-source"] != "web" {
		t.Errorf("fields %v", form.Fields)
	}
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, form.Fields, "notes.txt", "hello")); resp.status != http.StatusNoContent {
		t.Fatalf("POST: %d %s", resp.status, resp.body)
	}
	got, info := e.get(t, "uploads/notes.txt")
	if got != "hello" || info.ContentType != "text/plain" || info.Metadata["source"] != "web" {
		t.Errorf("stored %q %+v", got, info)
	}

	other := clone(form.Fields, "key", "uploads/chosen/by/browser")
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, other, "f", "x")); resp.status != http.StatusNoContent {
		t.Errorf("a key within the prefix: %d %s", resp.status, resp.body)
	}
	refused := []struct {
		name   string
		fields map[string]string
		body   string
		status int
	}{
		{"key outside the prefix", clone(form.Fields, "key", "elsewhere/x"), "x", 403},
		{"file over MaxSize", form.Fields, strings.Repeat("x", 17), 400},
		{"another content type", clone(form.Fields, "Content-Type", "text/html"), "x", 403},
		{"changed metadata", clone(form.Fields, "x-amz-meta-source", "evil"), "x", 403},
		{"unsigned extra field", clone(form.Fields, "x-amz-meta-extra", "1"), "x", 403},
		{"tampered signature", clone(form.Fields, "X-Amz-Signature", strings.Repeat("a", 64)), "x", 403},
	}
	for _, tc := range refused {
		if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, tc.fields, "f", tc.body)); resp.status != tc.status {
			t.Errorf("%s: HTTP %d (%s), want %d", tc.name, resp.status, resp.body, tc.status)
		}
	}
}

func TestPostObjectExactKey(t *testing.T) {
	e := start(t)
	form, err := e.p.PostObject(t.Context(), presign.PostObjectInput{Bucket: "bkt", Key: "avatar.png", MinSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, clone(form.Fields, "key", "other.png"), "f", "xx")); resp.status != 403 {
		t.Errorf("another key: HTTP %d, want 403", resp.status)
	}
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, form.Fields, "f", "x")); resp.status != 400 {
		t.Errorf("a file under MinSize: HTTP %d, want 400", resp.status)
	}
	if resp := do(t, e.srv.HTTPClient(), emulatortest.PostFormRequest(t, form.URL, form.Fields, "f", "xx")); resp.status != 204 {
		t.Errorf("POST: HTTP %d %s", resp.status, resp.body)
	}
}

func clone(fields map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for name, val := range fields {
		if name != k {
			out[name] = val
		}
	}
	return out
}
