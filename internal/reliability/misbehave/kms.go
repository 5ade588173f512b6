package misbehave

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// DefaultKMS answers for bucket as S3 does when the bucket's default
// encryption is SSE-KMS or DSSE-KMS (PutBucketEncryption with aws:kms or
// aws:kms:dsse): every ETag of an object, a part or a copy, in a header or
// an XML answer, is 32 hex digits (and "-N" for a multipart object) that
// are not the MD5 of the bytes, and differs between two objects of the
// same bytes. Every successful answer about an object says so, as S3
// does, with x-amz-server-side-encryption: sse. With sse "" the server is
// one whose ETags are wrong for no reason given, which a transfer must
// catch.
//
// The emulator stores and checks as usual: ETags the client sends back
// (If-Match, If-None-Match, x-amz-copy-source-if-match, the part list of
// CompleteMultipartUpload), in any bucket, are turned back into the
// emulator's before it sees them.
func (s *Switch) DefaultKMS(bucket, sse string) Rule {
	k := &kmsETags{real: map[string]string{}}
	return func(w http.ResponseWriter, r *http.Request) bool {
		r = k.unfakeRequest(r)
		path := strings.TrimPrefix(r.URL.Path, "/")
		if path != bucket && !strings.HasPrefix(path, bucket+"/") {
			s.Serve(w, r)
			return true
		}
		rec := s.Record(r)
		h := rec.Header()
		if etag := h.Get("ETag"); etag != "" {
			h.Set("ETag", k.fake(r.URL.Path, etag))
		}
		if sse != "" && rec.Code < 300 && path != bucket && r.Method != http.MethodDelete {
			h.Set("X-Amz-Server-Side-Encryption", sse)
		}
		body := rec.Body.Bytes()
		if !isObjectRead(r) { // an XML answer, not an object's bytes
			body = etagElement.ReplaceAllFunc(body, func(m []byte) []byte {
				sub := etagElement.FindSubmatch(m)
				return []byte("<ETag>" + string(sub[1]) + strings.Trim(k.fake(r.URL.Path, string(sub[2])), `"`) + string(sub[3]) + "</ETag>")
			})
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
		for name, v := range h {
			w.Header()[name] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
		return true
	}
}

// etagElement is an <ETag> element of an XML answer or request, its quotes
// (escaped or not) apart.
var etagElement = regexp.MustCompile(`<ETag>(&#34;|&quot;|")?([0-9a-fA-F]{32}(?:-[0-9]+)?)(&#34;|&quot;|")?</ETag>`)

// isObjectRead is a GET or HEAD of an object, whose body is its bytes.
func isObjectRead(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && !bucketOnly(r) && !r.URL.Query().Has("uploadId")
}

// kmsETags maps the ETags DefaultKMS made up back to the emulator's.
type kmsETags struct {
	mu   sync.Mutex
	real map[string]string // made up (unquoted) -> the emulator's (unquoted)
}

// fake is the made-up ETag of the emulator's etag at path, quoted as etag
// was: a digest of both, so that two objects of the same bytes differ.
func (k *kmsETags) fake(path, etag string) string {
	real := strings.Trim(etag, `"`)
	digest, parts, multi := strings.Cut(real, "-")
	sum := md5.Sum([]byte("kms:" + path + ":" + digest))
	made := hex.EncodeToString(sum[:])
	if multi {
		made += "-" + parts
	}
	k.mu.Lock()
	k.real[made] = real
	k.mu.Unlock()
	return strings.Replace(etag, real, made, 1)
}

// unfake is s with each made-up ETag in it replaced by the emulator's.
func (k *kmsETags) unfake(s string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	for made, real := range k.real {
		s = strings.ReplaceAll(s, made, real)
	}
	return s
}

// unfakeRequest is r with the ETags it sends back turned into the
// emulator's, re-signed if any was.
func (k *kmsETags) unfakeRequest(r *http.Request) *http.Request {
	changed := false
	r2 := r.Clone(r.Context())
	for _, name := range []string{"If-Match", "If-None-Match", "X-Amz-Copy-Source-If-Match"} {
		if v := r.Header.Get(name); v != "" && k.unfake(v) != v {
			r2.Header.Set(name, k.unfake(v))
			changed = true
		}
	}
	isComplete := r.Method == http.MethodPost && r.URL.Query().Has("uploadId")
	if !isComplete && !changed {
		return r
	}
	var body []byte
	if isComplete {
		sent := ReadBody(r)
		body = []byte(k.unfake(string(sent)))
	}
	return Resign(r2, body)
}
