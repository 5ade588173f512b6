package s3

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Conditional requests and byte ranges for GET/HEAD (If-Match,
// If-Unmodified-Since, partNumber), CopyObject's x-amz-copy-source-if-*
// headers, and conditional PUT.

// etagMatches reports whether an If-Match / If-None-Match list names etag.
func etagMatches(list, etag string) bool {
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "*" || store.TrimETag(item) == store.TrimETag(etag) {
			return true
		}
	}
	return false
}

// checkPreconditions applies RFC 7232 section 6 order, as S3 does: If-Match
// beats If-Unmodified-Since, If-None-Match beats If-Modified-Since. The
// header names carry prefix ("" or "X-Amz-Copy-Source-"); a failed
// If-None-Match/If-Modified-Since yields notModified.
func checkPreconditions(h http.Header, prefix string, o *store.Object, notModified error) error {
	modified := o.Modified.Truncate(time.Second)
	if v := h.Get(prefix + "If-Match"); v != "" {
		if !etagMatches(v, o.ETag) {
			return s3err.PreconditionFailed(prefix + "If-Match")
		}
	} else if t, ok := headerTime(h, prefix+"If-Unmodified-Since"); ok && modified.After(t) {
		return s3err.PreconditionFailed(prefix + "If-Unmodified-Since")
	}
	if v := h.Get(prefix + "If-None-Match"); v != "" {
		if etagMatches(v, o.ETag) {
			return notModified
		}
	} else if t, ok := headerTime(h, prefix+"If-Modified-Since"); ok && !modified.After(t) {
		return notModified
	}
	return nil
}

// checkCopySourceConditions applies CopyObject's and UploadPartCopy's
// x-amz-copy-source-if-* headers to the source; all failures are 412.
func checkCopySourceConditions(h http.Header, src *store.Object) error {
	return checkPreconditions(h, "X-Amz-Copy-Source-", src, s3err.PreconditionFailed("x-amz-copy-source-if-none-match"))
}

// headerTime parses an HTTP date; S3 ignores conditions with invalid dates.
func headerTime(h http.Header, name string) (time.Time, bool) {
	v := h.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// putCondition implements conditional writes: If-None-Match: * refuses to
// overwrite, If-Match requires the current ETag.
func putCondition(h http.Header) store.Precondition {
	ifNone, ifMatch := h.Get("If-None-Match"), h.Get("If-Match")
	if ifNone == "" && ifMatch == "" {
		return nil
	}
	return func(cur *store.Object) error {
		if ifNone != "" && cur != nil && (strings.TrimSpace(ifNone) == "*" || etagMatches(ifNone, cur.ETag)) {
			return s3err.PreconditionFailed("If-None-Match")
		}
		if ifMatch == "" {
			return nil
		}
		if cur == nil {
			return s3err.Errorf("NoSuchKey", "The specified key does not exist.")
		}
		if !etagMatches(ifMatch, cur.ETag) {
			return s3err.PreconditionFailed("If-Match")
		}
		return nil
	}
}

// byteRange is a resolved range: length bytes from start.
type byteRange struct{ start, length int64 }

// openEnd marks a "bytes=first-" range.
const openEnd = -1

// rangeSpec is a parsed "bytes=" range: start-end, start- (end openEnd),
// or the last end bytes (fromEnd).
type rangeSpec struct {
	start, end int64
	fromEnd    bool
}

// resolve applies the spec to an object of size bytes; ok is false when no
// byte of the object is in range. An end past the object is clamped.
func (rs rangeSpec) resolve(size int64) (rng *byteRange, ok bool) {
	start, end := rs.start, rs.end
	if rs.fromEnd {
		start, end = size-rs.end, size-1
	}
	if end == openEnd || end >= size {
		end = size - 1
	}
	if start < 0 || start >= size || end < start {
		return nil, false
	}
	return &byteRange{start: start, length: end - start + 1}, true
}

// readRange resolves partNumber or Range into the byte range to send (nil:
// everything) and sets x-amz-mp-parts-count for multipart objects.
func readRange(r *http.Request, o *store.Object, h http.Header) (*byteRange, error) {
	q := r.URL.Query()
	if _, ok := q["partNumber"]; ok {
		if r.Header.Get("Range") != "" {
			return nil, s3err.Errorf("InvalidRequest", "Cannot specify both Range header and partNumber query parameter")
		}
		return partRange(q, o, h)
	}
	req, ok := parseRange(r.Header.Get("Range"))
	if !ok {
		return nil, nil // absent or malformed: S3 ignores it and sends everything
	}
	if req.fromEnd && req.end > o.Size {
		req.end = o.Size // a suffix longer than the object means all of it
	}
	rng, ok := req.resolve(o.Size)
	if !ok {
		return nil, s3err.Errorf("InvalidRange", "The requested range is not satisfiable").
			With("RangeRequested", r.Header.Get("Range")).With("ActualObjectSize", itoa64(o.Size)).
			WithHeader("Content-Range", "bytes */"+itoa64(o.Size))
	}
	return rng, nil
}

func partRange(q url.Values, o *store.Object, h http.Header) (*byteRange, error) {
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return nil, s3err.Errorf("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive").
			With("ArgumentName", "partNumber").With("ArgumentValue", q.Get("partNumber"))
	}
	sizes := o.PartSizes
	if len(sizes) == 0 {
		sizes = []int64{o.Size} // a single-part object is its own part 1
	} else {
		h.Set("X-Amz-Mp-Parts-Count", itoa(len(sizes)))
	}
	if n > len(sizes) {
		return nil, s3err.Errorf("InvalidPartNumber", "The requested partnumber is not satisfiable").
			With("PartNumberRequested", itoa(n)).With("ActualPartCount", itoa(len(sizes)))
	}
	var start int64
	for _, s := range sizes[:n-1] {
		start += s
	}
	return &byteRange{start: start, length: sizes[n-1]}, nil
}

// parseRange parses a single "bytes=" range; ok is false for anything S3
// would ignore (absent, malformed, or several ranges).
func parseRange(v string) (rangeSpec, bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return rangeSpec{}, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return rangeSpec{}, false
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		return rangeSpec{fromEnd: true, end: n}, err == nil && n >= 0
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return rangeSpec{}, false
	}
	if last == "" {
		return rangeSpec{start: start, end: openEnd}, true
	}
	end, err := strconv.ParseInt(last, 10, 64)
	return rangeSpec{start: start, end: end}, err == nil && end >= start
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
