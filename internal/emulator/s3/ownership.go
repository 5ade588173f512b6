package s3

import (
	"encoding/xml"
	"net/http"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Ownership controls: x-amz-object-ownership at CreateBucket and
// Get/Put/DeleteBucketOwnershipControls. A bucket without them behaves as
// ObjectWriter (S3's default before April 2023, when ACLs were on unless
// turned off): QStorage documents canned ACLs as a core feature, and S3's
// current default, BucketOwnerEnforced, refuses them.

type ownershipControls struct {
	XMLName xml.Name        `xml:"OwnershipControls"`
	Xmlns   string          `xml:"xmlns,attr,omitempty"`
	Rules   []ownershipRule `xml:"Rule"`
}

type ownershipRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

func validOwnership(v string) bool {
	return v == ownershipEnforced || v == ownershipPreferred || v == ownershipWriter
}

// ownershipHeader reads CreateBucket's x-amz-object-ownership.
func ownershipHeader(h http.Header) (string, error) {
	v := h.Get("X-Amz-Object-Ownership")
	if v != "" && !validOwnership(v) {
		return "", invalidArgument("Invalid x-amz-object-ownership header: %s", v).
			With("ArgumentName", "x-amz-object-ownership").With("ArgumentValue", v)
	}
	return v, nil
}

func (srv *Server) bucketOwnershipControls(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		if b.Ownership == "" {
			return s3err.Errorf("OwnershipControlsNotFoundError", "The bucket ownership controls were not found").WithBucket(bucket)
		}
		s3err.WriteXML(w, http.StatusOK, &ownershipControls{Xmlns: s3Namespace, Rules: []ownershipRule{{ObjectOwnership: b.Ownership}}})
		return nil
	case http.MethodPut:
		var c ownershipControls
		if err := readXML(r, &c); err != nil {
			return err
		}
		if len(c.Rules) != 1 || !validOwnership(c.Rules[0].ObjectOwnership) {
			return s3err.MalformedXML()
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			return srv.setOwnership(b, c.Rules[0].ObjectOwnership)
		}))
	case http.MethodDelete:
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.Ownership = ""
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

// setOwnership refuses, as S3 does, to turn ACLs off while the bucket's
// own ACL grants anyone but its owner.
func (srv *Server) setOwnership(b *store.Bucket, v string) error {
	if v == ownershipEnforced && !onlyBucketOwner(b.ACL, srv.ownerID(b.Owner)) {
		return errEnforcedWithACL()
	}
	b.Ownership = v
	return nil
}

func errEnforcedWithACL() *s3err.Error {
	return s3err.Errorf("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
}
