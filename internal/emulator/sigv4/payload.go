package sigv4

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Request bodies are wrapped so that handlers read plain object bytes that
// have been checked against every digest the client sent: the signed
// x-amz-content-sha256, Content-MD5, and x-amz-checksum-* (as a header or an
// aws-chunked trailer). A mismatch surfaces as a read error at EOF, so the
// store aborts the write instead of keeping a wrong object.

// digestCheck compares one running digest with the value the client sent.
type digestCheck struct {
	h      hash.Hash
	hexOut bool                  // hex (sha256 payload hash) rather than base64
	want   func() (string, bool) // late-bound for trailers
	fail   *s3err.Error
}

func (c digestCheck) ok() bool {
	want, present := c.want()
	if !present {
		return false
	}
	sum := c.h.Sum(nil)
	if c.hexOut {
		return strings.EqualFold(hex.EncodeToString(sum), want)
	}
	return base64.StdEncoding.EncodeToString(sum) == want
}

// verifyingReader feeds every check and enforces the expected length.
type verifyingReader struct {
	r      io.Reader
	checks []digestCheck
	n      int64
	expect int64 // -1: unknown
	err    error // sticky once the end has been judged
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.n += int64(n)
	for _, c := range v.checks {
		c.h.Write(p[:n])
	}
	if err == io.EOF {
		err = v.finish()
	}
	if err != nil {
		v.err = err
	}
	return n, err
}

func (v *verifyingReader) finish() error {
	if v.expect >= 0 && v.n != v.expect {
		return s3err.Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	for _, c := range v.checks {
		if !c.ok() {
			return c.fail
		}
	}
	return io.EOF
}

func checksumMismatch(alg checksum.Algorithm) *s3err.Error {
	return s3err.Errorf("BadDigest", "The %s you specified did not match the calculated checksum.", alg)
}

func fixed(v string) func() (string, bool) { return func() (string, bool) { return v, true } }

// PrepareBody returns a copy of r whose body decodes aws-chunked framing
// (its headers then describe the decoded body) and fails, at its end, if a
// digest the request carries does not match. r itself is left as net/http
// read it: the server decides after the handler, from r's Content-Length,
// whether the rest of the body must still be read, and a request that
// claimed no body while one remains breaks its connection handling.
func PrepareBody(r *http.Request, auth *Auth) (*http.Request, error) {
	r = r.Clone(r.Context())
	sha := r.Header.Get("X-Amz-Content-Sha256")
	v := &verifyingReader{r: r.Body, expect: r.ContentLength}
	if strings.HasPrefix(sha, "STREAMING-") || hasAWSChunked(r.Header) {
		dec, err := newChunkDecoder(r, auth, sha)
		if err != nil {
			return nil, err
		}
		v.r, v.expect = dec, r.ContentLength
		if err := addTrailerCheck(v, r.Header, dec); err != nil {
			return nil, err
		}
	} else if len(sha) == 64 {
		v.checks = append(v.checks, digestCheck{h: sha256.New(), hexOut: true, want: fixed(sha),
			fail: s3err.Errorf("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")})
	}
	if err := addHeaderChecks(v, r.Header, describesBody(r)); err != nil {
		return nil, err
	}
	r.Body = readCloser{v, r.Body}
	return r, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// CarriesDigest reports whether h announces a digest of the body that
// PrepareBody verifies: Content-MD5, an x-amz-checksum-* header, or an
// x-amz-trailer naming one. S3 requires one of them on some operations.
func CarriesDigest(h http.Header) bool {
	if h.Get("Content-Md5") != "" {
		return true
	}
	for _, alg := range checksum.All {
		if h.Get(alg.Header()) != "" {
			return true
		}
	}
	_, ok := checksum.FromTrailer(h)
	return ok
}

// describesBody is false for CompleteMultipartUpload, whose
// x-amz-checksum-* headers are the checksum of the object it assembles,
// not of its XML body.
func describesBody(r *http.Request) bool {
	return r.Method != http.MethodPost || !r.URL.Query().Has("uploadId")
}

func addHeaderChecks(v *verifyingReader, h http.Header, checksums bool) error {
	for _, alg := range checksum.All {
		if want := h.Get(alg.Header()); want != "" && checksums {
			v.checks = append(v.checks, digestCheck{h: alg.New(), want: fixed(want), fail: checksumMismatch(alg)})
		}
	}
	if _, present := h["Content-Md5"]; !present {
		return nil
	}
	want := h.Get("Content-Md5")
	if raw, err := base64.StdEncoding.DecodeString(want); err != nil || len(raw) != md5.Size {
		return s3err.Errorf("InvalidDigest", "The Content-MD5 you specified is not valid.")
	}
	v.checks = append(v.checks, digestCheck{h: md5.New(), want: fixed(want),
		fail: s3err.Errorf("BadDigest", "The Content-MD5 you specified did not match what we received.")})
	return nil
}

// addTrailerCheck verifies the checksum an aws-chunked body carries in its
// trailer, as the AWS SDKs send it over HTTPS.
func addTrailerCheck(v *verifyingReader, h http.Header, dec *chunkDecoder) error {
	if strings.TrimSpace(h.Get("X-Amz-Trailer")) == "" {
		return nil
	}
	alg, ok := checksum.FromTrailer(h)
	if !ok {
		return s3err.Errorf("InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
	}
	want := func() (string, bool) { return dec.trailer(strings.ToLower(alg.Header())) }
	v.checks = append(v.checks, digestCheck{h: alg.New(), want: want, fail: checksumMismatch(alg)})
	return nil
}

func hasAWSChunked(h http.Header) bool {
	for _, v := range strings.Split(h.Get("Content-Encoding"), ",") {
		if strings.TrimSpace(v) == "aws-chunked" {
			return true
		}
	}
	return false
}

// unchunkHeaders makes the request look as if the plain body had been sent,
// so that aws-chunked is neither stored as Content-Encoding nor decoded twice.
func unchunkHeaders(r *http.Request, decoded int64) {
	var kept []string
	for _, v := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
		if v = strings.TrimSpace(v); v != "" && v != "aws-chunked" {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		r.Header.Del("Content-Encoding")
	} else {
		r.Header.Set("Content-Encoding", strings.Join(kept, ","))
	}
	r.ContentLength = decoded
	r.Header.Set("Content-Length", strconv.FormatInt(decoded, 10))
	r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
}
