package s3

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
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

// getObject serves GET and HEAD, of the current version or ?versionId,
// with conditions, ranges and partNumber.
func (srv *Server) getObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	withChecksum, err := checksumMode(r.Header)
	if err != nil {
		return err
	}
	o, body, err := srv.store.Open(bucket, key, version)
	if err != nil {
		return err
	}
	defer body.Close()
	h := w.Header()
	srv.setVersionHeader(h, bucket, o)
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	if err := checkPreconditions(r.Header, "", o, s3err.ErrNotModified); err != nil {
		return err
	}
	rng, err := readRange(r, o, h)
	if err != nil {
		return err
	}
	if withChecksum {
		part, _ := strconv.Atoi(r.URL.Query().Get("partNumber")) // readRange checked it
		setReadChecksum(h, o, part, rng)
	}
	objectHeaders(h, o, r.URL.Query())
	setLockHeaders(h, o)
	return sendBody(w, r, body, o.Size, rng)
}

// objectHeaders sets the stored metadata and S3's standard object headers.
func objectHeaders(h http.Header, o *store.Object, q url.Values) {
	for k, v := range o.Meta {
		setStoredHeader(h, k, v)
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
			return s3err.Internal(err)
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
func (srv *Server) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if len(key) > maxKeyLength {
		return s3err.Errorf("KeyTooLongError", "Your key is too long")
	}
	if r.Header.Get("X-Amz-Copy-Source") != "" {
		return srv.copyObject(w, r, bucket, key)
	}
	if r.ContentLength < 0 {
		return s3err.Errorf("MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if r.ContentLength > maxPutSize {
		return s3err.Errorf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").
			With("ProposedSize", itoa64(r.ContentLength)).With("MaxSizeAllowed", itoa64(maxPutSize))
	}
	in, err := srv.newObjectInput(r, r.Header, bucket, key)
	if err != nil {
		return err
	}
	if in.ChecksumAlgorithm, err = requestChecksum(r.Header); err != nil {
		return err
	}
	if in.ObjectLock, err = srv.putLock(r.Header, bucket); err != nil {
		return err
	}
	in.Body, in.Size, in.Cond = r.Body, r.ContentLength, putCondition(r.Header)
	o, err := srv.store.PutObject(in)
	if err != nil {
		return err
	}
	srv.writeObjectResult(w, o)
	return nil
}

// newObjectInput collects metadata, tags, owner and ACL from the headers
// h of r (a POST upload's are its form fields).
func (srv *Server) newObjectInput(r *http.Request, h http.Header, bucket, key string) (store.PutInput, error) {
	meta, err := objectMeta(h)
	if err != nil {
		return store.PutInput{}, err
	}
	tags, err := parseTaggingHeader(h.Get("X-Amz-Tagging"))
	if err != nil {
		return store.PutInput{}, err
	}
	owner, acl, err := srv.newObjectACL(r, h, bucket)
	if err != nil {
		return store.PutInput{}, err
	}
	return store.PutInput{Bucket: bucket, Key: key, Meta: meta, Tags: tags, ACL: acl, Owner: owner, Size: -1}, nil
}

// writeObjectResult answers a request that stored o (PutObject).
func (srv *Server) writeObjectResult(w http.ResponseWriter, o *store.Object) {
	srv.setVersionHeader(w.Header(), o.Bucket, o)
	setObjectChecksum(w.Header(), o)
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
func (srv *Server) copyObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	src, err := parseCopySource(r.Header.Get("X-Amz-Copy-Source"))
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
	if src.bucket == bucket && src.key == key && metaDir == "COPY" && r.Header.Get(storageClassH) == "" {
		return s3err.Errorf("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	in, err := srv.newObjectInput(r, r.Header, bucket, key)
	if err != nil {
		return err
	}
	alg, err := copyChecksumAlgorithm(r.Header)
	if err != nil {
		return err
	}
	lock, _, err := srv.writeLock(r.Header, bucket) // the source's lock is not copied, as in S3
	if err != nil {
		return err
	}
	var source *store.Object
	mk := func(from *store.Object) (*store.Object, error) {
		if err := checkCopySourceConditions(r.Header, from); err != nil {
			return nil, err
		}
		source = from
		rec := &store.Object{Bucket: bucket, Key: key, Meta: in.Meta, Tags: in.Tags, ACL: in.ACL, Owner: in.Owner, ObjectLock: lock}
		switch {
		case alg != "":
			rec.Checksum = &store.Checksum{Algorithm: alg}
		case from.Checksum != nil:
			rec.Checksum = &store.Checksum{Algorithm: from.Checksum.Algorithm}
		}
		if metaDir == "COPY" {
			rec.Meta = from.Meta
		}
		if tagDir == "COPY" {
			rec.Tags = from.Tags
		}
		return rec, nil
	}
	o, err := srv.store.CopyObject(src.bucket, src.key, src.version, mk, putCondition(r.Header))
	if err != nil {
		return copySourceError(err)
	}
	srv.setCopySourceVersion(w.Header(), src.bucket, source)
	srv.setVersionHeader(w.Header(), bucket, o)
	res := &copyResult{XMLName: xml.Name{Local: "CopyObjectResult"}, ETag: o.ETag, LastModified: s3Time(o.Modified)}
	res.checksumFields, res.ChecksumType = objectChecksumFields(o.Checksum)
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// copyChecksumAlgorithm reads CopyObject's x-amz-checksum-algorithm, the
// checksum the copy gets ("": the source's algorithm, else the default).
func copyChecksumAlgorithm(h http.Header) (checksum.Algorithm, error) {
	v := h.Get("X-Amz-Checksum-Algorithm")
	if v == "" {
		return "", nil
	}
	if a, ok := checksum.Parse(v); ok {
		return a, nil
	}
	return "", invalidHeader("X-Amz-Checksum-Algorithm")
}

// setCopySourceVersion names the version a copy read, as S3 does for a
// source bucket that is or was versioned.
func (srv *Server) setCopySourceVersion(h http.Header, bucket string, src *store.Object) {
	if b, err := srv.store.Bucket(bucket); err == nil && b.Versioning != "" {
		h.Set("X-Amz-Copy-Source-Version-Id", src.Version())
	}
}

func directive(h http.Header, name string) (string, error) {
	switch v := strings.ToUpper(h.Get(name)); v {
	case "":
		return "COPY", nil
	case "COPY", "REPLACE":
		return v, nil
	}
	return "", s3err.Errorf("InvalidArgument", "Unknown %s value", name).With("ArgumentName", name).With("ArgumentValue", h.Get(name))
}

// copySourceError is the error for a copy whose source could not be
// read: naming a delete marker by version is S3's InvalidRequest, not the
// 405 a GET of it gets.
func copySourceError(err error) error {
	if ae := s3err.As(err); ae.Code == "MethodNotAllowed" {
		return s3err.Errorf("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	return err
}

// copySource is a parsed x-amz-copy-source; version "" means the current
// version.
type copySource struct{ bucket, key, version string }

// parseCopySource splits "[/]bucket/key[?versionId=v]" whose key is
// URL-encoded; a literal '?' can only start the version suffix.
func parseCopySource(v string) (copySource, error) {
	path, query, _ := strings.Cut(v, "?")
	q, _ := url.ParseQuery(query)
	version := q.Get("versionId")
	if err := store.CheckVersionID(version); err != nil {
		return copySource{}, err
	}
	path, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return copySource{}, s3err.Errorf("InvalidArgument", "Invalid copy source encoding")
	}
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return copySource{}, s3err.Errorf("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
			With("ArgumentName", "x-amz-copy-source").With("ArgumentValue", v)
	}
	return copySource{bucket: bucket, key: key, version: version}, nil
}

// deleteObject serves DeleteObject: a simple DELETE, or of ?versionId
// (refused while Object Lock protects that version).
func (srv *Server) deleteObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	res, err := srv.store.Delete(bucket, key, r.URL.Query().Get("versionId"), srv.bypassesGovernance(r))
	if err != nil {
		return err
	}
	if res.DeleteMarker {
		w.Header().Set(headerDeleteMarker, "true")
	}
	if res.VersionID != "" {
		w.Header().Set(headerVersionID, res.VersionID)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

const maxDeleteKeys = 1000 // S3's limit per DeleteObjects request

// deleteObjects insists, as S3 does, on a digest of the request: Content-MD5
// or any x-amz-checksum-* (current SDKs send CRC32 or CRC32C and no
// Content-MD5). The body verifier checks whichever came. Keys that do not
// exist are reported deleted, as S3 reports them.
func (srv *Server) deleteObjects(w http.ResponseWriter, r *http.Request, bucket string) error {
	if !sigv4.CarriesDigest(r.Header) {
		return s3err.Errorf("InvalidRequest", "Missing required header for this request: Content-MD5 or x-amz-checksum-*")
	}
	var req deleteRequest
	if err := readXML(r, &req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return s3err.MalformedXML()
	}
	if !srv.store.BucketExists(bucket) {
		return s3err.NoSuchBucket(bucket)
	}
	res := &deleteResult{Xmlns: s3Namespace}
	bypass := srv.bypassesGovernance(r)
	for _, o := range req.Objects {
		d, err := srv.store.Delete(bucket, o.Key, o.VersionID, bypass)
		switch {
		case err != nil:
			ae := s3err.As(err)
			res.Errors = append(res.Errors, deleteErrorEntry{Key: o.Key, VersionID: o.VersionID, Code: ae.Code, Message: ae.Message})
		case !req.Quiet:
			res.Deleted = append(res.Deleted, deletedEntryFor(o.Key, o.VersionID, d))
		}
	}
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// deletedEntryFor is DeleteObjects' report of one deletion: the version
// asked for, and the delete marker removed or created.
func deletedEntryFor(key, versionID string, d store.DeleteResult) deletedEntry {
	e := deletedEntry{Key: key, VersionID: versionID, DeleteMarker: d.DeleteMarker}
	if d.DeleteMarker {
		e.DeleteMarkerVersionID = d.VersionID
	}
	return e
}
