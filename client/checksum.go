package client

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/minio/crc64nvme"
)

// ChecksumAlgorithm names an additional checksum the service verifies on
// upload and stores with the object (x-amz-checksum-*).
type ChecksumAlgorithm string

// The checksum algorithms QStorage lists, plus CRC64NVME, which current AWS
// SDKs send by default.
const (
	ChecksumCRC32     ChecksumAlgorithm = "CRC32"
	ChecksumCRC32C    ChecksumAlgorithm = "CRC32C"
	ChecksumSHA1      ChecksumAlgorithm = "SHA1"
	ChecksumSHA256    ChecksumAlgorithm = "SHA256"
	ChecksumCRC64NVME ChecksumAlgorithm = "CRC64NVME"
)

// ChecksumAlgorithms lists every algorithm the client can compute.
func ChecksumAlgorithms() []ChecksumAlgorithm {
	return []ChecksumAlgorithm{ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME}
}

// ParseChecksumAlgorithm accepts an algorithm's name in any case.
func ParseChecksumAlgorithm(s string) (ChecksumAlgorithm, error) {
	a := ChecksumAlgorithm(strings.ToUpper(s))
	if a.NewHash() == nil {
		return "", &ValidationError{Field: "checksum algorithm", Value: s, Problem: "is not an algorithm the service knows",
			Fix: "use CRC32, CRC32C, SHA1, SHA256 or CRC64NVME"}
	}
	return a, nil
}

// NewHash returns a hash computing a's checksum (its Sum is the value's
// bytes, big-endian), or nil for an unknown algorithm. Callers that read a
// stream once can compute the checksum on the way and pass it in Checksum.
func (a ChecksumAlgorithm) NewHash() hash.Hash {
	switch a {
	case ChecksumCRC32:
		return crc32.NewIEEE()
	case ChecksumCRC32C:
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case ChecksumSHA1:
		return sha1.New()
	case ChecksumSHA256:
		return sha256.New()
	case ChecksumCRC64NVME:
		// minio/crc64nvme uses carry-less multiplication (PCLMULQDQ,
		// AVX-512, ARM PMULL): 3.7 GB/s against hash/crc64's 0.48 GB/s,
		// the speed of MD5, on a loaded 2-core AMD EPYC.
		return crc64nvme.New()
	}
	return nil
}

// Checksum is a checksum value (base64, as the x-amz-checksum-* headers
// carry it) with its algorithm.
type Checksum struct {
	Algorithm ChecksumAlgorithm `json:"algorithm"`
	Value     string            `json:"value"`
}

// String renders "ALGORITHM:value", or "" for no checksum.
func (c Checksum) String() string {
	if c.Algorithm == "" {
		return ""
	}
	return string(c.Algorithm) + ":" + c.Value
}

// ComputeChecksum reads r to the end and returns its checksum.
func ComputeChecksum(a ChecksumAlgorithm, r io.Reader) (Checksum, error) {
	h := a.NewHash()
	if h == nil {
		_, err := ParseChecksumAlgorithm(string(a))
		return Checksum{}, err
	}
	if _, err := io.Copy(h, r); err != nil {
		return Checksum{}, err
	}
	return Checksum{Algorithm: a, Value: base64.StdEncoding.EncodeToString(h.Sum(nil))}, nil
}

