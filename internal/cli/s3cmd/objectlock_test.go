package s3cmd_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// lockedBucket makes bucket "vault" with Object Lock.
func lockedBucket(t *testing.T, e *clitest.Env) *client.Client {
	t.Helper()
	e.MustRun("s3", "mb", "s3://vault", "--object-lock")
	return e.Client()
}

// putVersion stores body under key in vault with lock (and Content-MD5,
// which S3 wants with one) and returns its version.
func putVersion(t *testing.T, c *client.Client, key, body string, lock client.ObjectLock) string {
	t.Helper()
	sum := md5.Sum([]byte(body))
	out, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "vault", Key: key, Body: strings.NewReader(body),
		ContentMD5: base64.StdEncoding.EncodeToString(sum[:]), ObjectAttributes: client.ObjectAttributes{Lock: lock}})
	if err != nil {
		t.Fatal(err)
	}
	return out.VersionID
}

// versionsOf lists bucket's versions and delete markers as "key@version".
func versionsOf(t *testing.T, c *client.Client, bucket string) []string {
	t.Helper()
	var out []string
	for page, err := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: bucket}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			out = append(out, v.Key+"@"+v.VersionID)
		}
	}
	return out
}

func wantFailure(t *testing.T, r clitest.Result, fragments ...string) {
	t.Helper()
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	for _, f := range fragments {
		if !strings.Contains(r.Stderr, f) {
			t.Errorf("stderr lacks %q:\n%s", f, r.Stderr)
		}
	}
	if strings.Contains(r.Stdout, "delete: ") || strings.Contains(r.Stdout, "move: ") {
		t.Errorf("a refused delete was reported done:\n%s", r.Stdout)
	}
}

// rm --version-id of a locked version fails naming it and its lock;
// --bypass-governance-retention lifts GOVERNANCE only; a delete without a
// version adds a marker.
func TestRmLockedVersion(t *testing.T) {
	e := clitest.New(t)
	c := lockedBucket(t, e)
	until := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	gov := putVersion(t, c, "gov", "g", client.ObjectLock{Mode: client.RetentionGovernance, RetainUntil: until})
	comp := putVersion(t, c, "comp", "c", client.ObjectLock{Mode: client.RetentionCompliance, RetainUntil: until})
	held := putVersion(t, c, "held", "h", client.ObjectLock{LegalHold: true})

	r := e.Run("", "s3", "rm", "s3://vault/gov", "--version-id", gov)
	wantFailure(t, r, "s3://vault/gov (version "+gov+") is protected by Object Lock (GOVERNANCE retention until "+until.Format(time.RFC3339)+")",
		"--bypass-governance-retention")
	r = e.Run("", "s3", "rm", "s3://vault/comp", "--version-id", comp, "--bypass-governance-retention")
	wantFailure(t, r, "s3://vault/comp (version "+comp+") is protected by Object Lock (COMPLIANCE retention until", "cannot be shortened")
	r = e.Run("", "s3", "rm", "s3://vault/held", "--version-id", held, "--bypass-governance-retention")
	wantFailure(t, r, "(version "+held+") is protected by Object Lock (legal hold on)", "legal hold must be turned off")
	r = e.Run("", "--output", "json", "s3", "rm", "s3://vault/held", "--version-id", held)
	if r.Code != 1 || strings.Contains(r.Stdout, `"status":"done"`) {
		t.Errorf("--output json of a refused delete: exit %d\n%s", r.Code, r.Stdout)
	}
	if got := versionsOf(t, c, "vault"); len(got) != 3 {
		t.Fatalf("versions after refused deletes: %v", got)
	}

	if r := e.MustRun("s3", "rm", "s3://vault/gov", "--version-id", gov, "--bypass-governance-retention"); r.Stdout != "delete: s3://vault/gov (version "+gov+")\n" {
		t.Errorf("rm with the bypass printed %q", r.Stdout)
	}
	if r := e.MustRun("s3", "rm", "s3://vault/comp"); r.Stdout != "delete: s3://vault/comp\n" {
		t.Errorf("rm without a version printed %q", r.Stdout)
	}
	if got := versionsOf(t, c, "vault"); len(got) != 3 || !slices.Contains(got, "comp@"+comp) {
		t.Errorf("after the bypass and a delete marker: %v", got)
	}
	if r := e.Run("", "s3", "rm", "s3://vault/comp", "--bypass-governance-retention"); r.Code != 252 || !strings.Contains(r.Stderr, "--version-id") {
		t.Errorf("--bypass-governance-retention without --version-id: exit %d %s", r.Code, r.Stderr)
	}
}

