package s3

import (
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// ownerInfo is the single owner of everything in the emulator.
var ownerInfo = &owner{ID: "71656d756c61746f72", DisplayName: "qcli-emulator"}

const (
	maxMetadataSize = 2048 // bytes of x-amz-meta-* names and values
	maxObjectTags   = 10
	maxBucketTags   = 50
)

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

// parseTaggingHeader decodes x-amz-tagging ("k1=v1&k2=v2", URL-encoded).
func parseTaggingHeader(v string) ([]store.Tag, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, s3err.Errorf("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without store.Tag name duplicates.")
	}
	var tags []store.Tag
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, s3err.Errorf("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		tags = append(tags, store.Tag{Key: k, Value: vs[0]})
	}
	return tags, validateTags(tags, maxObjectTags)
}

// validateTags applies S3's limits on store.Tag count, length and uniqueness.
func validateTags(tags []store.Tag, limit int) error {
	if len(tags) > limit {
		return s3err.Errorf("InvalidTag", "Object tags cannot be greater than %d", limit)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128:
			return s3err.Errorf("InvalidTag", "The TagKey you have provided is invalid")
		case utf8.RuneCountInString(t.Value) > 256:
			return s3err.Errorf("InvalidTag", "The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return s3err.Errorf("InvalidTag", "Your TagKey cannot be prefixed with aws:")
		case seen[t.Key]:
			return s3err.Errorf("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

func ownerGrant() store.Grant {
	return store.Grant{Grantee: store.Grantee{Type: "CanonicalUser", ID: ownerInfo.ID, DisplayName: ownerInfo.DisplayName}, Permission: "FULL_CONTROL"}
}

func groupGrant(uri, perm string) store.Grant {
	return store.Grant{Grantee: store.Grantee{Type: "Group", URI: uri}, Permission: perm}
}

// cannedACL expands an x-amz-acl value into grants; "" means private.
func cannedACL(name string) ([]store.Grant, error) {
	switch name {
	case "", "private", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read", "log-delivery-write":
		return []store.Grant{ownerGrant()}, nil
	case "public-read":
		return []store.Grant{ownerGrant(), groupGrant(allUsers, "READ")}, nil
	case "public-read-write":
		return []store.Grant{ownerGrant(), groupGrant(allUsers, "READ"), groupGrant(allUsers, "WRITE")}, nil
	case "authenticated-read":
		return []store.Grant{ownerGrant(), groupGrant(authUsers, "READ")}, nil
	}
	return nil, s3err.Errorf("InvalidArgument", "Invalid canned ACL: %s", name).With("ArgumentName", "x-amz-acl").With("ArgumentValue", name)
}

// aclPolicy renders stored grants (nil: private) as an AccessControlPolicy.
func aclPolicy(grants []store.Grant) *accessControlPolicy {
	if len(grants) == 0 {
		grants = []store.Grant{ownerGrant()}
	}
	out := make([]store.Grant, len(grants))
	for i, g := range grants {
		g.Grantee.XMLNSXsi = "http://www.w3.org/2001/XMLSchema-instance"
		out[i] = g
	}
	return &accessControlPolicy{Xmlns: s3Namespace, Owner: ownerInfo, Grants: out}
}
