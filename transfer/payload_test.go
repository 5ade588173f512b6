package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/transfer"
)

// TestUploadOverPlainHTTPSignsEachBodyWithItsSHA256 uploads over plain
// HTTP, where the signature covers each body's SHA-256 and the engine
// computes it in the read that computes the MD5 (on the md5-simd lanes for
// a multipart file): every PUT carries the SHA-256 of exactly the bytes it
// sent (the emulator refuses any other), and the objects read back intact.
func TestUploadOverPlainHTTPSignsEachBodyWithItsSHA256(t *testing.T) {
	srv := emulatortest.StartPlainHTTP(t, emulator.Options{MinPartSize: testMinPart})
	var mu sync.Mutex
	hashes := map[string]bool{} // X-Amz-Content-Sha256 of every PUT
	srv.Emulator.Observe(func(r *http.Request) {
		if r.Method == http.MethodPut {
			mu.Lock()
			hashes[r.Header.Get("X-Amz-Content-Sha256")] = true
			mu.Unlock()
		}
	})
	c, err := client.New(client.Config{Endpoint: srv.URL, MaxAttempts: 1,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	m, err := transfer.New(c, transfer.Options{MinPartSize: testMinPart, PartSize: testPartSize, Threshold: testThreshold, Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, size := range []int{testThreshold - 1, 10*testPartSize + 7} {
		path, data := randomFile(t, dir, size)
		res, err := m.UploadFile(ctx, path, transfer.UploadInput{Bucket: "bkt", Key: "k"})
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		partSize := int(res.PartSize)
		if partSize == 0 { // a single PutObject
			partSize = size
		}
		for off := 0; off < size; off += partSize {
			part := data[off:min(size, off+partSize)]
			sum := sha256.Sum256(part)
			if !hashes[hex.EncodeToString(sum[:])] {
				t.Errorf("%d bytes: no PUT carried the SHA-256 of bytes %d-%d", size, off, off+len(part)-1)
			}
		}
		out := filepath.Join(dir, "out")
		if _, err := m.DownloadFile(ctx, transfer.DownloadInput{Bucket: "bkt", Key: "k"}, out); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: the object read back differs", size)
		}
	}
}
