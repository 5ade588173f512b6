package transfer

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"testing/iotest"

	md5simd "github.com/minio/md5-simd"

	"github.com/quilibrium/qcli/client"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestSumWithReadsOnce checks that one read of a part gives its MD5, its
// payload SHA-256 and its flexible checksum, each equal to what the
// reference implementation computes.
func TestSumWithReadsOnce(t *testing.T) {
	data := bytes.Repeat([]byte("a part of an upload "), 5000)
	for _, alg := range append([]client.ChecksumAlgorithm{""}, client.ChecksumAlgorithms()...) {
		r := &countingReader{r: bytes.NewReader(data)}
		s, n, err := sumWith(md5simd.StdlibHasher(), r, &copyBuffers{}, sumOpts{sha256: true, checksum: alg})
		if err != nil || n != int64(len(data)) || r.n != len(data) {
			t.Fatalf("%q: n %d, %d bytes read, err %v; want %d read once", alg, n, r.n, err, len(data))
		}
		sha := sha256.Sum256(data)
		if s.md5 != md5.Sum(data) || s.sha256 != hex.EncodeToString(sha[:]) {
			t.Errorf("%q: md5 %x, sha256 %s; want %x, %x", alg, s.md5, s.sha256, md5.Sum(data), sha)
		}
		want := ""
		if alg != "" {
			c, err := client.ComputeChecksum(alg, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			want = c.Value
		}
		if s.checksum != want {
			t.Errorf("%q: checksum %q, want %q", alg, s.checksum, want)
		}
	}
	if _, _, err := sumWith(md5simd.StdlibHasher(), bytes.NewReader(data), &copyBuffers{}, sumOpts{checksum: "CRC99"}); err == nil {
		t.Error("an unknown algorithm gave no error")
	}
	if _, _, err := sumWith(md5simd.StdlibHasher(), iotest.ErrReader(iotest.ErrTimeout), &copyBuffers{}, sumOpts{}); err != iotest.ErrTimeout {
		t.Errorf("a failed read gave %v, want %v", err, iotest.ErrTimeout)
	}
}
