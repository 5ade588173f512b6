package s3

import (
	"encoding/xml"
	"net/http"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Bucket versioning and ListObjectVersions. The version model itself (null
// versions, delete markers) is the store's (store/versions.go).

const (
	headerVersionID    = "X-Amz-Version-Id"
	headerDeleteMarker = "X-Amz-Delete-Marker"
)

// versioning serves Get/PutBucketVersioning. MFA delete is not QStorage's
// and answers NotImplemented.
func (srv *Server) versioning(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		s3err.WriteXML(w, http.StatusOK, &versioningConfiguration{Xmlns: s3Namespace, Status: b.Versioning})
		return nil
	case http.MethodPut:
		var cfg versioningConfiguration
		if err := readXML(r, &cfg); err != nil {
			return err
		}
		if cfg.MFADelete == "Enabled" {
			return s3err.NotImplemented("MFA delete")
		}
		if cfg.Status != store.VersioningEnabled && cfg.Status != store.VersioningSuspended {
			return s3err.MalformedXML()
		}
		return srv.respond(w, http.StatusOK, srv.store.SetVersioning(bucket, cfg.Status))
	}
	return s3err.MethodNotAllowed()
}

// setVersionHeader names o's version in x-amz-version-id, which S3 sends
// only for buckets that are or were versioned ("null" for a null version).
func (srv *Server) setVersionHeader(h http.Header, bucket string, o *store.Object) {
	if b, err := srv.store.Bucket(bucket); err == nil && b.Versioning != "" {
		h.Set(headerVersionID, o.Version())
	}
}

// versionParam reads ?versionId; "" means the current version.
func versionParam(r *http.Request) (string, error) {
	v := r.URL.Query().Get("versionId")
	return v, store.CheckVersionID(v)
}

// listObjectVersions serves ListObjectVersions.
func (srv *Server) listObjectVersions(w http.ResponseWriter, r *http.Request, bucket string) error {
	q := r.URL.Query()
	maxKeys, err := intParam(q, "max-keys", 1000, 0, 1000)
	if err != nil {
		return err
	}
	enc, err := newKeyEncoder(q.Get("encoding-type"))
	if err != nil {
		return err
	}
	vq := store.VersionQuery{Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		KeyMarker: q.Get("key-marker"), VersionIDMarker: q.Get("version-id-marker"), MaxKeys: maxKeys}
	page, err := srv.store.ListVersions(bucket, vq)
	if err != nil {
		return err
	}
	res := &listVersionsResult{Xmlns: s3Namespace, Name: bucket, Prefix: enc.enc(vq.Prefix),
		KeyMarker: enc.enc(vq.KeyMarker), VersionIDMarker: vq.VersionIDMarker, MaxKeys: maxKeys,
		Delimiter: enc.enc(vq.Delimiter), EncodingType: enc.kind, IsTruncated: page.Truncated}
	if page.Truncated {
		res.NextKeyMarker, res.NextVersionIDMarker = enc.enc(page.NextKeyMarker), page.NextVersionIDMarker
	}
	for _, v := range page.Versions {
		res.Entries = append(res.Entries, newVersionEntry(v, enc))
	}
	for _, p := range page.Prefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, commonPrefixEntry{Prefix: enc.enc(p)})
	}
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

func newVersionEntry(v store.VersionEntry, enc keyEncoder) versionEntry {
	e := versionEntry{XMLName: xml.Name{Local: "DeleteMarker"}, Key: enc.enc(v.Key), VersionID: v.Version(),
		IsLatest: v.IsLatest, LastModified: s3Time(v.Modified), Owner: ownerInfo}
	if !v.DeleteMarker {
		size := v.Size
		e.XMLName.Local, e.ETag, e.Size, e.StorageClass = "Version", v.ETag, &size, storageStandard
		e.ChecksumAlgorithm, e.ChecksumType = listedChecksum(v.Object)
	}
	return e
}
