package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
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
		if user, ok := strings.CutPrefix(name, "X-Amz-Meta-"); ok {
			meta[name] = strings.Join(vs, ",")
			size += len(user) + len(meta[name])
		}
	}
	if size > maxMetadataSize {
		return nil, errf("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size").
			with("Size", itoa(size)).with("MaxSizeAllowed", itoa(maxMetadataSize))
	}
	return meta, nil
}

// parseTaggingHeader decodes x-amz-tagging ("k1=v1&k2=v2", URL-encoded).
func parseTaggingHeader(v string) ([]tag, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, errf("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	var tags []tag
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, errf("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		tags = append(tags, tag{Key: k, Value: vs[0]})
	}
	return tags, validateTags(tags, maxObjectTags)
}

// validateTags applies S3's limits on tag count, length and uniqueness.
func validateTags(tags []tag, limit int) error {
	if len(tags) > limit {
		return errf("InvalidTag", "Object tags cannot be greater than %d", limit)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128:
			return errf("InvalidTag", "The TagKey you have provided is invalid")
		case utf8.RuneCountInString(t.Value) > 256:
			return errf("InvalidTag", "The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return errf("InvalidTag", "Your TagKey cannot be prefixed with aws:")
		case seen[t.Key]:
			return errf("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

func ownerGrant() grant {
	return grant{Grantee: grantee{Type: "CanonicalUser", ID: ownerInfo.ID, DisplayName: ownerInfo.DisplayName}, Permission: "FULL_CONTROL"}
}

func groupGrant(uri, perm string) grant {
	return grant{Grantee: grantee{Type: "Group", URI: uri}, Permission: perm}
}

// cannedACL expands an x-amz-acl value into grants; "" means private.
func cannedACL(name string) ([]grant, error) {
	switch name {
	case "", "private", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read", "log-delivery-write":
		return []grant{ownerGrant()}, nil
	case "public-read":
		return []grant{ownerGrant(), groupGrant(allUsers, "READ")}, nil
	case "public-read-write":
		return []grant{ownerGrant(), groupGrant(allUsers, "READ"), groupGrant(allUsers, "WRITE")}, nil
	case "authenticated-read":
		return []grant{ownerGrant(), groupGrant(authUsers, "READ")}, nil
	}
	return nil, errf("InvalidArgument", "Invalid canned ACL: %s", name).with("ArgumentName", "x-amz-acl").with("ArgumentValue", name)
}

// aclPolicy renders stored grants (nil: private) as an AccessControlPolicy.
func aclPolicy(grants []grant) *accessControlPolicy {
	if len(grants) == 0 {
		grants = []grant{ownerGrant()}
	}
	out := make([]grant, len(grants))
	for i, g := range grants {
		g.Grantee.XMLNSXsi = "http://www.w3.org/2001/XMLSchema-instance"
		out[i] = g
	}
	return &accessControlPolicy{Xmlns: s3Namespace, Owner: ownerInfo, Grants: out}
}