// rb --force leaves a bucket holding a protected version whole: it names
// the version and its lock and deletes nothing.
func TestRbForceStopsAtALockedVersion(t *testing.T) {
	e := clitest.New(t)
	c := lockedBucket(t, e)
	for i := range 3 {
		putVersion(t, c, fmt.Sprintf("free/%d", i), "x", client.ObjectLock{})
	}
	held := putVersion(t, c, "held", "h", client.ObjectLock{LegalHold: true})
	e.MustRun("s3", "rm", "s3://vault/free/0") // a delete marker too
	before := versionsOf(t, c, "vault")

	r := e.Run("", "s3", "rb", "s3://vault", "--force", "--page-size", "2")
	wantFailure(t, r, "s3://vault/held (version "+held+") is protected by Object Lock (legal hold on)", "nothing was deleted and s3://vault was not removed")
	if got := versionsOf(t, c, "vault"); !slices.Equal(got, before) {
		t.Errorf("rb --force of a locked bucket deleted versions:\nbefore %v\nafter  %v", before, got)
	}
	if r.Stdout != "" {
		t.Errorf("rb --force printed %q", r.Stdout)
	}

	if err := c.PutObjectLegalHold(context.Background(), client.ObjectRef{Bucket: "vault", Key: "held", VersionID: held}, false); err != nil {
		t.Fatal(err)
	}
	putVersion(t, c, "gov", "g", client.ObjectLock{Mode: client.RetentionGovernance, RetainUntil: time.Now().Add(time.Hour)})
	wantFailure(t, e.Run("", "s3", "rb", "s3://vault", "--force"), "GOVERNANCE retention until")
	r = e.MustRun("s3", "rb", "s3://vault", "--force", "--bypass-governance-retention")
	if !strings.HasSuffix(r.Stdout, "remove_bucket: vault\n") {
		t.Errorf("rb --force --bypass-governance-retention printed %q", r.Stdout)
	}
	if r := e.Run("", "s3", "rb", "s3://other", "--bypass-governance-retention"); r.Code != 252 {
		t.Errorf("--bypass-governance-retention without --force: exit %d", r.Code)
	}
}

// A version locked after rb --force looked (here: by the time its
// DeleteObjects arrives) is reported with its lock, and the bucket stays.
func TestRbForceReportsAVersionLockedMeanwhile(t *testing.T) {
	var once sync.Once
	var e *clitest.Env
	e = clitest.NewWrapped(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Query().Has("delete") {
				once.Do(func() { holdEvery(t, e.Client(), "vault") })
			}
			next.ServeHTTP(w, r)
		})
	})
	c := lockedBucket(t, e)
	v := putVersion(t, c, "doc", "d", client.ObjectLock{})
	r := e.Run("", "s3", "rb", "s3://vault", "--force")
	wantFailure(t, r, "delete failed: s3://vault/doc (version "+v+") is protected by Object Lock (legal hold on)",
		"1 object could not be deleted (1 protected by Object Lock); s3://vault was not removed")
	if err := c.HeadBucket(context.Background(), "vault"); err != nil {
		t.Errorf("the bucket: %v", err)
	}
}

// holdEvery puts a legal hold on every version in bucket.
func holdEvery(t *testing.T, c *client.Client, bucket string) {
	for _, kv := range versionsOf(t, c, bucket) {
		key, v, _ := strings.Cut(kv, "@")
		if err := c.PutObjectLegalHold(context.Background(), client.ObjectRef{Bucket: bucket, Key: key, VersionID: v}, true); err != nil {
			t.Error(err)
		}
	}
}

