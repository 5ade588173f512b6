package s3

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

func encodeToken(marker string) string { return base64.RawURLEncoding.EncodeToString([]byte(marker)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", s3err.Errorf("InvalidArgument", "The continuation token provided is incorrect")
	}
	return string(b), nil
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v, ok := q[name]
	if !ok || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < lo {
		return 0, s3err.Errorf("InvalidArgument", "Provided %s not an integer or within integer range", name).
			With("ArgumentName", name).With("ArgumentValue", v[0])
	}
	return min(n, hi), nil
}

// parseListQuery reads paging parameters: v1 resumes after marker, v2 after
// its continuation token or else start-after.
func parseListQuery(q url.Values, v2 bool) (store.ListQuery, error) {
	maxKeys, err := intParam(q, "max-keys", 1000, 0, 1000)
	if err != nil {
		return store.ListQuery{}, err
	}
	lq := store.ListQuery{Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"), MaxKeys: maxKeys, Marker: q.Get("marker")}
	if v2 {
		lq.Marker = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			lq.Marker, err = decodeToken(tok)
		}
	}
	return lq, err
}

// listObjects serves ListObjects (v1) and ListObjectsV2.
func (srv *Server) listObjects(w http.ResponseWriter, r *http.Request, bucket string) error {
	q := r.URL.Query()
	v2 := q.Get("list-type") == "2"
	lq, err := parseListQuery(q, v2)
	if err != nil {
		return err
	}
	enc, err := newKeyEncoder(q.Get("encoding-type"))
	if err != nil {
		return err
	}
	page, err := srv.store.List(bucket, lq)
	if err != nil {
		return err
	}
	res := listResult(bucket, lq, page, enc, !v2 || q.Get("fetch-owner") == "true")
	if !v2 {
		marker := enc.enc(lq.Marker)
		res.Marker = &marker
		if page.Truncated && lq.Delimiter != "" {
			// Only with a delimiter, as S3: without one the next marker is
			// the last key of the page, which clients take from Contents.
			res.NextMarker = enc.enc(page.Last)
		}
		s3err.WriteXML(w, http.StatusOK, res)
		return nil
	}
	count := len(page.Contents) + len(page.Prefixes)
	res.KeyCount = &count
	res.Continuation, res.StartAfter = q.Get("continuation-token"), enc.enc(q.Get("start-after"))
	if page.Truncated {
		res.NextToken = encodeToken(page.Last)
	}
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// listResult holds what both listing versions answer.
func listResult(bucket string, lq store.ListQuery, page store.ListPage, enc keyEncoder, withOwner bool) *listBucketResult {
	res := &listBucketResult{
		Xmlns: s3Namespace, Name: bucket, IsTruncated: page.Truncated, EncodingType: enc.kind,
		Delimiter: enc.enc(lq.Delimiter), Prefix: enc.enc(lq.Prefix), MaxKeys: lq.MaxKeys,
	}
	for _, p := range page.Prefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, commonPrefixEntry{Prefix: enc.enc(p)})
	}
	for _, o := range page.Contents {
		c := objectEntry{
			Key: enc.enc(o.Key), LastModified: s3Time(o.Modified),
			ETag: o.ETag, Size: o.Size, StorageClass: storageStandard,
		}
		c.ChecksumAlgorithm, c.ChecksumType = listedChecksum(o)
		if withOwner {
			c.Owner = ownerInfo
		}
		res.Contents = append(res.Contents, c)
	}
	return res
}

// listedChecksum is how listings name an object's checksum: its algorithm
// (in a list, as S3 has it) and type.
func listedChecksum(o *store.Object) ([]string, string) {
	if o.Checksum == nil {
		return nil, ""
	}
	return []string{string(o.Checksum.Algorithm)}, o.Checksum.Type
}

// keyEncoder applies encoding-type=url, which S3 uses to carry keys that
// XML 1.0 cannot (control characters): every byte but the RFC 3986
// unreserved characters and "/" as %XX, so a space is %20 and "+" is %2B
// (ceph's s3-tests pin this against S3: "quux ab/" comes back as
// "quux%20ab/"). SDKs decode it with a plain percent-decoder.
type keyEncoder struct{ kind string }

func newKeyEncoder(kind string) (keyEncoder, error) {
	switch kind {
	case "":
		return keyEncoder{}, nil
	case "url":
		return keyEncoder{kind: "url"}, nil
	}
	return keyEncoder{}, s3err.Errorf("InvalidArgument", "Invalid Encoding Method specified in Request").
		With("ArgumentName", "encoding-type").With("ArgumentValue", kind)
}

func (k keyEncoder) enc(s string) string {
	if k.kind == "" {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
