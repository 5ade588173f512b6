package transfer

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// IntegrityError is a transfer whose bytes did not match what the other
// side says it holds: a part or object ETag that is not the MD5 of what was
// sent, or a download whose size or digest differs from the object's.
type IntegrityError struct {
	What      string // "part 3 of s3://b/k", "s3://b/k"
	Want, Got string
}

// Error names what failed the check, with the expected and actual values.
func (e *IntegrityError) Error() string {
	return fmt.Sprintf("integrity check failed for %s: expected %s, got %s", e.What, e.Want, e.Got)
}

func b64(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

// trimETag removes the quotes and weak marker around an ETag.
func trimETag(etag string) string {
	return strings.Trim(strings.TrimPrefix(strings.TrimSpace(etag), "W/"), `"`)
}

// isMD5ETag reports whether etag looks like a plain MD5 (32 hex digits),
// as S3 gives single-request objects stored without SSE-KMS or SSE-C.
func isMD5ETag(etag string) bool {
	t := trimETag(etag)
	if len(t) != 32 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}

// multipartETag splits a composite ETag "hex-N" into its part count; ok is
// false for anything else.
func multipartETag(etag string) (parts int, ok bool) {
	digest, n, found := strings.Cut(trimETag(etag), "-")
	if !found || len(digest) != 32 {
		return 0, false
	}
	parts, err := strconv.Atoi(n)
	return parts, err == nil && parts >= 1 && parts <= client.MaxPartNumber
}

// compositeETag is S3's ETag of a multipart object: the MD5 of the parts'
// binary MD5s, then "-" and the part count.
func compositeETag(sums [][md5.Size]byte) string {
	h := md5.New()
	for _, s := range sums {
		h.Write(s[:])
	}
	return fmt.Sprintf("%x-%d", h.Sum(nil), len(sums))
}

// sameETag compares two ETags without quotes, case-insensitively.
func sameETag(a, b string) bool { return strings.EqualFold(trimETag(a), trimETag(b)) }

// md5Comparable reports whether an object written with these attributes
// gets an MD5 ETag, as far as the request tells: not with SSE-KMS (verenc,
// aws:kms) nor SSE-C. A bucket's default encryption may still apply KMS to
// a write that asked for none: once the service has answered, etagIsMD5
// (or writeMD5Comparable) decides.
func md5Comparable(sse client.SSE) bool {
	return md5ComparableInfo(sse.Type, sse.CustomerKey)
}

// md5ComparableInfo is md5Comparable for an object already stored, or for
// the encryption a write's answer names.
func md5ComparableInfo(sse string, customerKey []byte) bool {
	return customerKey == nil && !client.IsKMS(sse)
}

// writeMD5Comparable reports whether the ETags of a write with the
// attributes sse are MD5s of the bytes, given answered, the encryption the
// service says it applied (x-amz-server-side-encryption): neither the
// request nor the answer may name SSE-KMS or SSE-C. S3 answers aws:kms in
// a bucket whose default encryption is SSE-KMS, where every ETag is 32 hex
// digits that are not the MD5.
func writeMD5Comparable(sse client.SSE, answered string) bool {
	return md5Comparable(sse) && md5ComparableInfo(answered, nil)
}

// etagIsMD5 reports whether etag, the service's answer to a write of bytes
// with the attributes sse that named answered as its encryption, is their
// MD5, to compare: see writeMD5Comparable.
func etagIsMD5(sse client.SSE, answered, etag string) bool {
	return writeMD5Comparable(sse, answered) && isMD5ETag(etag)
}
