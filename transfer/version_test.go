package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/transfer"
)

// A download or copy of a version reads that version in every request:
// the HEAD, each ranged GET (and the HEAD of part 1 that plans the
// verification of a multipart object), the CopyObject or each
// UploadPartCopy; a newer version written since changes nothing.
func TestVersionPinnedDownloadsAndCopies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.c.PutBucketVersioning(ctx, "bkt", client.VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	m := e.manager(func(o *transfer.Options) { o.CopyThreshold = testThreshold })
	old := make([]byte, 5*testPartSize+100) // multipart, so ranged GETs and part copies
	_, _ = rand.Read(old)
	path := filepath.Join(t.TempDir(), "old.bin")
	os.WriteFile(path, old, 0o600)
	if _, err := m.UploadFile(ctx, path, transfer.UploadInput{Bucket: "bkt", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	up, err := e.c.HeadObject(ctx, client.HeadObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil || up.VersionID == "" {
		t.Fatalf("the upload's version: %+v, %v", up, err)
	}
	if _, err := e.c.PutObject(ctx, client.PutObjectInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("newer")}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var unpinned []string
	e.srv.Emulator.Observe(func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/bkt/k") && r.URL.Query().Get("versionId") != up.VersionID &&
			r.Header.Get("X-Amz-Copy-Source") == "" || strings.HasPrefix(r.Header.Get("X-Amz-Copy-Source"), "bkt/k") &&
			!strings.HasSuffix(r.Header.Get("X-Amz-Copy-Source"), "?versionId="+up.VersionID) {
			mu.Lock()
			unpinned = append(unpinned, r.Method+" "+r.URL.String())
			mu.Unlock()
		}
	})

	dst := filepath.Join(t.TempDir(), "got")
	res, err := m.DownloadFile(ctx, transfer.DownloadInput{Bucket: "bkt", Key: "k", VersionID: up.VersionID}, dst)
	if got, _ := os.ReadFile(dst); err != nil || !bytes.Equal(got, old) || res.Parts < 2 || res.Verified == "" {
		t.Errorf("download of the old version: %d bytes, %+v, %v", len(got), res, err)
	}
	var buf bytes.Buffer
	if _, err := m.Download(ctx, transfer.DownloadInput{Bucket: "bkt", Key: "k", VersionID: up.VersionID}, &buf); err != nil || !bytes.Equal(buf.Bytes(), old) {
		t.Errorf("streamed download of the old version: %d bytes, %v", buf.Len(), err)
	}
	for _, threshold := range []int64{testThreshold, 1 << 30} { // part copies, then one CopyObject
		m := e.manager(func(o *transfer.Options) { o.CopyThreshold = threshold })
		res, err := m.Copy(ctx, transfer.CopyInput{SourceBucket: "bkt", SourceKey: "k", SourceVersionID: up.VersionID,
			Dest: transfer.UploadInput{Bucket: "bkt", Key: "copy"}})
		got, derr := e.c.Download(ctx, "bkt", "copy")
		if err != nil || derr != nil || !bytes.Equal(got, old) {
			t.Errorf("copy of the old version (threshold %d): %d bytes, %+v, %v, %v", threshold, len(got), res, err, derr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(unpinned) > 0 {
		t.Errorf("requests for k that did not name the version: %v", unpinned)
	}
}
