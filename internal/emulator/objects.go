package emulator

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
)

const (
	maxKeyLength  = 1024
	maxPutSize    = 5 << 30 // 5 GiB, the single-PUT limit
	storageClassH = "X-Amz-Storage-Class"
)

// responseOverrides are the GET/HEAD query parameters that replace a header.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// getObject serves GET and HEAD, with conditions, ranges and partNumber.
func (e *Emulator) getObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if v := r.URL.Query().Get("versionId"); v != "" && v != "null" {
		return errNotImplemented("versionId")
	}
	o, body, err := e.store.open(bucket, key)
	if err != nil {
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	if err := checkPreconditions(r.Header, "", o, errNotModified); err != nil {
		return err
	}
	rng, err := readRange(r, o, h)
	if err != nil {
		return err
	}
	objectHeaders(h, o, r.URL.Query())
	return sendBody(w, r, body, o.Size, rng)
}

// objectHeaders sets the stored metadata and S3's standard object headers.
func objectHeaders(h http.Header, o *objectRecord, q url.Values) {
	for k, v := range o.Meta {
		h.Set(k, v)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "binary/octet-stream")
	}
	h.Set("Accept-Ranges", "bytes")
	if len(o.Tags) > 0 {
		h.Set("X-Amz-Tagging-Count", itoa(len(o.Tags)))
	}
	for param, header := range responseOverrides {
		if v := q.Get(param); v != "" {
			h.Set(header, v)
		}
	}
}

func sendBody(w http.ResponseWriter, r *http.Request, body io.ReadSeeker, size int64, rng *byteRange) error {
	status, length := http.StatusOK, size
	if rng != nil {
		status, length = http.StatusPartialContent, rng.length
		w.Header().Set("Content-Range", "bytes "+itoa64(rng.start)+"-"+itoa64(rng.start+rng.length-1)+"/"+itoa64(size))
		if _, err := body.Seek(rng.start, io.SeekStart); err != nil {
			return errInternal(err)
		}
	}
	w.Header().Set("Content-Length", itoa64(length))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.CopyN(w, body, length) // too late for an error document
	}
	return nil
}

// putObject serves PutObject and, with x-amz-copy-source, CopyObject.
func (e *Emulator) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if len(key) > maxKeyLength {
		return errf("KeyTooLongError", "Your key is too long")
	}
	if r.Header.Get("X-Amz-Copy-Source") != "" {
		return e.copyObject(w, r, bucket, key)
	}
	if r.ContentLength < 0 {
		return errf("MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if r.ContentLength > maxPutSize {
		return errf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").
			with("ProposedSize", itoa64(r.ContentLength)).with("MaxSizeAllowed", itoa64(maxPutSize))
	}
	in, err := newObjectInput(r.Header, bucket, key)
	if err != nil {
		return err
	}
	in.body, in.size, in.cond = r.Body, r.ContentLength, putCondition(r.Header)
	o, err := e.store.putObject(in)
	if err != nil {
		return err
	}
	writeObjectResult(w, o)
	return nil
}

// newObjectInput collects metadata, tags and ACL from request headers.
func newObjectInput(h http.Header, bucket, key string) (putInput, error) {
	meta, err := objectMeta(h)
	if err != nil {
		return putInput{}, err
	}
	tags, err := parseTaggingHeader(h.Get("X-Amz-Tagging"))
	if err != nil {
		return putInput{}, err
	}
	acl, err := cannedACL(h.Get("X-Amz-Acl"))
	if err != nil {
		return putInput{}, err
	}
	return putInput{bucket: bucket, key: key, meta: meta, tags: tags, acl: acl, size: -1}, nil
}

