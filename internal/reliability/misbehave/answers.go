package misbehave

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

// Request classes, for the S3 API served path-style (/bucket/key).

func bucketOnly(r *http.Request) bool {
	p := strings.Trim(r.URL.Path, "/")
	return p != "" && !strings.Contains(p, "/")
}

// IsListObjects is a ListObjectsV2 request.
func IsListObjects(r *http.Request) bool {
	return r.Method == http.MethodGet && bucketOnly(r) && r.URL.Query().Get("list-type") == "2"
}

// IsListBuckets is a ListBuckets request.
func IsListBuckets(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/" }

// IsListUploads is a ListMultipartUploads request.
func IsListUploads(r *http.Request) bool {
	return r.Method == http.MethodGet && bucketOnly(r) && r.URL.Query().Has("uploads")
}

// IsListParts is a ListParts request.
func IsListParts(r *http.Request) bool {
	return r.Method == http.MethodGet && !bucketOnly(r) && r.URL.Query().Has("uploadId")
}

// IsDeleteObjects is a DeleteObjects request.
func IsDeleteObjects(r *http.Request) bool {
	return r.Method == http.MethodPost && bucketOnly(r) && r.URL.Query().Has("delete")
}

// IsCreateMultipartUpload is a CreateMultipartUpload request.
func IsCreateMultipartUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && !bucketOnly(r) && r.URL.Query().Has("uploads")
}

// IsUploadPart is an UploadPart request (not a copy).
func IsUploadPart(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Query().Has("partNumber") && r.Header.Get("X-Amz-Copy-Source") == ""
}

// ListResult is a ListObjectsV2 answer, to alter. Names are as on the
// wire: URL-encoded when EncodingType is "url".
type ListResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Xmlns                 string         `xml:"xmlns,attr,omitempty"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	Contents              []Content      `xml:"Contents"`
	CommonPrefixes        []CommonPrefix `xml:"CommonPrefixes"`
	Other                 []Unmodelled   `xml:",any"`
}

// Content is one object of a ListResult.
type Content struct {
	Key          string       `xml:"Key"`
	LastModified string       `xml:"LastModified"`
	ETag         string       `xml:"ETag"`
	Size         int64        `xml:"Size"`
	StorageClass string       `xml:"StorageClass,omitempty"`
	Other        []Unmodelled `xml:",any"`
}

// Unmodelled is an element of an answer its type does not name (an
// object's Owner or ChecksumAlgorithm, say), kept as it came so that an
// altered answer still carries everything the emulator said.
type Unmodelled struct {
	XMLName xml.Name
	Inner   []byte `xml:",innerxml"`
}

// CommonPrefix is one common prefix of a ListResult.
type CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// AlterLists answers every ListObjectsV2 request accepted by match (nil:
// all) with the emulator's answer as alter changed it. alter sees the
// request, which it may not change; to ask the emulator something else,
// a Rule must Resign its own request.
func (s *Switch) AlterLists(match func(*http.Request) bool, alter func(r *http.Request, res *ListResult)) Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsListObjects(r) || match != nil && !match(r) {
			return false
		}
		rec := s.Record(r)
		if rec.Code != http.StatusOK {
			copyAnswer(w, rec.Code, rec.Header(), rec.Body.Bytes())
			return true
		}
		var res ListResult
		if err := xml.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			panic(err) // the emulator's own answer: a test bug
		}
		alter(r, &res)
		WriteXML(w, rec.Header(), &res)
		return true
	}
}

// WriteXML answers 200 with v as an XML document, keeping the request id
// headers of header (nil: none).
func WriteXML(w http.ResponseWriter, header http.Header, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		panic(err)
	}
	copyAnswer(w, http.StatusOK, header, append([]byte(xml.Header), body...))
}

func copyAnswer(w http.ResponseWriter, code int, header http.Header, body []byte) {
	for k, v := range header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/xml")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// DeleteRequest is a DeleteObjects request body, to alter.
type DeleteRequest struct {
	XMLName xml.Name       `xml:"Delete"`
	Xmlns   string         `xml:"xmlns,attr,omitempty"`
	Objects []DeleteObject `xml:"Object"`
	Quiet   bool           `xml:"Quiet,omitempty"`
}

// DeleteObject is one key of a DeleteRequest.
type DeleteObject struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
}

// AlterDeletes passes every DeleteObjects request to the emulator as alter
// changed its body (re-signed), so that the server deletes something else
// than it was asked to; its answer is the emulator's to the altered request.
func (s *Switch) AlterDeletes(alter func(req *DeleteRequest)) Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !IsDeleteObjects(r) {
			return false
		}
		var req DeleteRequest
		if err := xml.Unmarshal(ReadBody(r), &req); err != nil {
			panic(err)
		}
		alter(&req)
		body, err := xml.Marshal(&req)
		if err != nil {
			panic(err)
		}
		s.Serve(w, Resign(r, body))
		return true
	}
}

// Rewrite answers requests accepted by match with the emulator's answer
// as alter changed it: alter may edit the headers in place and returns the
// body to send.
func (s *Switch) Rewrite(match func(*http.Request) bool, alter func(h http.Header, body []byte) []byte) Rule {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !match(r) {
			return false
		}
		rec := s.Record(r)
		body := alter(rec.Header(), rec.Body.Bytes())
		copyAnswer(w, rec.Code, rec.Header(), body)
		return true
	}
}
