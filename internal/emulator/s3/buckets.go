package s3

import (
	"net/http"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket
// and GetBucketLocation (bucket versioning is in versions.go). A bucket
// belongs to the access key that created it; a name taken by the same
// account is BucketAlreadyOwnedByYou with 409, as S3 answers in every
// region but us-east-1 (where it is 200), by another BucketAlreadyExists.

// listBuckets serves ListBuckets with prefix, max-buckets and
// continuation-token.
func (srv *Server) listBuckets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q, "max-buckets", 10000, 1, 10000)
	if err != nil {
		return err
	}
	after := ""
	if tok := q.Get("continuation-token"); tok != "" {
		if after, err = decodeToken(tok); err != nil {
			return err
		}
	}
	p := access.FromContext(r.Context())
	res := listAllMyBucketsResult{Xmlns: s3Namespace, Owner: srv.ownerView(p.AccessKey), Prefix: q.Get("prefix"), Buckets: []bucketEntry{}}
	for _, b := range srv.store.ListBuckets() {
		if b.Name <= after || !strings.HasPrefix(b.Name, res.Prefix) || !srv.lists(p, b) {
			continue
		}
		if len(res.Buckets) == limit {
			res.ContinuationToken = encodeToken(res.Buckets[limit-1].Name)
			break
		}
		res.Buckets = append(res.Buckets, bucketEntry{Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: srv.region})
	}
	s3err.WriteXML(w, http.StatusOK, &res)
	return nil
}

func (srv *Server) location(w http.ResponseWriter, bucket string) error {
	if !srv.store.BucketExists(bucket) {
		return s3err.NoSuchBucket(bucket)
	}
	s3err.WriteXML(w, http.StatusOK, &locationConstraint{Xmlns: s3Namespace, Region: srv.region})
	return nil
}

// lists reports whether ListBuckets shows b to p: its owner's buckets, or
// every bucket to a root key.
func (srv *Server) lists(p access.Principal, b *store.Bucket) bool {
	return p.Root || srv.ownerID(b.Owner) == p.ID()
}

// createBucket makes a bucket owned by the request's access key, with the
// ACL (x-amz-acl or x-amz-grant-*), the ownership controls
// (x-amz-object-ownership), Object Lock
// (x-amz-bucket-object-lock-enabled) and the location constraint it asks
// for.
func (srv *Server) createBucket(w http.ResponseWriter, r *http.Request, bucket string) error {
	p := access.FromContext(r.Context())
	ownership, err := ownershipHeader(r.Header)
	if err != nil {
		return err
	}
	acl, _, err := srv.headerACL(r.Header, p.ID(), p.ID())
	if err != nil {
		return err
	}
	if canned := r.Header.Get("X-Amz-Acl"); ownership == ownershipEnforced &&
		((canned != "" && canned != "private" && canned != cannedBucketOwnerFull) || !onlyBucketOwner(acl, p.ID())) {
		return errEnforcedWithACL()
	}
	if r.ContentLength != 0 {
		var cfg createBucketConfiguration
		if err := readXML(r, &cfg); err != nil {
			return err
		}
		if cfg.LocationConstraint != "" && cfg.LocationConstraint != srv.region {
			return s3err.Errorf("IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", cfg.LocationConstraint)
		}
	}
	rec := store.Bucket{Name: bucket, ACL: acl, Owner: p.AccessKey, Ownership: ownership}
	if lockEnabledAtCreation(r.Header) { // as in S3, Object Lock comes with versioning
		rec.ObjectLock, rec.Versioning = &store.LockConfig{}, store.VersioningEnabled
	}
	sameOwner := func(b *store.Bucket) bool { return srv.ownerID(b.Owner) == p.ID() }
	if err := srv.store.CreateBucket(rec, sameOwner); err != nil {
		return err
	}
	w.Header().Set("Location", "/"+bucket)
	w.WriteHeader(http.StatusOK)
	return nil
}

// headBucket names the bucket's region, which clients use HeadBucket to
// find.
func (srv *Server) headBucket(w http.ResponseWriter, bucket string) error {
	if !srv.store.BucketExists(bucket) {
		return s3err.NoSuchBucket(bucket)
	}
	w.Header().Set(headerBucketRegion, srv.region)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (srv *Server) deleteBucket(w http.ResponseWriter, bucket string) error {
	if err := srv.store.DeleteBucket(bucket, false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