// validate checks a checksum the caller computed: a known algorithm and a
// base64 value of that algorithm's size.
func (c Checksum) validate() error {
	h := c.Algorithm.NewHash()
	if h == nil {
		_, err := ParseChecksumAlgorithm(string(c.Algorithm))
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != h.Size() {
		return &ValidationError{Field: "checksum", Value: c.Value,
			Problem: fmt.Sprintf("is not the base64 of a %d-byte %s value", h.Size(), c.Algorithm)}
	}
	return nil
}

// bodyChecksum is the checksum a write sends: none, the caller's value, or
// one computed from body, which is read and rewound. A body that cannot be
// rewound has to come with its value, because the client sends checksums
// as headers (QStorage's way), never as trailers of an aws-chunked body.
func bodyChecksum(a ChecksumAlgorithm, value string, body io.Reader) (Checksum, error) {
	if a == "" {
		if value != "" {
			return Checksum{}, &ValidationError{Field: "checksum", Value: value, Problem: "has no algorithm", Fix: "set ChecksumAlgorithm too"}
		}
		return Checksum{}, nil
	}
	if value != "" {
		sum := Checksum{Algorithm: a, Value: value}
		return sum, sum.validate()
	}
	if _, err := ParseChecksumAlgorithm(string(a)); err != nil {
		return Checksum{}, err
	}
	switch b := body.(type) {
	case nil:
		return ComputeChecksum(a, strings.NewReader(""))
	case interface{ Bytes() []byte }: // *bytes.Buffer: hash without draining it
		return ComputeChecksum(a, bytes.NewReader(b.Bytes()))
	}
	if !seekable(body) {
		return Checksum{}, &ValidationError{Field: "checksum", Value: string(a), Problem: "cannot be computed from a body that cannot be rewound",
			Fix: "pass the value in Checksum (ChecksumAlgorithm.NewHash computes it), or upload with the transfer package, which buffers parts"}
	}
	s := body.(io.Seeker)
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return Checksum{}, err
	}
	sum, err := ComputeChecksum(a, body)
	if err != nil {
		return Checksum{}, err
	}
	if _, err := s.Seek(start, io.SeekStart); err != nil {
		return Checksum{}, err
	}
	return sum, nil
}

// sdkFieldOrder is the order in which the SDK's input and output types
// declare their per-algorithm checksum fields.
var sdkFieldOrder = [...]ChecksumAlgorithm{ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256}

// sdk spreads the checksum over the SDK's per-algorithm fields (in
// sdkFieldOrder). Setting the value, not ChecksumAlgorithm, makes the SDK
// send it as a header and compute nothing itself.
func (c Checksum) sdk() (crc32, crc32c, crc64nvme, sha1, sha256 *string) {
	var f [len(sdkFieldOrder)]*string
	for i, a := range sdkFieldOrder {
		if a == c.Algorithm {
			f[i] = aws.String(c.Value)
		}
	}
	return f[0], f[1], f[2], f[3], f[4]
}

// checksumFrom picks the checksum the service returned among the SDK's
// per-algorithm fields (in sdkFieldOrder).
func checksumFrom(crc32, crc32c, crc64nvme, sha1, sha256 *string) Checksum {
	for i, v := range [...]*string{crc32, crc32c, crc64nvme, sha1, sha256} {
		if aws.ToString(v) != "" {
			return Checksum{Algorithm: sdkFieldOrder[i], Value: *v}
		}
	}
	return Checksum{}
}

// Checksum types of a multipart upload: COMPOSITE is a checksum of the
// parts' checksums (S3 shows it with a "-N" suffix), FULL_OBJECT a checksum
// of the whole object (CRC algorithms only; CRC64NVME supports only it).
const (
	ChecksumTypeComposite  = "COMPOSITE"
	ChecksumTypeFullObject = "FULL_OBJECT"
)

func validateChecksumType(a ChecksumAlgorithm, t string) error {
	switch {
	case t == "":
		return nil
	case t != ChecksumTypeComposite && t != ChecksumTypeFullObject:
		return &ValidationError{Field: "checksum type", Value: t, Problem: "is not a type", Fix: "use COMPOSITE or FULL_OBJECT"}
	case a == "":
		return &ValidationError{Field: "checksum type", Value: t, Problem: "needs a checksum algorithm", Fix: "set ChecksumAlgorithm too"}
	case t == ChecksumTypeFullObject && (a == ChecksumSHA1 || a == ChecksumSHA256):
		return &ValidationError{Field: "checksum type", Value: t, Problem: "is not available for " + string(a), Fix: "use a CRC algorithm, or COMPOSITE"}
	case t == ChecksumTypeComposite && a == ChecksumCRC64NVME:
		return &ValidationError{Field: "checksum type", Value: t, Problem: "is not available for CRC64NVME", Fix: "use FULL_OBJECT"}
	}
	return nil
}