func writeObjectResult(w http.ResponseWriter, o *objectRecord) {
	w.Header().Set("ETag", o.ETag)
	for _, name := range []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"} {
		if v := o.Meta[name]; v != "" {
			w.Header().Set(name, v)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// copyObject implements CopyObject, honouring x-amz-metadata-directive and
// x-amz-tagging-directive.
func (e *Emulator) copyObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	srcBucket, srcKey, err := parseCopySource(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	metaDir, err := directive(r.Header, "X-Amz-Metadata-Directive")
	if err != nil {
		return err
	}
	tagDir, err := directive(r.Header, "X-Amz-Tagging-Directive")
	if err != nil {
		return err
	}
	if srcBucket == bucket && srcKey == key && metaDir == "COPY" && r.Header.Get(storageClassH) == "" {
		return errf("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	in, err := newObjectInput(r.Header, bucket, key)
	if err != nil {
		return err
	}
	mk := func(src *objectRecord) (*objectRecord, error) {
		if err := checkPreconditions(r.Header, "X-Amz-Copy-Source-", src, errPreconditionFailed("x-amz-copy-source-if-none-match")); err != nil {
			return nil, err
		}
		rec := &objectRecord{Bucket: bucket, Key: key, Meta: in.meta, Tags: in.tags, ACL: in.acl}
		if metaDir == "COPY" {
			rec.Meta = src.Meta
		}
		if tagDir == "COPY" {
			rec.Tags = src.Tags
		}
		return rec, nil
	}
	o, err := e.store.copyObject(srcBucket, srcKey, mk, putCondition(r.Header))
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, &copyResult{XMLName: xml.Name{Local: "CopyObjectResult"}, ETag: o.ETag, LastModified: s3Time(o.Modified)})
	return nil
}

func directive(h http.Header, name string) (string, error) {
	switch v := strings.ToUpper(h.Get(name)); v {
	case "":
		return "COPY", nil
	case "COPY", "REPLACE":
		return v, nil
	}
	return "", errf("InvalidArgument", "Unknown %s value", name).with("ArgumentName", name).with("ArgumentValue", h.Get(name))
}

// parseCopySource splits "[/]bucket/key[?versionId=v]" whose key is
// URL-encoded; a literal '?' can only start the version suffix.
func parseCopySource(v string) (bucket, key string, err error) {
	path, query, _ := strings.Cut(v, "?")
	if q, _ := url.ParseQuery(query); q.Get("versionId") != "" && q.Get("versionId") != "null" {
		return "", "", errNotImplemented("x-amz-copy-source versionId")
	}
	path, err = url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return "", "", errf("InvalidArgument", "Invalid copy source encoding")
	}
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", errf("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
			with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", v)
	}
	return bucket, key, nil
}

// deleteObject removes a key; a missing key is a success, as in S3.
func (e *Emulator) deleteObject(w http.ResponseWriter, bucket, key string) error {
	if err := e.store.deleteObject(bucket, key); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

const maxDeleteKeys = 1000 // S3's limit per DeleteObjects request

// deleteObjects insists on Content-MD5, which S3 historically required and
// QStorage-like servers still do; the SDK omits it when checksums are
// WhenRequired, so a client that forgets to add it must fail here too.
// Keys that do not exist are reported deleted, as S3 reports them.
func (e *Emulator) deleteObjects(w http.ResponseWriter, r *http.Request, bucket string) error {
	if r.Header.Get("Content-Md5") == "" {
		return errf("InvalidRequest", "Missing required header for this request: Content-Md5")
	}
	var req deleteRequest
	if err := readXML(r, &req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return errMalformedXML()
	}
	if !e.store.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	res := &deleteResult{Xmlns: s3Namespace}
	for _, o := range req.Objects {
		if err := e.deleteOne(bucket, o.Key, o.VersionID); err != nil {
			ae := toAPIError(err)
			res.Errors = append(res.Errors, deleteErrorEntry{Key: o.Key, Code: ae.Code, Message: ae.Message})
		} else if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedEntry{Key: o.Key})
		}
	}
	writeXML(w, http.StatusOK, res)
	return nil
}

func (e *Emulator) deleteOne(bucket, key, versionID string) error {
	if versionID != "" && versionID != "null" {
		return errNotImplemented("versionId")
	}
	return e.store.deleteObject(bucket, key)
}
