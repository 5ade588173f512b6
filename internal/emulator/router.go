package emulator

import (
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
		return e.versioning(w, r, bucket)
	case q.Has("delete"):
		return onlyMethod(r, http.MethodPost, func() error { return e.deleteObjects(w, r, bucket) })
	}
	switch r.Method {
	case http.MethodGet:
		return e.listObjects(w, r, bucket)
	case http.MethodPut:
		return e.createBucket(w, r, bucket)
	case http.MethodHead:
		return e.headBucket(w, bucket)
	case http.MethodDelete:
		return e.deleteBucket(w, bucket)
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
		return e.deleteObject(w, bucket, key)
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

// validateBucketName applies QStorage's naming rules.
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

func (e *Emulator) headBucket(w http.ResponseWriter, bucket string) error {
	if !e.store.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (e *Emulator) deleteBucket(w http.ResponseWriter, bucket string) error {
	if err := e.store.deleteBucket(bucket, false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// versioning answers as S3 does for a bucket that was never versioned: an
// empty configuration, and NotImplemented for a request to enable it.
func (e *Emulator) versioning(w http.ResponseWriter, r *http.Request, bucket string) error {
	if !e.store.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	switch r.Method {
	case http.MethodGet:
		writeXML(w, http.StatusOK, &versioningConfiguration{Xmlns: s3Namespace})
		return nil
	case http.MethodPut:
		var cfg versioningConfiguration
		if err := readXML(r, &cfg); err != nil {
			return err
		}
		if cfg.Status == "Enabled" || cfg.MFADelete == "Enabled" {
			return errNotImplemented("bucket versioning")
		}
		w.WriteHeader(http.StatusOK)
		return nil
	}
	return errMethodNotAllowed()
}
