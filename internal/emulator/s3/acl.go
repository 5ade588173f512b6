package s3

import (
	"net/http"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// ACLs: canned ACLs (x-amz-acl) and grant headers (x-amz-grant-*) on
// CreateBucket, PutObject, CopyObject, CreateMultipartUpload and POST
// uploads, and Get/Put{Bucket,Object}Acl. Stored grants name canonical
// user IDs (package access explains them); package access enforces them.

// ownerInfo is the root account, shown where the emulator does not track
// who owns what: the Owner of listed objects (fetch-owner) and of uploads.
var ownerInfo = &owner{ID: access.RootID, DisplayName: access.RootName}

// The values of x-amz-object-ownership and of ownership controls.
const (
	ownershipEnforced  = "BucketOwnerEnforced"
	ownershipPreferred = "BucketOwnerPreferred"
	ownershipWriter    = "ObjectWriter"
)

// cannedBucketOwnerFull is the one canned ACL a bucket with ACLs disabled
// (BucketOwnerEnforced) takes on objects.
const cannedBucketOwnerFull = "bucket-owner-full-control"

// grantHeaders maps each x-amz-grant-* header to the permission it grants.
var grantHeaders = []struct {
	header string
	perm   access.Permission
}{
	{"X-Amz-Grant-Full-Control", access.FullControl},
	{"X-Amz-Grant-Read", access.Read},
	{"X-Amz-Grant-Write", access.Write},
	{"X-Amz-Grant-Read-Acp", access.ReadACP},
	{"X-Amz-Grant-Write-Acp", access.WriteACP},
}

// ownerID is the canonical user ID of the owner recorded as the access
// key ownerKey (access.OwnerID, with the emulator's root keys).
func (srv *Server) ownerID(ownerKey string) string {
	return access.OwnerID(srv.verifier.Keys, ownerKey)
}

// ownerView is the Owner element for the access key ownerKey.
func (srv *Server) ownerView(ownerKey string) *owner {
	id := srv.ownerID(ownerKey)
	if id == access.RootID {
		return ownerInfo
	}
	return &owner{ID: id, DisplayName: id}
}

func userGrant(id string, perm access.Permission) store.Grant {
	name := id
	if id == access.RootID {
		name = access.RootName
	}
	return store.Grant{Grantee: store.Grantee{Type: "CanonicalUser", ID: id, DisplayName: name}, Permission: string(perm)}
}

func groupGrant(uri string, perm access.Permission) store.Grant {
	return store.Grant{Grantee: store.Grantee{Type: "Group", URI: uri}, Permission: string(perm)}
}

// cannedACL expands an x-amz-acl value ("" is private) for a resource
// owned by ownerID in a bucket owned by bucketOwnerID.
func cannedACL(name, ownerID, bucketOwnerID string) ([]store.Grant, error) {
	acl := []store.Grant{userGrant(ownerID, access.FullControl)}
	switch name {
	case "", "private", "aws-exec-read":
	case "public-read":
		acl = append(acl, groupGrant(access.AllUsers, access.Read))
	case "public-read-write":
		acl = append(acl, groupGrant(access.AllUsers, access.Read), groupGrant(access.AllUsers, access.Write))
	case "authenticated-read":
		acl = append(acl, groupGrant(access.AuthenticatedUsers, access.Read))
	case "log-delivery-write":
		acl = append(acl, groupGrant(access.LogDelivery, access.Write), groupGrant(access.LogDelivery, access.ReadACP))
	case "bucket-owner-read", cannedBucketOwnerFull:
		if bucketOwnerID != ownerID {
			perm := access.Read
			if name == cannedBucketOwnerFull {
				perm = access.FullControl
			}
			acl = append(acl, userGrant(bucketOwnerID, perm))
		}
	default:
		return nil, s3err.Errorf("InvalidArgument", "Invalid canned ACL: %s", name).With("ArgumentName", "x-amz-acl").With("ArgumentValue", name)
	}
	return acl, nil
}

// headerACL reads the ACL a request's headers set: a canned ACL or grant
// headers, not both. set is false when they set none.
func (srv *Server) headerACL(h http.Header, ownerID, bucketOwnerID string) (acl []store.Grant, set bool, err error) {
	canned := h.Get("X-Amz-Acl")
	var grants []store.Grant
	for _, gh := range grantHeaders {
		if v := h.Get(gh.header); v != "" {
			gs, err := srv.parseGrantHeader(gh.header, v, gh.perm)
			if err != nil {
				return nil, false, err
			}
			grants = append(grants, gs...)
		}
	}
	switch {
	case canned != "" && grants != nil:
		return nil, false, s3err.Errorf("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
	case grants != nil:
		return grants, true, nil
	}
	acl, err = cannedACL(canned, ownerID, bucketOwnerID)
	return acl, canned != "", err
}

// parseGrantHeader reads `id="...", uri="...", emailAddress="..."`.
func (srv *Server) parseGrantHeader(name, v string, perm access.Permission) ([]store.Grant, error) {
	var out []store.Grant
	for _, item := range strings.Split(v, ",") {
		kind, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if !ok || val == "" {
			return nil, s3err.Errorf("InvalidArgument", "Invalid grant in %s: use id=\"...\", uri=\"...\" or emailAddress=\"...\"", strings.ToLower(name)).
				With("ArgumentName", strings.ToLower(name)).With("ArgumentValue", v)
		}
		var g store.Grantee
		switch strings.ToLower(strings.TrimSpace(kind)) {
		case "id":
			g = store.Grantee{Type: "CanonicalUser", ID: val}
		case "uri":
			g = store.Grantee{Type: "Group", URI: val}
		case "emailaddress":
			g = store.Grantee{Type: "AmazonCustomerByEmail", EmailAddress: val}
		default:
			return nil, s3err.Errorf("InvalidArgument", "Argument format not recognized").With("ArgumentName", strings.ToLower(name)).With("ArgumentValue", v)
		}
		grant, err := srv.checkGrant(store.Grant{Grantee: g, Permission: string(perm)})
		if err != nil {
			return nil, err
		}
		out = append(out, grant)
	}
	return out, nil
}

// checkGrant validates one grant and puts its grantee in the form it is
// stored in: a CanonicalUser is a known canonical ID (a root key's access
// key stands for the root account), a Group one of S3's groups.
func (srv *Server) checkGrant(g store.Grant) (store.Grant, error) {
	if !access.Permission(g.Permission).Valid() {
		return g, errMalformedACL()
	}
	ge := g.Grantee
	switch {
	case ge.Type == "CanonicalUser" && ge.ID != "":
		id := ge.ID
		if _, _, known := srv.verifier.Keys.Lookup(id); !known && id != access.RootID {
			return g, s3err.Errorf("InvalidArgument", "Invalid id").With("ArgumentName", "CanonicalUser/ID").With("ArgumentValue", id)
		}
		return userGrant(srv.ownerID(id), access.Permission(g.Permission)), nil
	case ge.Type == "Group" && (ge.URI == access.AllUsers || ge.URI == access.AuthenticatedUsers || ge.URI == access.LogDelivery):
		return groupGrant(ge.URI, access.Permission(g.Permission)), nil
	case ge.Type == "Group":
		return g, s3err.Errorf("InvalidArgument", "Invalid group uri").With("ArgumentName", "Group/URI").With("ArgumentValue", ge.URI)
	case ge.Type == "AmazonCustomerByEmail":
		return g, s3err.Errorf("UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record.").
			With("EmailAddressProvided", ge.EmailAddress)
	}
	return g, errMalformedACL()
}

func errMalformedACL() *s3err.Error {
	return s3err.Errorf("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
}

// readACL is the ACL a PUT ?acl sets: from its headers, or else from its
// AccessControlPolicy body.
func (srv *Server) readACL(r *http.Request, ownerID, bucketOwnerID string) ([]store.Grant, error) {
	acl, set, err := srv.headerACL(r.Header, ownerID, bucketOwnerID)
	if err != nil || set {
		if set && r.ContentLength > 0 {
			return nil, s3err.Errorf("UnexpectedContent", "This request does not support content")
		}
		return acl, err
	}
	var p accessControlPolicy
	if err := readXML(r, &p); err != nil {
		if ae, ok := err.(*s3err.Error); ok && ae.Code == "MalformedXML" {
			return nil, errMalformedACL()
		}
		return nil, err
	}
	for i, g := range p.Grants {
		if p.Grants[i], err = srv.checkGrant(g); err != nil {
			return nil, err
		}
	}
	return p.Grants, nil
}

// aclPolicy renders an ACL (nil: private) with its owner.
func aclPolicy(own *owner, grants []store.Grant) *accessControlPolicy {
	if len(grants) == 0 {
		grants = []store.Grant{userGrant(own.ID, access.FullControl)}
	}
	out := make([]store.Grant, len(grants))
	for i, g := range grants {
		g.Grantee.XMLNSXsi = "http://www.w3.org/2001/XMLSchema-instance"
		out[i] = g
	}
	return &accessControlPolicy{Xmlns: s3Namespace, Owner: own, Grants: out}
}

// onlyBucketOwner reports whether an ACL grants nothing but full control
// to the bucket owner: the one ACL a bucket with ACLs disabled accepts.
func onlyBucketOwner(acl []store.Grant, bucketOwnerID string) bool {
	for _, g := range acl {
		if g.Grantee.ID != bucketOwnerID || g.Permission != string(access.FullControl) {
			return false
		}
	}
	return true
}

func errACLsDisabled() *s3err.Error {
	return s3err.Errorf("AccessControlListNotSupported", "The bucket does not allow ACLs")
}

func (srv *Server) bucketACL(w http.ResponseWriter, r *http.Request, bucket string) error {
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return err
	}
	own := srv.ownerView(b.Owner)
	switch r.Method {
	case http.MethodGet:
		s3err.WriteXML(w, http.StatusOK, aclPolicy(own, b.ACL))
		return nil
	case http.MethodPut:
		acl, err := srv.readACL(r, own.ID, own.ID)
		if err != nil {
			return err
		}
		if b.Ownership == ownershipEnforced && !onlyBucketOwner(acl, own.ID) {
			return errACLsDisabled()
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.ACL = acl
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

// objectACL serves the ACL of an object's current version or of
// ?versionId.
func (srv *Server) objectACL(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return err
	}
	o, err := srv.store.HeadVersion(bucket, key, version)
	if err != nil {
		return err
	}
	own, bucketOwnerID := srv.ownerView(objectOwner(b, o)), srv.ownerID(b.Owner)
	switch r.Method {
	case http.MethodGet:
		srv.setVersionHeader(w.Header(), bucket, o)
		s3err.WriteXML(w, http.StatusOK, aclPolicy(own, o.ACL))
		return nil
	case http.MethodPut:
		acl, err := srv.readACL(r, own.ID, bucketOwnerID)
		if err != nil {
			return err
		}
		if b.Ownership == ownershipEnforced && !onlyBucketOwner(acl, bucketOwnerID) {
			return errACLsDisabled()
		}
		return srv.updateObject(w, http.StatusOK, bucket, key, version, func(o *store.Object) { o.ACL = acl })
	}
	return s3err.MethodNotAllowed()
}

// objectOwner is the access key that owns o: its writer's, unless the
// bucket enforces its own ownership.
func objectOwner(b *store.Bucket, o *store.Object) string {
	if b.Ownership == ownershipEnforced {
		return b.Owner
	}
	return o.Owner
}

// newObjectACL decides who owns an object the request writes and its ACL,
// by the bucket's ownership controls: BucketOwnerEnforced gives the bucket
// owner everything and takes no ACL but bucket-owner-full-control;
// BucketOwnerPreferred gives it the object written with that canned ACL;
// otherwise (ObjectWriter, or none set) the writer owns it. An anonymous
// writer's object goes to the bucket owner.
func (srv *Server) newObjectACL(r *http.Request, h http.Header, bucket string) (ownerKey string, acl []store.Grant, err error) {
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return "", nil, err
	}
	p := access.FromContext(r.Context())
	ownerKey = p.AccessKey
	canned := h.Get("X-Amz-Acl")
	switch {
	case p.Anonymous(), b.Ownership == ownershipEnforced,
		b.Ownership == ownershipPreferred && canned == cannedBucketOwnerFull:
		ownerKey = b.Owner
	}
	ownerID, bucketOwnerID := srv.ownerID(ownerKey), srv.ownerID(b.Owner)
	acl, _, err = srv.headerACL(h, ownerID, bucketOwnerID)
	if err != nil {
		return "", nil, err
	}
	if b.Ownership == ownershipEnforced && ((canned != "" && canned != cannedBucketOwnerFull) || !onlyBucketOwner(acl, bucketOwnerID)) {
		return "", nil, errACLsDisabled()
	}
	return ownerKey, acl, nil
}
