package misbehave

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
)

// Rules that real S3-compatible servers have broken, ready made.

// OnRequest runs change once, when the first request accepted by match
// arrives, and then lets the emulator answer it: for a change that must
// happen mid-transfer (a file rewritten, an object replaced).
func OnRequest(match func(*http.Request) bool, change func()) Rule {
	var once atomic.Bool
	return func(w http.ResponseWriter, r *http.Request) bool {
		if match(r) && once.CompareAndSwap(false, true) {
			change()
		}
		return false
	}
}

// IgnorePrefix answers listings as if no prefix (and no start-after) had
// been asked for: every key of the bucket.
func (s *Switch) IgnorePrefix() Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListObjects(r) {
			return false
		}
		r2 := r.Clone(r.Context())
		q := r2.URL.Query()
		q.Del("prefix")
		q.Del("start-after")
		r2.URL.RawQuery = q.Encode()
		s.Serve(w, Resign(r2, nil))
		return true
	}
}

// ReverseKeys answers listings with each page's keys in reverse order.
func (s *Switch) ReverseKeys() Rule {
	return s.AlterLists(nil, func(_ *http.Request, res *ListResult) { slices.Reverse(res.Contents) })
}

// DropToken answers listings with IsTruncated kept but the continuation
// token left out: a listing that says there is more and gives no way on.
func (s *Switch) DropToken() Rule {
	return s.AlterLists(nil, func(_ *http.Request, res *ListResult) { res.NextContinuationToken = "" })
}

// LoopCap is how many requests a rule that leads in circles answers;
// later ones get HTTP 400, so that a client that loops fails (with an
// error that says nothing of a loop) instead of hanging its test.
const LoopCap = 1000

// capped counts a request and answers 400 past LoopCap.
func capped(served *atomic.Int64, w http.ResponseWriter) bool {
	if served.Add(1) <= LoopCap {
		return false
	}
	http.Error(w, "request cap reached: the client loops", http.StatusBadRequest)
	return true
}

// CycleTokens answers the first page of a listing as the emulator does
// but truncated, leading to token "A"; "A" and "B" are empty truncated
// pages that lead to each other.
func (s *Switch) CycleTokens() Rule {
	var served atomic.Int64
	first := s.AlterLists(nil, func(_ *http.Request, res *ListResult) {
		res.IsTruncated, res.NextContinuationToken = true, "A"
	})
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListObjects(r) {
			return false
		}
		if capped(&served, w) {
			return true
		}
		next := map[string]string{"A": "B", "B": "A"}[r.URL.Query().Get("continuation-token")]
		if next == "" {
			return first(w, r)
		}
		WriteXML(w, nil, &ListResult{Name: strings.Trim(r.URL.Path, "/"), Prefix: r.URL.Query().Get("prefix"),
			IsTruncated: true, NextContinuationToken: next})
		return true
	}
}

// CycleUploads answers ListMultipartUploads with two truncated pages that
// lead to each other, one holding upload id1 of key, the other id2.
func CycleUploads(key, id1, id2 string) Rule {
	var served atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListUploads(r) {
			return false
		}
		if capped(&served, w) {
			return true
		}
		id := id1
		if r.URL.Query().Get("upload-id-marker") == id1 {
			id = id2
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, xml.Header+`<ListMultipartUploadsResult><Bucket>%s</Bucket><IsTruncated>true</IsTruncated>`+
			`<NextKeyMarker>%s</NextKeyMarker><NextUploadIdMarker>%s</NextUploadIdMarker>`+
			`<Upload><Key>%s</Key><UploadId>%s</UploadId></Upload></ListMultipartUploadsResult>`,
			strings.Trim(r.URL.Path, "/"), key, id, key, id)
		return true
	}
}

