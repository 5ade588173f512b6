package s3

import (
	"encoding/base64"
	"mime"
	"net/http"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

const maxMetadataSize = 2048 // bytes of x-amz-meta-* names and values

// storedHeaders are the request headers S3 keeps with an object and returns
// on GET/HEAD (besides x-amz-meta-*); no other header, signature material
// least of all, is kept.
var storedHeaders = []string{
	"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Type", "Expires", "X-Amz-Server-Side-Encryption",
	"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "X-Amz-Storage-Class",
	"X-Amz-Website-Redirect-Location",
}

// userMetaPrefix starts the (canonical) name of a user metadata header.
const userMetaPrefix = "X-Amz-Meta-"

// decodeWords undoes RFC 2047 encoded words (=?UTF-8?B?...?=), which S3
// decodes before storing a metadata value; a value that does not decode is
// kept as sent.
func decodeWords(v string) string {
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// setStoredHeader puts a stored header on a GET or HEAD answer. User
// metadata goes out as S3 sends it: the name in lower case (net/http would
// capitalise it, and clients such as botocore keep what they receive), and
// a value with characters outside printable ASCII as an RFC 2047 encoded
// word, since header values are ASCII. S3 does the same, though for raw
// UTF-8 it receives it encodes each byte as if it were a Latin-1
// character; the emulator encodes the UTF-8 it was sent, so clients that
// decode the word get back what they stored.
func setStoredHeader(h http.Header, name, v string) {
	if strings.HasPrefix(name, userMetaPrefix) {
		h[strings.ToLower(name)] = []string{encodeWord(v)}
		return
	}
	h.Set(name, v)
}

// encodeWord is v as S3 sends a value that is not printable ASCII: one
// RFC 2047 encoded word, "=?UTF-8?B?<base64>?=" (mime.BEncoding writes a
// lower-case b and splits long values).
func encodeWord(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c > '~' {
			return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
		}
	}
	return v
}

// objectMeta extracts the headers stored with a new object.
func objectMeta(h http.Header) (map[string]string, error) {
	meta := map[string]string{}
	for _, name := range storedHeaders {
		if v := h.Get(name); v != "" {
			meta[name] = v
		}
	}
	size := 0
	for name, vs := range h {
		if user, ok := strings.CutPrefix(name, userMetaPrefix); ok {
			meta[name] = decodeWords(strings.Join(vs, ","))
			size += len(user) + len(meta[name])
		}
	}
	if size > maxMetadataSize {
		return nil, s3err.Errorf("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size").
			With("Size", itoa(size)).With("MaxSizeAllowed", itoa(maxMetadataSize))
	}
	return meta, nil
}
