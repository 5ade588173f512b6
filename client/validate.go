package client

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// Limits from the QStorage API reference.
const (
	MaxKeyLength      = 1024            // bytes of UTF-8
	MaxMetadataSize   = 2 * 1024        // user metadata, names and values together
	MinPartNumber     = 1               //
	MaxPartNumber     = 10000           //
	MinPartSize       = 5 * 1024 * 1024 // every part but the last
	MaxPartSize       = 5 * 1024 * 1024 * 1024
	MaxPutObjectSize  = 5 * 1024 * 1024 * 1024
	MaxObjectSize     = 5 * 1024 * 1024 * 1024 * 1024
	MaxDeleteBatch    = 1000 // keys per DeleteObjects request
	MaxPresignSeconds = 7 * 24 * 60 * 60
)

// ValidationError is an input the service would reject, caught before any
// request is sent.
type ValidationError struct {
	Field   string // "bucket name", "key", "metadata", "part number"
	Value   string // the offending value, quoted in the message; never a secret
	Problem string
	Fix     string
}

func (e *ValidationError) Error() string {
	msg := fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Problem)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// ValidateBucketName applies QStorage's naming rules: 3 to 63 characters of
// lower-case letters, digits, dots and hyphens, starting and ending with a
// letter or digit, no two adjacent dots, and not shaped like an IP address.
func ValidateBucketName(name string) error {
	bad := func(problem string) error {
		return &ValidationError{Field: "bucket name", Value: name, Problem: problem,
			Fix: "use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"}
	}
	switch {
	case len(name) < 3:
		return bad("shorter than 3 characters")
	case len(name) > 63:
		return bad("longer than 63 characters")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnumLower(c) && c != '.' && c != '-' {
			if c >= 'A' && c <= 'Z' {
				return bad("has upper-case letters")
			}
			return bad(fmt.Sprintf("has the character %q", rune(c)))
		}
	}
	switch {
	case !isAlnumLower(name[0]) || !isAlnumLower(name[len(name)-1]):
		return bad("must begin and end with a lower-case letter or digit")
	case strings.Contains(name, ".."):
		return bad("has two dots in a row")
	case net.ParseIP(name) != nil:
		return bad("is formatted as an IP address")
	}
	return nil
}

func isAlnumLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ValidateKey checks an object key: 1 to 1024 bytes of valid UTF-8.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return &ValidationError{Field: "key", Value: key, Problem: "is empty", Fix: "name an object, e.g. s3://bucket/path/file"}
	case len(key) > MaxKeyLength:
		return &ValidationError{Field: "key", Value: key[:32] + "...", Problem: fmt.Sprintf("is %d bytes, over the %d-byte limit", len(key), MaxKeyLength)}
	case !utf8.ValidString(key):
		return &ValidationError{Field: "key", Value: key, Problem: "is not valid UTF-8"}
	}
	return nil
}

// ValidateMetadata checks user metadata against the 2 KB limit (names and
// values, as S3 counts them) and that names are valid header tokens.
func ValidateMetadata(md map[string]string) error {
	size := 0
	for k, v := range md {
		if k == "" || strings.ContainsAny(k, " \t\r\n:()<>@,;\\\"/[]?={}") {
			return &ValidationError{Field: "metadata name", Value: k, Problem: "is not a valid header name", Fix: "use letters, digits and hyphens"}
		}
		if strings.ContainsAny(v, "\r\n") {
			return &ValidationError{Field: "metadata value", Value: k, Problem: "holds a line break"}
		}
		size += len(k) + len(v)
	}
	if size > MaxMetadataSize {
		return &ValidationError{Field: "metadata", Value: fmt.Sprintf("%d bytes", size), Problem: fmt.Sprintf("exceeds the %d-byte limit", MaxMetadataSize), Fix: "store large values in the object or a sidecar object"}
	}
	return nil
}

// ValidatePartNumber checks n is within 1..10000.
func ValidatePartNumber(n int32) error {
	if n < MinPartNumber || n > MaxPartNumber {
		return &ValidationError{Field: "part number", Value: fmt.Sprint(n), Problem: fmt.Sprintf("is outside %d..%d", MinPartNumber, MaxPartNumber)}
	}
	return nil
}

func validateObject(bucket, key string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	return ValidateKey(key)
}
