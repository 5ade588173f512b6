package s3

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// A request for a sub-resource the emulator does not serve must never fall
// through to the object (a PUT to ?tagging would overwrite it with the
// tagging XML). Every sub-resource is therefore dispatched first: tagging
// and acl are implemented, the rest answer 501 NotImplemented.

// unsupportedSubresources are S3 sub-resources the emulator does not serve.
var unsupportedSubresources = []string{
	"accelerate", "analytics", "cors", "encryption", "intelligent-tiering",
	"inventory", "legal-hold", "lifecycle", "logging", "metadataTable", "metrics",
	"notification", "object-lock", "ownershipControls", "policy", "policyStatus",
	"publicAccessBlock", "renameObject", "replication", "requestPayment", "restore",
	"retention", "select", "session", "torrent", "website",
}

// knownFlags are valueless query flags the emulator does understand.
var knownFlags = []string{"acl", "attributes", "delete", "fetch-owner", "location", "tagging", "uploads", "versioning", "versions"}

// unsupportedSubresource names the first sub-resource in q that the
// emulator does not implement. Unknown valueless flags count as
// sub-resources too, so a new S3 API can never fall through to the object.
func unsupportedSubresource(q url.Values) string {
	for name, vs := range q {
		if slices.Contains(unsupportedSubresources, name) {
			return name
		}
		if len(vs) == 1 && vs[0] == "" && !slices.Contains(knownFlags, name) && !isParam(name) {
			return name
		}
	}
	return ""
}

// ordinaryParams are S3 query parameters that carry a value, which a client
// may nevertheless send empty.
var ordinaryParams = []string{
	"bucket-region", "continuation-token", "delimiter", "encoding-type", "key-marker",
	"list-type", "marker", "max-buckets", "max-keys", "max-parts", "max-uploads",
	"part-number-marker", "partNumber", "prefix", "start-after", "upload-id-marker",
	"uploadId", "version-id-marker", "versionId", "x-id",
}

// isParam reports whether name is an ordinary parameter rather than a
// sub-resource flag.
func isParam(name string) bool {
	lower := strings.ToLower(name)
	return slices.Contains(ordinaryParams, name) ||
		strings.HasPrefix(lower, "response-") || strings.HasPrefix(lower, "x-amz-")
}

func (srv *Server) bucketTagging(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		if !b.HasTags {
			return s3err.Errorf("NoSuchTagSet", "The TagSet does not exist").WithBucket(bucket)
		}
		s3err.WriteXML(w, http.StatusOK, &tagging{Xmlns: s3Namespace, TagSet: b.Tags})
		return nil
	case http.MethodPut:
		tags, err := readTagging(r, maxBucketTags)
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.Tags, b.HasTags = tags, true
			return nil
		}))
	case http.MethodDelete:
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.Tags, b.HasTags = nil, false
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

func (srv *Server) objectTagging(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	switch r.Method {
	case http.MethodGet:
		o, err := srv.store.Head(bucket, key)
		if err != nil {
			return err
		}
		s3err.WriteXML(w, http.StatusOK, &tagging{Xmlns: s3Namespace, TagSet: o.Tags})
		return nil
	case http.MethodPut:
		tags, err := readTagging(r, maxObjectTags)
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateObject(bucket, key, func(o *store.Object) error {
			o.Tags = tags
			return nil
		}))
	case http.MethodDelete:
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateObject(bucket, key, func(o *store.Object) error {
			o.Tags = nil
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

func readTagging(r *http.Request, limit int) ([]store.Tag, error) {
	var t tagging
	if err := readXML(r, &t); err != nil {
		return nil, err
	}
	return t.TagSet, validateTags(t.TagSet, limit)
}

// respond finishes a request that has no response body.
func (srv *Server) respond(w http.ResponseWriter, status int, err error) error {
	if err == nil {
		w.WriteHeader(status)
	}
	return err
}

func (srv *Server) bucketACL(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		s3err.WriteXML(w, http.StatusOK, aclPolicy(b.ACL))
		return nil
	case http.MethodPut:
		grants, err := readACL(r)
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.ACL = grants
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

func (srv *Server) objectACL(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	switch r.Method {
	case http.MethodGet:
		o, err := srv.store.Head(bucket, key)
		if err != nil {
			return err
		}
		s3err.WriteXML(w, http.StatusOK, aclPolicy(o.ACL))
		return nil
	case http.MethodPut:
		grants, err := readACL(r)
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateObject(bucket, key, func(o *store.Object) error {
			o.ACL = grants
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

// readACL takes a canned ACL from x-amz-acl or a full AccessControlPolicy
// from the body. Grants are stored as given; nothing enforces them.
func readACL(r *http.Request) ([]store.Grant, error) {
	if canned := r.Header.Get("X-Amz-Acl"); canned != "" {
		return cannedACL(canned)
	}
	var p accessControlPolicy
	if err := readXML(r, &p); err != nil {
		if ae, ok := err.(*s3err.Error); ok && ae.Code == "MalformedXML" {
			return nil, s3err.Errorf("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
		}
		return nil, err
	}
	for _, g := range p.Grants {
		switch g.Permission {
		case "FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP":
		default:
			return nil, s3err.Errorf("MalformedACLError", "Invalid permission %q", g.Permission)
		}
	}
	return p.Grants, nil
}