// refuseDeletes answers every delete as S3 answers one of a version Object
// Lock protects: a server that (unlike S3) refuses plain deletes too.
func refuseDeletes(next http.Handler) http.Handler {
	const denied = "Access Denied because object protected by object lock."
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete && r.URL.Query().Get("uploadId") == "":
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<Error><Code>AccessDenied</Code><Message>`+denied+`</Message><RequestId>x</RequestId></Error>`)
		case r.Method == http.MethodPost && r.URL.Query().Has("delete"):
			body, _ := io.ReadAll(r.Body)
			var res strings.Builder
			res.WriteString(`<DeleteResult>`)
			for _, key := range strings.Split(string(body), "<Key>")[1:] {
				key, _, _ = strings.Cut(key, "</Key>")
				res.WriteString(`<Error><Key>` + key + `</Key><Code>AccessDenied</Code><Message>` + denied + `</Message></Error>`)
			}
			res.WriteString(`</DeleteResult>`)
			w.Header().Set("Content-Type", "application/xml")
			io.WriteString(w, res.String())
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// rm --recursive, sync --delete and mv against a server that refuses
// deletes for Object Lock: each refused object is named with the
// server's reason, exit 1, and nothing is reported deleted or moved.
func TestDeletesRefusedForObjectLock(t *testing.T) {
	e := clitest.NewWrapped(t, refuseDeletes)
	e.MustRun("s3", "mb", "s3://bkt")
	e.Put("bkt", map[string]string{"d/a": "a", "d/b": "b", "one": "1"})
	lock := "AccessDenied: Access Denied because object protected by object lock."

	wantFailure(t, e.Run("", "s3", "rm", "--recursive", "s3://bkt/d/"), "delete failed: s3://bkt/d/a: "+lock, "delete failed: s3://bkt/d/b: "+lock)
	wantFailure(t, e.Run("", "s3", "rm", "s3://bkt/one"), "s3://bkt/one is protected by Object Lock; not deleted")
	dir := t.TempDir()
	wantFailure(t, e.Run("", "s3", "sync", dir, "s3://bkt/d/", "--delete"), "delete failed: s3://bkt/d/a: "+lock)
	r := e.Run("", "s3", "mv", "s3://bkt/one", "s3://bkt/two")
	wantFailure(t, r, "s3://bkt/one was copied to s3://bkt/two, but could not be removed: s3://bkt/one is protected by Object Lock")
	r = e.Run("", "s3", "mv", "--recursive", "s3://bkt/d/", "s3://bkt/e/")
	wantFailure(t, r, "s3://bkt/d/a was transferred to s3://bkt/e/a, but could not be removed", "object lock")
	if got := keys(t, e, ""); !slices.Equal(got, []string{"d/a", "d/b", "e/a", "e/b", "one", "two"}) {
		t.Errorf("after refused deletes the bucket holds %v", got)
	}
}

// Uploads into a bucket whose default retention locks every new object:
// S3 refuses there a part sent without a digest, which qcli otherwise
// computes as the part is sent (over HTTPS). The refused part goes again
// with its Content-MD5, as do the parts after it; the upload succeeds,
// from a file and from stdin.
func TestMultipartUploadIntoABucketWithDefaultRetention(t *testing.T) {
	e := xferEnv(t)
	c := lockedBucket(t, e)
	if err := c.PutObjectLockConfiguration(context.Background(), "vault", client.ObjectLockConfiguration{
		DefaultRetention: &client.DefaultRetention{Mode: client.RetentionGovernance, Days: 1}}); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(40 << 10)
	path := filepath.Join(t.TempDir(), "big")
	writeFile(t, path, data)
	e.MustRun(args("s3", "cp", path, "s3://vault/file")...)
	if r := e.Run(string(data), args("s3", "cp", "-", "s3://vault/stream")...); r.Code != 0 {
		t.Fatalf("stdin upload: exit %d: %s", r.Code, r.Stderr)
	}
	for _, key := range []string{"file", "stream"} {
		got := e.MustRun("s3", "cat", "s3://vault/"+key).Stdout
		if got != string(data) {
			t.Errorf("%s: %d bytes stored, not the %d uploaded", key, len(got), len(data))
		}
	}
}
