package s3

import (
	"net/http"
	"net/url"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Every request is authorized before it is routed: its principal (package
// access) against the owner and ACL of the bucket or object it acts on,
// for the permission the operation needs, as S3 maps ACL permissions to
// operations:
//
//	bucket READ       ListObjects, ListObjectVersions, ListMultipartUploads, HeadBucket
//	bucket WRITE      PutObject, CopyObject (the target), DeleteObject(s), multipart uploads
//	object READ       GetObject, HeadObject, CopyObject and UploadPartCopy (the source)
//	READ_ACP          Get{Bucket,Object}Acl
//	WRITE_ACP         Put{Bucket,Object}Acl
//	the owner only    everything else: DeleteBucket and the bucket's configuration
//	                  (tagging, website, lifecycle, ownership controls,
//	                  versioning, location, Object Lock), and object tagging,
//	                  retention and legal hold
//
// Root keys skip all of it. An anonymous request may do what grants to
// AllUsers allow and nothing else (not ListBuckets, not CreateBucket).

func accessDenied() *s3err.Error { return s3err.Errorf("AccessDenied", "Access Denied") }

// subresource names the sub-resource q asks for ("" for none): one of the
// flags the router serves (knownFlags, the one list of them, so that an
// operation added there without a line here is the owner's alone), or an
// upload's uploadId. Any other flag was answered NotImplemented already.
func subresource(q url.Values) string {
	for _, f := range knownFlags {
		if q.Has(f) && f != "fetch-owner" {
			return f
		}
	}
	if q.Has("uploadId") {
		return "uploadId"
	}
	return ""
}

// authorize decides whether r's principal may do what r asks of bucket
// and key. A bucket that does not exist is NoSuchBucket for everyone, as
// in S3.
func (srv *Server) authorize(r *http.Request, bucket, key string, q url.Values) error {
	p := access.FromContext(r.Context())
	switch {
	case p.Root:
		return nil
	case bucket == "" || (key == "" && r.Method == http.MethodPut && subresource(q) == ""):
		// ListBuckets lists the principal's own; CreateBucket answers
		// BucketAlreadyExists for another's name.
		if p.Anonymous() {
			return accessDenied()
		}
		return nil
	}
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return err
	}
	if key == "" {
		return srv.allow(p, srv.bucketResource(b), bucketPermission(r.Method, q))
	}
	if perm, onBucket := objectPermission(r.Method, q); onBucket {
		if err := srv.allow(p, srv.bucketResource(b), perm); err != nil {
			return err
		}
	} else if err := srv.allowObject(p, b, key, q.Get("versionId"), perm); err != nil {
		return err
	}
	return srv.allowCopySource(r, p)
}

// authorizeBucket is authorize for a request that needs perm on a bucket
// (POST uploads, which are not routed).
func (srv *Server) authorizeBucket(r *http.Request, bucket string, perm access.Permission) error {
	p := access.FromContext(r.Context())
	if p.Root {
		return nil
	}
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return err
	}
	return srv.allow(p, srv.bucketResource(b), perm)
}

func bucketPermission(method string, q url.Values) access.Permission {
	switch subresource(q) {
	case "acl":
		return aclPermission(method)
	case "uploads", "versions":
		return access.Read
	case "delete":
		return access.Write
	case "":
		switch method {
		case http.MethodGet, http.MethodHead:
			return access.Read
		case http.MethodPost:
			return access.Write
		}
	}
	return access.OwnerOnly
}

// objectPermission is the permission an object operation needs, and
// whether on the bucket (writes) rather than on the object.
func objectPermission(method string, q url.Values) (perm access.Permission, onBucket bool) {
	switch subresource(q) {
	case "uploads", "uploadId":
		return access.Write, true
	case "acl":
		return aclPermission(method), false
	case "attributes": // GetObjectAttributes wants READ on the object, as GetObject does
		return access.Read, false
	case "":
		if method == http.MethodGet || method == http.MethodHead {
			return access.Read, false
		}
		return access.Write, true
	}
	return access.OwnerOnly, false
}

func aclPermission(method string) access.Permission {
	if method == http.MethodGet {
		return access.ReadACP
	}
	return access.WriteACP
}

func (srv *Server) allow(p access.Principal, res access.Resource, perm access.Permission) error {
	if !access.Allowed(p, res, perm) {
		return accessDenied()
	}
	return nil
}

func (srv *Server) bucketResource(b *store.Bucket) access.Resource {
	return access.Resource{OwnerID: srv.ownerID(b.Owner), ACL: b.ACL, ACLsDisabled: b.Ownership == ownershipEnforced}
}

// allowObject decides on a version of an object ("" the current one), by
// that version's owner and ACL. For a key or version that does not exist S3
// says so only to those who may list the bucket, AccessDenied to others.
func (srv *Server) allowObject(p access.Principal, b *store.Bucket, key, version string, perm access.Permission) error {
	o, err := srv.store.HeadVersion(b.Name, key, version)
	if err != nil {
		if srv.allow(p, srv.bucketResource(b), access.Read) != nil {
			return accessDenied()
		}
		return err
	}
	if b.Ownership == ownershipEnforced {
		return srv.allow(p, srv.bucketResource(b), perm)
	}
	return srv.allow(p, access.Resource{OwnerID: srv.ownerID(o.Owner), ACL: o.ACL}, perm)
}

// allowCopySource wants READ on the source of CopyObject and
// UploadPartCopy; a source that does not parse is the handler's to report.
func (srv *Server) allowCopySource(r *http.Request, p access.Principal) error {
	src := r.Header.Get("X-Amz-Copy-Source")
	if src == "" || r.Method != http.MethodPut {
		return nil
	}
	cs, err := parseCopySource(src)
	if err != nil {
		return nil
	}
	b, err := srv.store.Bucket(cs.bucket)
	if err != nil {
		return err
	}
	return srv.allowObject(p, b, cs.key, cs.version, access.Read)
}
