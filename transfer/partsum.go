package transfer

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

	md5simd "github.com/minio/md5-simd"

	"github.com/quilibrium/qcli/client"
)

// partSum is what one read of an upload's part (or single body) computes,
// so that nothing reads it again but the request that sends it: its MD5
// (Content-MD5 and the ETag checks); over plain HTTP its hex SHA-256, which
// the request is signed with; and the upload's flexible checksum (base64),
// if it sends one. The SDK or the client would otherwise read the part
// once more for each of the last two.
type partSum struct {
	md5      [md5.Size]byte
	sha256   string
	checksum string
}

// sumOpts says what a part's read computes besides its MD5.
type sumOpts struct {
	sha256   bool
	checksum client.ChecksumAlgorithm
}

// sumOpts is what the parts of in are hashed for.
func (m *Manager) sumOpts(in UploadInput) sumOpts {
	return sumOpts{sha256: m.c.SignsPayload(), checksum: in.ChecksumAlgorithm}
}

// sumWith reads r to the end through c's buffers and hashes it: its MD5
// on h (closed after), and what o asks for. n is the number of bytes read.
func sumWith(h md5simd.Hasher, r io.Reader, c *copyBuffers, o sumOpts) (s partSum, n int64, err error) {
	defer h.Close()
	ws := []io.Writer{h}
	var sh, ch hash.Hash
	if o.sha256 {
		sh = sha256.New()
		ws = append(ws, sh)
	}
	if o.checksum != "" {
		if ch = o.checksum.NewHash(); ch == nil {
			_, err := client.ParseChecksumAlgorithm(string(o.checksum))
			return s, 0, err
		}
		ws = append(ws, ch)
	}
	if n, err = c.copyFull(io.MultiWriter(ws...), r); err != nil {
		return s, n, err
	}
	h.Sum(s.md5[:0])
	if sh != nil {
		s.sha256 = hex.EncodeToString(sh.Sum(nil))
	}
	if ch != nil {
		s.checksum = b64(ch.Sum(nil))
	}
	return s, n, nil
}

// md5Hex is the MD5 as a plain ETag spells it.
func (s partSum) md5Hex() string { return hex.EncodeToString(s.md5[:]) }

// checkETag compares the ETag the service returned for these bytes, named
// what, with their MD5 where its ETags are MD5s (not with SSE-KMS or
// SSE-C, asked for in sse or answered by the service: see etagIsMD5);
// checked says whether it could.
func (s partSum) checkETag(sse client.SSE, answered, etag, what string) (checked bool, err error) {
	if !etagIsMD5(sse, answered, etag) {
		return false, nil
	}
	if want := s.md5Hex(); !sameETag(etag, want) {
		return true, &IntegrityError{What: what, Want: want, Got: trimETag(etag)}
	}
	return true, nil
}

// hashingBody is a part's body that computes its MD5 as the request reads
// it. The client rewinds the body to retry a request; the hash then starts
// over, so it is always of the bytes the last attempt sent.
type hashingBody struct {
	r       io.ReadSeeker
	newHash func() md5simd.Hasher
	h       md5simd.Hasher
	// hashed bytes were read in order from the start and hashed; at is
	// where the next read starts. A read elsewhere is not hashed, and the
	// hash then does not cover the part (sum says so).
	hashed, at int64
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 && b.at == b.hashed {
		if b.h == nil {
			b.h = b.newHash()
		}
		_, _ = b.h.Write(p[:n]) // a hash.Hash write never fails
		b.hashed += int64(n)
	}
	b.at += int64(n)
	return n, err
}

func (b *hashingBody) Seek(off int64, whence int) (int64, error) {
	pos, err := b.r.Seek(off, whence)
	if err != nil {
		return pos, err
	}
	b.at = pos
	if pos == 0 && b.hashed > 0 {
		b.close()
		b.hashed = 0
	}
	return pos, nil
}

// sum is the MD5 of the size bytes read since the last rewind; ok is
// false when they were not read in order or not to the end.
func (b *hashingBody) sum(size int64) (s partSum, ok bool) {
	if b.hashed != size || b.at != size {
		return s, false
	}
	if b.h == nil {
		b.h = b.newHash() // an empty part
	}
	b.h.Sum(s.md5[:0])
	return s, true
}

// close releases the hasher.
func (b *hashingBody) close() {
	if b.h != nil {
		b.h.Close()
		b.h = nil
	}
}
