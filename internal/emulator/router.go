package emulator

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// dispatch routes a request. Sub-resources are matched before the plain
// bucket/object operations so that none can fall through to the object.
func (e *Emulator) dispatch(w http.ResponseWriter, r *http.Request) error {
	if b := e.virtualHostBucket(r.Host); b != "" {
		toPathStyle(r, b)
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	if name := unsupportedSubresource(q); name != "" {
		return errNotImplemented("?" + name)
	}
	switch {
	case bucket == "" && r.Method == http.MethodGet:
		return e.listBuckets(w, r)
	case bucket == "":
		return errMethodNotAllowed()
	case key == "":
		return e.routeBucket(w, r, bucket, q)
	}
	return e.routeObject(w, r, bucket, key, q)
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

func (e *Emulator) routeBucket(w http.ResponseWriter, r *http.Request, bucket string, q url.Values) error {
	switch {
	case q.Has("tagging"):
		return e.bucketTagging(w, r, bucket)
	case q.Has("acl"):
		return e.bucketACL(w, r, bucket)
	case q.Has("uploads"):
		return onlyMethod(r, http.MethodGet, func() error { return e.listUploads(w, r, bucket) })
	case q.Has("location"):
		return onlyMethod(r, http.MethodGet, func() error { return e.location(w, bucket) })
	case q.Has("versioning"):
		return e.delegate(w, r)
	case q.Has("delete"):
		return onlyMethod(r, http.MethodPost, func() error { return e.deleteObjects(w, r) })
	}
	switch r.Method {
	case http.MethodGet:
		return e.listObjects(w, r, bucket)
	case http.MethodPut:
		return e.createBucket(w, r, bucket)
	case http.MethodHead, http.MethodDelete:
		return e.delegate(w, r)
	}
	return errNotImplemented(r.Method + " on a bucket")
}

func (e *Emulator) routeObject(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	switch {
	case q.Has("uploads"):
		return onlyMethod(r, http.MethodPost, func() error { return e.initiateUpload(w, r, bucket, key) })
	case q.Has("uploadId"):
		return e.routeUpload(w, r, bucket, key, q.Get("uploadId"))
	case q.Has("tagging"):
		return e.objectTagging(w, r, bucket, key)
	case q.Has("acl"):
		return e.objectACL(w, r, bucket, key)
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return e.getObject(w, r, bucket, key)
	case http.MethodPut:
		return e.putObject(w, r, bucket, key)
	case http.MethodDelete:
		if v := q.Get("versionId"); v != "" && v != "null" {
			return errNotImplemented("versionId")
		}
		return e.delegate(w, r)
	}
	return errNotImplemented(r.Method + " on an object")
}

func (e *Emulator) routeUpload(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	switch r.Method {
	case http.MethodPut:
		return e.uploadPart(w, r, bucket, key, id)
	case http.MethodGet:
		return e.listParts(w, r, bucket, key, id)
	case http.MethodPost:
		return e.completeUpload(w, r, bucket, key, id)
	case http.MethodDelete:
		return e.abortUpload(w, bucket, key, id)
	}
	return errMethodNotAllowed()
}

// deleteObjects insists on Content-MD5, which S3 historically required and
// QStorage-like servers still do; the SDK omits it when checksums are
// WhenRequired, so a client that forgets to add it must fail here too.
func (e *Emulator) deleteObjects(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("Content-Md5") == "" {
		return errf("InvalidRequest", "Missing required header for this request: Content-Md5")
	}
	return e.delegate(w, r)
}

func onlyMethod(r *http.Request, method string, f func() error) error {
	if r.Method != method {
		return errMethodNotAllowed()
	}
	return f()
}

func (e *Emulator) location(w http.ResponseWriter, bucket string) error {
	if !e.store.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	writeXML(w, http.StatusOK, &locationConstraint{Xmlns: s3Namespace, Region: e.region})
	return nil
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
var ipLikeRE = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)

// validateBucketName applies QStorage's naming rules (gofakes3's check
// wrongly rejects labels shorter than three characters).
func validateBucketName(name string) error {
	if !bucketNameRE.MatchString(name) || ipLikeRE.MatchString(name) ||
		strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		e := errf("InvalidBucketName", "The specified bucket is not valid.")
		e.BucketName = name
		return e
	}
	return nil
}

// createBucket is ours so that x-amz-acl and the location constraint count.
func (e *Emulator) createBucket(w http.ResponseWriter, r *http.Request, bucket string) error {
	if err := validateBucketName(bucket); err != nil {
		return err
	}
	acl, err := cannedACL(r.Header.Get("X-Amz-Acl"))
	if err != nil {
		return err
	}
	if r.ContentLength != 0 {
		var cfg createBucketConfiguration
		if err := readXML(r, &cfg); err != nil {
			return err
		}
		if cfg.LocationConstraint != "" && cfg.LocationConstraint != e.region {
			return errf("IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", cfg.LocationConstraint)
		}
	}
	if err := e.store.createBucket(bucket, acl); err != nil {
		return err
	}
	w.Header().Set("Location", "/"+bucket)
	w.WriteHeader(http.StatusOK)
	return nil
}

// delegate hands r to gofakes3 and relays its answer, re-rendering errors
// so that they carry our request ID and status mapping. The body is read
// first so that digest mismatches are reported, not swallowed.
func (e *Emulator) delegate(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(bodyReader{r.Body})
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	rec := &bufferedResponse{header: http.Header{}}
	e.fakes.ServeHTTP(rec, r)
	if rec.status >= 400 {
		return rec.asError(r)
	}
	for k, v := range rec.header {
		if k != hdrRequestID && k != "X-Amz-Id-2" && k != "Server" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
	return nil
}

// bufferedResponse captures a gofakes3 response; only small responses
// (deletes, versioning, head bucket) are delegated.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *bufferedResponse) asError(r *http.Request) error {
	var doc struct {
		Code, Message, Resource string
	}
	_ = xml.Unmarshal(b.body.Bytes(), &doc)
	if doc.Code == "" {
		doc.Code = strings.ReplaceAll(http.StatusText(b.status), " ", "")
	}
	e := errf(doc.Code, "%s", doc.Message)
	if _, known := statusByCode[doc.Code]; !known {
		e.status = b.status
	}
	if doc.Code == "NoSuchBucket" {
		e.BucketName, _, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	}
	return e
}
