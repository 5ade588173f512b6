// Package s3 serves the S3 API over the emulator's store, with handlers
// grouped by resource: buckets, objects, multipart uploads, listing,
// sub-resources (tagging, ACLs, website, lifecycle, ownership controls,
// Object Lock, and NotImplemented for the rest) and browser POST uploads. Requests
// reach it authenticated (or anonymous), their bodies verified as they are
// read (package sigv4), their principal in their context (package access);
// each is authorized before it is routed (authorize.go). Only POST
// uploads, signed by their form's policy rather than the request, are
// verified here.
package s3

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Config configures a Server; every field is required.
type Config struct {
	Store    *store.Store
	Verifier *sigv4.Verifier // checks POST upload policies
	Region   string
	// MinPartSize is the smallest non-final multipart part that
	// CompleteMultipartUpload accepts.
	MinPartSize int64
	// HostBases enable virtual-hosted-style addressing: a request for host
	// "<bucket>.<base>" (port ignored) addresses <bucket>.
	HostBases []string
	Now       func() time.Time
	// Authenticated runs once a POST upload's policy is verified, as the
	// emulator runs its observers and faults on the requests it
	// authenticates itself; true means it answered the request.
	Authenticated func(w http.ResponseWriter, r *http.Request) (handled bool)
}

// Server is an http.Handler for authenticated S3 requests.
type Server struct {
	store         *store.Store
	verifier      *sigv4.Verifier
	region        string
	minPartSize   int64
	hostBases     []string
	now           func() time.Time
	authenticated func(http.ResponseWriter, *http.Request) bool
}

// New returns a Server.
func New(c Config) *Server {
	return &Server{store: c.Store, verifier: c.Verifier, region: c.Region, minPartSize: c.MinPartSize,
		hostBases: c.HostBases, now: c.Now, authenticated: c.Authenticated}
}

// ServeHTTP serves an authenticated request and renders any error.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := srv.dispatch(w, r); err != nil {
		srv.WriteError(w, r, err)
	}
}

// headerBucketRegion names the region of the bucket a request addressed.
const headerBucketRegion = "X-Amz-Bucket-Region"

// WriteError renders err as the answer to r. An error answer to HEAD,
// which has no body to carry S3's <Region> element, names the bucket's
// region in x-amz-bucket-region when the bucket exists, as S3's does:
// clients that signed for another region (the AWS CLI's default
// us-east-1) read it there and sign again.
func (srv *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Method == http.MethodHead {
		if bucket, _ := srv.Target(r); bucket != "" && srv.store.BucketExists(bucket) {
			w.Header().Set(headerBucketRegion, srv.region)
		}
	}
	s3err.Write(w, r, err)
}

