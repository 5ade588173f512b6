package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/transfer"
)

// flipper damages ranged GET answers while on: one byte of each body is
// changed, headers (ETag, Content-Range) left as they were, as a faulty
// disk or proxy would.
type flipper struct{ on atomic.Bool }

func (f *flipper) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.on.Load() || r.Method != http.MethodGet || r.Header.Get("Range") == "" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&flipWriter{ResponseWriter: w}, r)
	})
}

type flipWriter struct {
	http.ResponseWriter
	done bool
}

func (w *flipWriter) Write(p []byte) (int, error) {
	if !w.done && len(p) > 0 {
		q := bytes.Clone(p)
		q[len(q)/2] ^= 0x40
		w.done = true
		return w.ResponseWriter.Write(q)
	}
	return w.ResponseWriter.Write(p)
}

// TestDownloadChecksTheCheapestSoundChecksum downloads objects that carry
// flexible checksums: a full-object CRC64NVME is checked instead of the
// MD5s (cheaper, as strong), to a file or a stream; a 32-bit CRC never
// replaces an MD5 the ETag allows; and where there is no MD5 to check
// (SSE-KMS), a CRC32C is checked rather than the size alone.
func TestDownloadChecksTheCheapestSoundChecksum(t *testing.T) {
	f := &flipper{}
	e := newWrappedEnv(t, f.wrap)
	m := e.manager()
	ctx := context.Background()
	dir := t.TempDir()
	big, data := randomFile(t, dir, 3*testPartSize+5)
	put := func(key string, alg client.ChecksumAlgorithm, sse string) {
		t.Helper()
		_, err := e.c.PutObject(ctx, client.PutObjectInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(data),
			ChecksumAlgorithm: alg, ObjectAttributes: client.ObjectAttributes{SSE: client.SSE{Type: sse}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	upload := func(key string, alg client.ChecksumAlgorithm) {
		t.Helper()
		if _, err := m.UploadFile(ctx, big, transfer.UploadInput{Bucket: "bkt", Key: key, ChecksumAlgorithm: alg}); err != nil {
			t.Fatal(err)
		}
	}
	put("single-crc64", client.ChecksumCRC64NVME, "")
	upload("multi-crc64", client.ChecksumCRC64NVME) // a full-object checksum
	put("single-crc32c", client.ChecksumCRC32C, "")
	upload("multi-crc32c", client.ChecksumCRC32C) // a composite checksum
	put("kms-crc32c", client.ChecksumCRC32C, client.SSEVerenc)
	for key, want := range map[string]string{
		"single-crc64": "crc64nvme", "multi-crc64": "crc64nvme",
		"single-crc32c": transfer.VerifiedMD5, "multi-crc32c": transfer.VerifiedComposite,
		"kms-crc32c": "crc32c",
	} {
		out := filepath.Join(dir, key)
		res, err := m.DownloadFile(ctx, transfer.DownloadInput{Bucket: "bkt", Key: key}, out)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if got, _ := os.ReadFile(out); res.Verified != want || !bytes.Equal(got, data) {
			t.Errorf("%s: verified %q (want %q), bytes intact %v", key, res.Verified, want, bytes.Equal(got, data))
		}
		var buf bytes.Buffer
		if res, err := m.Download(ctx, transfer.DownloadInput{Bucket: "bkt", Key: key}, &buf); err != nil || res.Verified != want || !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%s to a stream: %v, verified %q (want %q)", key, err, res.Verified, want)
		}
	}

	// Damaged bytes fail the checksum: nothing is left at the target.
	f.on.Store(true)
	for _, key := range []string{"single-crc64", "multi-crc64", "kms-crc32c"} {
		out := filepath.Join(dir, "damaged-"+key)
		_, err := m.DownloadFile(ctx, transfer.DownloadInput{Bucket: "bkt", Key: key}, out)
		var ie *transfer.IntegrityError
		if !errors.As(err, &ie) || !strings.Contains(ie.Want, "CRC") {
			t.Errorf("%s, damaged: %v; want an IntegrityError on its checksum", key, err)
		}
		if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("%s, damaged: the target exists (%v)", key, serr)
		}
		if _, err := m.Download(ctx, transfer.DownloadInput{Bucket: "bkt", Key: key}, io.Discard); !errors.As(err, &ie) {
			t.Errorf("%s to a stream, damaged: %v; want an IntegrityError", key, err)
		}
	}
}
