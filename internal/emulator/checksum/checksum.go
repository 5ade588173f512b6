// Package checksum holds S3's flexible checksum algorithms (the
// x-amz-checksum-* headers): their hashes, how their values are written,
// which checksum types each allows for a multipart object, and how a
// composite checksum is made of the parts'. Package sigv4 verifies them on
// request bodies; the store keeps them with objects and parts.
package checksum

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"strings"
)

// Algorithm is a checksum algorithm by its S3 name: "CRC32", "CRC64NVME".
type Algorithm string

// The algorithms: those of QStorage's reference, CRC64NVME (S3's default
// and the SDKs'), and SHA512 and MD5, which S3 added later. S3's XXHASH
// variants are not among them.
const (
	CRC32     Algorithm = "CRC32"
	CRC32C    Algorithm = "CRC32C"
	CRC64NVME Algorithm = "CRC64NVME"
	SHA1      Algorithm = "SHA1"
	SHA256    Algorithm = "SHA256"
	SHA512    Algorithm = "SHA512"
	MD5       Algorithm = "MD5"
)

// Default is the algorithm S3 computes for an object uploaded without a
// checksum.
const Default = CRC64NVME

// Checksum types of an object: of the whole object's bytes, or (multipart
// objects) of the parts' checksums.
const (
	FullObject = "FULL_OBJECT"
	Composite  = "COMPOSITE"
)

var (
	crc32cTable    = crc32.MakeTable(crc32.Castagnoli)
	crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5) // CRC-64/NVME, reflected
)

var hashes = map[Algorithm]func() hash.Hash{
	CRC32:     func() hash.Hash { return crc32.NewIEEE() },
	CRC32C:    func() hash.Hash { return crc32.New(crc32cTable) },
	CRC64NVME: func() hash.Hash { return crc64.New(crc64NVMETable) },
	SHA1:      sha1.New,
	SHA256:    sha256.New,
	SHA512:    sha512.New,
	MD5:       md5.New,
}

// All lists every algorithm, in a fixed order.
var All = []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5}

// Parse finds an algorithm by name, in any case ("crc32", "CRC32").
func Parse(name string) (Algorithm, bool) {
	a := Algorithm(strings.ToUpper(strings.TrimSpace(name)))
	_, ok := hashes[a]
	return a, ok
}

// New returns a running hash of the algorithm.
func (a Algorithm) New() hash.Hash { return hashes[a]() }

// Header is the header that carries the algorithm's value:
// "X-Amz-Checksum-Crc32".
func (a Algorithm) Header() string {
	return http.CanonicalHeaderKey("x-amz-checksum-" + strings.ToLower(string(a)))
}

// Lower is the name as S3 writes it in messages and header names: "crc32".
func (a Algorithm) Lower() string { return strings.ToLower(string(a)) }

// FromTrailer is the algorithm whose checksum an aws-chunked body carries
// in its trailer, as x-amz-trailer announces it.
func FromTrailer(h http.Header) (Algorithm, bool) {
	name, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(h.Get("X-Amz-Trailer"))), "x-amz-checksum-")
	if !ok {
		return "", false
	}
	return Parse(name)
}

// Encode writes a digest as S3 sends it: base64.
func Encode(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

// Valid reports whether v is a well-formed value of the algorithm: the
// base64 of a digest of its size.
func (a Algorithm) Valid(v string) bool {
	raw, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(raw) == a.New().Size()
}

// Allows reports whether a multipart object may have a checksum of type t
// with the algorithm: CRCs combine into a full-object checksum, digests
// only into a composite one, and CRC64NVME is full-object only.
func (a Algorithm) Allows(t string) bool {
	switch t {
	case FullObject:
		return a == CRC32 || a == CRC32C || a == CRC64NVME
	case Composite:
		return a != CRC64NVME
	}
	return false
}

// DefaultType is the checksum type of a multipart upload that names the
// algorithm and no type.
func (a Algorithm) DefaultType() string {
	if a == CRC64NVME {
		return FullObject
	}
	return Composite
}

// CompositeOf is S3's composite checksum of a multipart object: the
// algorithm's digest of the concatenated binary part checksums, in base64,
// a dash and the number of parts.
func (a Algorithm) CompositeOf(parts []string) string {
	h := a.New()
	for _, p := range parts {
		raw, _ := base64.StdEncoding.DecodeString(p)
		h.Write(raw)
	}
	return Encode(h.Sum(nil)) + "-" + strconv.Itoa(len(parts))
}
