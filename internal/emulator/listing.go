package emulator

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Listing rule: a page resumes strictly after the last item it returned,
// and a returned common prefix swallows every key under it (so no prefix
// repeats across pages when max-keys and a delimiter are combined).

type listQuery struct {
	prefix, delimiter string
	marker            string // exclusive; a key or a common prefix
	maxKeys           int
}

type listPage struct {
	contents  []*objectRecord
	prefixes  []string
	truncated bool
	last      string // last item returned, the next page's marker
}

// commonPrefix returns the rolled-up prefix key belongs to, or "".
func commonPrefix(key, prefix, delimiter string) string {
	if delimiter == "" {
		return ""
	}
	rest := key[len(prefix):]
	if i := strings.Index(rest, delimiter); i >= 0 {
		return key[:len(prefix)+i+len(delimiter)]
	}
	return ""
}

// endOfPrefix is the index of the first key at or after from that does not
// start with p; keys sharing a prefix are contiguous in sorted order.
func endOfPrefix(keys []string, from int, p string) int {
	return from + sort.Search(len(keys)-from, func(j int) bool {
		k := keys[from+j]
		return k > p && !strings.HasPrefix(k, p)
	})
}

func listKeys(b *bucketState, q listQuery) listPage {
	var page listPage
	if q.maxKeys <= 0 {
		return page
	}
	keys := b.keys
	i := sort.SearchStrings(keys, max(q.prefix, q.marker))
	for i < len(keys) {
		k := keys[i]
		if !strings.HasPrefix(k, q.prefix) {
			break
		}
		if k <= q.marker {
			i++
			continue
		}
		item, next := k, i+1
		cp := commonPrefix(k, q.prefix, q.delimiter)
		if cp != "" {
			item, next = cp, endOfPrefix(keys, i, cp)
			if cp == q.marker {
				i = next
				continue
			}
		}
		if len(page.contents)+len(page.prefixes) == q.maxKeys {
			page.truncated = true
			break
		}
		if cp != "" {
			page.prefixes = append(page.prefixes, cp)
		} else {
			page.contents = append(page.contents, b.objects[k])
		}
		page.last, i = item, next
	}
	return page
}

func encodeToken(marker string) string { return base64.RawURLEncoding.EncodeToString([]byte(marker)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errf("InvalidArgument", "The continuation token provided is incorrect")
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
		return 0, errf("InvalidArgument", "Provided %s not an integer or within integer range", name).
			with("ArgumentName", name).with("ArgumentValue", v[0])
	}
	return min(n, hi), nil
}

// parseListQuery reads paging parameters: v1 resumes after marker, v2 after
// its continuation token or else start-after.
func parseListQuery(q url.Values, v2 bool) (listQuery, error) {
	maxKeys, err := intParam(q, "max-keys", 1000, 0, 1000)
	if err != nil {
		return listQuery{}, err
	}
	lq := listQuery{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), maxKeys: maxKeys, marker: q.Get("marker")}
	if v2 {
		lq.marker = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			lq.marker, err = decodeToken(tok)
		}
	}
	return lq, err
}

// listObjects serves ListObjects (v1) and ListObjectsV2.
func (e *Emulator) listObjects(w http.ResponseWriter, r *http.Request, bucket string) error {
	q := r.URL.Query()
	v2 := q.Get("list-type") == "2"
	lq, err := parseListQuery(q, v2)
	if err != nil {
		return err
	}
	var page listPage
	if err := e.store.viewBucket(bucket, func(b *bucketState) error {
		page = listKeys(b, lq)
		return nil
	}); err != nil {
		return err
	}
	enc := newKeyEncoder(q.Get("encoding-type"))
	res := listResult(bucket, lq, page, enc, !v2 || q.Get("fetch-owner") == "true")
	if !v2 {
		marker := enc.enc(lq.marker)
		res.Marker = &marker
		if page.truncated {
			res.NextMarker = enc.enc(page.last)
		}
		writeXML(w, http.StatusOK, res)
		return nil
	}
	count := len(page.contents) + len(page.prefixes)
	res.KeyCount = &count
	res.Continuation, res.StartAfter = q.Get("continuation-token"), enc.enc(q.Get("start-after"))
	if page.truncated {
		res.NextToken = encodeToken(page.last)
	}
	writeXML(w, http.StatusOK, res)
	return nil
}

// listResult holds what both listing versions answer.
func listResult(bucket string, lq listQuery, page listPage, enc keyEncoder, withOwner bool) *listBucketResult {
	res := &listBucketResult{
		Xmlns: s3Namespace, Name: bucket, IsTruncated: page.truncated, EncodingType: enc.kind,
		Delimiter: enc.enc(lq.delimiter), Prefix: enc.enc(lq.prefix), MaxKeys: lq.maxKeys,
	}
	for _, p := range page.prefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, commonPrefixEntry{Prefix: enc.enc(p)})
	}
	for _, o := range page.contents {
		c := objectEntry{
			Key: enc.enc(o.Key), LastModified: s3Time(o.Modified),
			ETag: o.ETag, Size: o.Size, StorageClass: storageStandard,
		}
		if withOwner {
			c.Owner = ownerInfo
		}
		res.Contents = append(res.Contents, c)
	}
	return res
}

// keyEncoder applies encoding-type=url, which S3 uses to carry keys that
// XML 1.0 cannot (control characters).
type keyEncoder struct{ kind string }

func newKeyEncoder(kind string) keyEncoder {
	if strings.EqualFold(kind, "url") {
		return keyEncoder{kind: "url"}
	}
	return keyEncoder{}
}

func (k keyEncoder) enc(s string) string {
	if k.kind == "" {
		return s
	}
	return url.QueryEscape(s)
}

// listBuckets serves ListBuckets with prefix, max-buckets and
// continuation-token.
func (e *Emulator) listBuckets(w http.ResponseWriter, r *http.Request) error {
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
	for _, b := range e.store.listBuckets() {
		if b.Name <= after || !strings.HasPrefix(b.Name, res.Prefix) {
			continue
		}
		if len(res.Buckets) == limit {
			res.ContinuationToken = encodeToken(res.Buckets[limit-1].Name)
			break
		}
		res.Buckets = append(res.Buckets, bucketEntry{Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: e.region})
	}
	writeXML(w, http.StatusOK, &res)
	return nil
}
