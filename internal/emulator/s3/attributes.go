package s3

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// objectAttributes are the names x-amz-object-attributes may list.
var objectAttributes = []string{"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"}

// getObjectAttributes serves GetObjectAttributes: the attributes the
// request lists, of the current version or ?versionId, with the parts of a
// multipart object paged by x-amz-max-parts and x-amz-part-number-marker.
func (srv *Server) getObjectAttributes(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	want, err := attributeNames(r.Header)
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	maxParts, err := headerInt(r.Header, "X-Amz-Max-Parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	marker, err := headerInt(r.Header, "X-Amz-Part-Number-Marker", 0, 0, 10000)
	if err != nil {
		return err
	}
	o, err := srv.store.HeadVersion(bucket, key, version)
	if err != nil {
		return err
	}
	res := &getObjectAttributesResult{Xmlns: s3Namespace}
	if want["ETag"] {
		res.ETag = store.TrimETag(o.ETag)
	}
	if want["Checksum"] && o.Checksum != nil {
		res.Checksum = &attributesChecksum{}
		res.Checksum.checksumFields, res.Checksum.ChecksumType = objectChecksumFields(o.Checksum)
	}
	if want["ObjectParts"] && len(o.PartSizes) > 0 {
		res.ObjectParts = objectParts(o, marker, maxParts)
	}
	if want["StorageClass"] {
		res.StorageClass = storageStandard
	}
	if want["ObjectSize"] {
		res.ObjectSize = &o.Size
	}
	srv.setVersionHeader(w.Header(), bucket, o)
	w.Header().Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// headerInt is intParam for a header.
func headerInt(h http.Header, name string, def, lo, hi int) (int, error) {
	if h.Get(name) == "" {
		return def, nil
	}
	return intParam(url.Values{strings.ToLower(name): h.Values(name)}, strings.ToLower(name), def, lo, hi)
}

// attributeNames reads x-amz-object-attributes (repeated or
// comma-separated); it must name at least one known attribute.
func attributeNames(h http.Header) (map[string]bool, error) {
	want := map[string]bool{}
	for _, v := range h.Values("X-Amz-Object-Attributes") {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			known := false
			for _, a := range objectAttributes {
				known = known || a == name
			}
			if !known {
				return nil, s3err.Errorf("InvalidArgument", "Invalid attribute name specified.").
					With("ArgumentName", "x-amz-object-attributes").With("ArgumentValue", name)
			}
			want[name] = true
		}
	}
	if len(want) == 0 {
		return nil, s3err.Errorf("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	return want, nil
}

// objectParts is one page of a multipart object's parts.
func objectParts(o *store.Object, marker, maxParts int) *attributesParts {
	p := &attributesParts{TotalPartsCount: len(o.PartSizes), PartNumberMarker: marker, MaxParts: maxParts}
	for n := marker + 1; n <= len(o.PartSizes); n++ {
		if len(p.Parts) == maxParts {
			p.IsTruncated = maxParts > 0
			break
		}
		part := attributesPart{PartNumber: n, Size: o.PartSizes[n-1]}
		if o.Checksum != nil && len(o.PartChecksums) >= n {
			part.checksumFields = newChecksumFields(o.Checksum.Algorithm, o.PartChecksums[n-1])
		}
		p.Parts = append(p.Parts, part)
		p.NextPartNumberMarker = n
	}
	return p
}
