package s3

import (
	"net/http"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket
// and GetBucketLocation (bucket versioning is in versions.go).

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
	res := listAllMyBucketsResult{Xmlns: s3Namespace, Owner: ownerInfo, Prefix: q.Get("prefix"), Buckets: []bucketEntry{}}
	for _, b := range srv.store.ListBuckets() {
		if b.Name <= after || !strings.HasPrefix(b.Name, res.Prefix) {
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

// createBucket honours x-amz-acl and the location constraint.
func (srv *Server) createBucket(w http.ResponseWriter, r *http.Request, bucket string) error {
	acl, err := cannedACL(r.Header.Get("X-Amz-Acl"))
	if err != nil {
		return err
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
	if err := srv.store.CreateBucket(bucket, acl); err != nil {
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
