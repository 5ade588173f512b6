package presign_test

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/presign"
)

// curl runs curl against the emulator, trusting its certificate, and
// returns the HTTP status it reports.
func curl(t *testing.T, e *env, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"-sS", "-g", "--cacert", ca, "-w", "%{http_code}"}, args...)
	out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestCurlUsesEveryKindOfURL is the CI hand-off: URLs made here, used by a
// program that has never heard of S3.
func TestCurlUsesEveryKindOfURL(t *testing.T) {
	e := start(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "build.tar")
	os.WriteFile(src, []byte("artifact bytes"), 0o600)

	put, err := e.p.PutObject(t.Context(), presign.PutObjectInput{Bucket: "bkt", Key: "ci/build 1+2.tar", ContentType: "application/x-tar"})
	if err != nil {
		t.Fatal(err)
	}
	if code := curl(t, e, "-o", os.DevNull, "-T", src, "-H", "Content-Type: "+put.Header.Get("Content-Type"), put.URL); code != "200" {
		t.Fatalf("curl -T: HTTP %s", code)
	}

	get, err := e.p.GetObject(t.Context(), presign.GetObjectInput{Bucket: "bkt", Key: "ci/build 1+2.tar"})
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "downloaded")
	if code := curl(t, e, "-o", dst, get.URL); code != "200" {
		t.Fatalf("curl GET: HTTP %s", code)
	}
	if b, _ := os.ReadFile(dst); string(b) != "artifact bytes" {
		t.Errorf("downloaded %q", b)
	}

	form, err := e.p.PostObject(t.Context(), presign.PostObjectInput{Bucket: "bkt", KeyPrefix: "drop/", MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-o", os.DevNull}
	for k, v := range form.Fields {
		args = append(args, "--form-string", k+"="+v)
	}
	if code := curl(t, e, append(args, "-F", "file=@"+src, form.URL)...); code != "204" {
		t.Fatalf("curl -F: HTTP %s", code)
	}
	if got, _ := e.get(t, "drop/build.tar"); got != "artifact bytes" {
		t.Errorf("POSTed %q", got)
	}

	e.clock.Advance(presign.DefaultExpiry + time.Minute)
	if code := curl(t, e, "-o", os.DevNull, get.URL); code != "403" {
		t.Errorf("curl with an expired URL: HTTP %s, want 403", code)
	}
}