// Target names the bucket and key r addresses, path-style or
// virtual-hosted.
func (srv *Server) Target(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := srv.virtualHostBucket(r.Host); b != "" {
		return b, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// virtualHostBucket returns the bucket named by a virtual-hosted Host.
func (srv *Server) virtualHostBucket(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	for _, base := range srv.hostBases {
		if b, ok := strings.CutSuffix(host, "."+strings.Trim(base, ".")); ok && b != "" {
			return b
		}
	}
	return ""
}

// dispatch routes a request. Sub-resources are matched before the plain
// bucket/object operations so that none can fall through to the object.
func (srv *Server) dispatch(w http.ResponseWriter, r *http.Request) error {
	if b := srv.virtualHostBucket(r.Host); b != "" {
		toPathStyle(r, b)
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	if name := unsupportedSubresource(q); name != "" {
		return s3err.NotImplemented("?" + name)
	}
	if r.Method == http.MethodOptions {
		return errNoCORS()
	}
	if err := srv.authorize(r, bucket, key, q); err != nil {
		return err
	}
	switch {
	case bucket == "" && r.Method == http.MethodGet:
		return srv.listBuckets(w, r)
	case bucket == "":
		return s3err.MethodNotAllowed()
	case key == "":
		return srv.routeBucket(w, r, bucket, q)
	}
	return srv.routeObject(w, r, bucket, key, q)
}

// toPathStyle rewrites a virtual-hosted request (already authenticated on
// its original form) to the path-style form everything else expects.
func toPathStyle(r *http.Request, bucket string) {
	u := *r.URL
	u.Path = "/" + bucket + u.Path
	if u.RawPath != "" {
		u.RawPath = "/" + bucket + u.RawPath
	}
	r.URL = &u
}

func (srv *Server) routeBucket(w http.ResponseWriter, r *http.Request, bucket string, q url.Values) error {
	switch {
	case q.Has("tagging"):
		return srv.bucketTagging(w, r, bucket)
	case q.Has("acl"):
		return srv.bucketACL(w, r, bucket)
	case q.Has("uploads"):
		return onlyMethod(r, http.MethodGet, func() error { return srv.listUploads(w, r, bucket) })
	case q.Has("location"):
		return onlyMethod(r, http.MethodGet, func() error { return srv.location(w, bucket) })
	case q.Has("versioning"):
		return srv.versioning(w, r, bucket)
	case q.Has("versions"):
		return onlyMethod(r, http.MethodGet, func() error { return srv.listObjectVersions(w, r, bucket) })
	case q.Has("website"):
		return srv.bucketWebsite(w, r, bucket)
	case q.Has("lifecycle"):
		return srv.bucketLifecycle(w, r, bucket)
	case q.Has("ownershipControls"):
		return srv.bucketOwnershipControls(w, r, bucket)
	case q.Has("object-lock"):
		return srv.bucketObjectLock(w, r, bucket)
	case q.Has("delete"):
		return onlyMethod(r, http.MethodPost, func() error { return srv.deleteObjects(w, r, bucket) })
	}
	switch r.Method {
	case http.MethodGet:
		return srv.listObjects(w, r, bucket)
	case http.MethodPut:
		return srv.createBucket(w, r, bucket)
	case http.MethodHead:
		return srv.headBucket(w, bucket)
	case http.MethodDelete:
		return srv.deleteBucket(w, bucket)
	}
	return s3err.NotImplemented(r.Method + " on a bucket")
}

func (srv *Server) routeObject(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	switch {
	case q.Has("uploads"):
		return onlyMethod(r, http.MethodPost, func() error { return srv.initiateUpload(w, r, bucket, key) })
	case q.Has("uploadId"):
		return srv.routeUpload(w, r, bucket, key, q.Get("uploadId"))
	case q.Has("tagging"):
		return srv.objectTagging(w, r, bucket, key)
	case q.Has("acl"):
		return srv.objectACL(w, r, bucket, key)
	case q.Has("attributes"):
		return onlyMethod(r, http.MethodGet, func() error { return srv.getObjectAttributes(w, r, bucket, key) })
	case q.Has("retention"):
		return srv.objectRetention(w, r, bucket, key)
	case q.Has("legal-hold"):
		return srv.objectLegalHold(w, r, bucket, key)
	case subresource(q) != "": // a bucket's, never the object's to take
		return s3err.NotImplemented("?" + subresource(q) + " on an object")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return srv.getObject(w, r, bucket, key)
	case http.MethodPut:
		return srv.putObject(w, r, bucket, key)
	case http.MethodDelete:
		return srv.deleteObject(w, r, bucket, key)
	}
	return s3err.NotImplemented(r.Method + " on an object")
}

func (srv *Server) routeUpload(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	switch r.Method {
	case http.MethodPut:
		return srv.uploadPart(w, r, bucket, key, id)
	case http.MethodGet:
		return srv.listParts(w, r, bucket, key, id)
	case http.MethodPost:
		return srv.completeUpload(w, r, bucket, key, id)
	case http.MethodDelete:
		return srv.abortUpload(w, bucket, key, id)
	}
	return s3err.MethodNotAllowed()
}

func onlyMethod(r *http.Request, method string, f func() error) error {
	if r.Method != method {
		return s3err.MethodNotAllowed()
	}
	return f()
}