// EndlessEmptyPages answers listings with empty truncated pages, each
// leading to a new token.
func EndlessEmptyPages() Rule {
	var served atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListObjects(r) {
			return false
		}
		if capped(&served, w) {
			return true
		}
		WriteXML(w, nil, &ListResult{Name: strings.Trim(r.URL.Path, "/"), Prefix: r.URL.Query().Get("prefix"),
			IsTruncated: true, NextContinuationToken: fmt.Sprint("t", served.Load())})
		return true
	}
}

// SkipDelete passes DeleteObjects requests on without key, so that the
// server neither deletes nor mentions it.
func (s *Switch) SkipDelete(key string) Rule {
	return s.AlterDeletes(func(req *DeleteRequest) {
		req.Objects = slices.DeleteFunc(req.Objects, func(o DeleteObject) bool { return o.Key == key })
	})
}

// HugeList answers listings with a well-formed answer of about size bytes:
// many small keys, or (oneKey) a single key of them all. written counts the
// bytes that got out before the client stopped reading.
func HugeList(size int64, oneKey bool, written *atomic.Int64) Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListObjects(r) {
			return false
		}
		w.Header().Set("Content-Type", "application/xml")
		write := func(s string) bool {
			n, err := w.Write([]byte(s))
			written.Add(int64(n))
			return err == nil
		}
		if !write(xml.Header + "<ListBucketResult><Name>bkt</Name><IsTruncated>false</IsTruncated>") {
			return true
		}
		if oneKey {
			write("<Contents><Key>")
			chunk := strings.Repeat("k", 64<<10)
			for written.Load() < size && write(chunk) {
			}
			write("</Key><Size>1</Size></Contents>")
		} else {
			for i := 0; written.Load() < size; i++ {
				if !write(fmt.Sprintf("<Contents><Key>k%09d</Key><Size>1</Size><ETag>e</ETag></Contents>", i)) {
					break
				}
			}
		}
		write("</ListBucketResult>")
		return true
	}
}

var uploadIDElement = regexp.MustCompile(`<UploadId>[^<]*</UploadId>`)

// EmptyUploadID answers CreateMultipartUpload with an empty UploadId.
func (s *Switch) EmptyUploadID() Rule {
	return s.Rewrite(IsCreateMultipartUpload, func(_ http.Header, body []byte) []byte {
		return uploadIDElement.ReplaceAll(body, []byte("<UploadId></UploadId>"))
	})
}

// OpaqueETag is an ETag that is not an MD5, as SSE-KMS objects and some
// servers have: only the size of a download can then be checked.
func OpaqueETag(etag string) string {
	sum := md5.Sum([]byte(etag))
	return `"opaque-` + hex.EncodeToString(sum[:8]) + `"`
}

// IgnoreIfMatch answers reads (GET, HEAD) of /bucket/key with opaque ETags
// and ignores If-Match; before the second ranged GET it runs replace,
// once, which may overwrite the object.
func (s *Switch) IgnoreIfMatch(bucket, key string, replace func()) Rule {
	var ranged atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/"+bucket+"/"+key || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			return false
		}
		if r.Header.Get("Range") != "" && ranged.Add(1) == 2 {
			replace()
		}
		r2 := r.Clone(r.Context())
		r2.Header.Del("If-Match")
		rec := s.Record(Resign(r2, nil))
		for k, v := range rec.Header() {
			if k == "Etag" {
				v = []string{OpaqueETag(v[0])}
			}
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return true
	}
}

// EndlessBody answers a plain (unranged) GET of /bucket/key with the
// object and then more bytes, until limit bytes are out or the client
// hangs up; written counts what got out.
func (s *Switch) EndlessBody(bucket, key string, limit int64, written *atomic.Int64) Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/"+bucket+"/"+key || r.Method != http.MethodGet || r.Header.Get("Range") != "" {
			return false
		}
		rec := s.Record(r)
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		n, err := w.Write(rec.Body.Bytes())
		written.Add(int64(n))
		chunk := bytes.Repeat([]byte{'x'}, 32<<10)
		for err == nil && written.Load() < limit {
			n, err = w.Write(chunk)
			written.Add(int64(n))
		}
		return true
	}
}
