package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// fakeS3 is an in-memory service behind the s3API seam: the planning and
// integrity logic runs against it in microseconds, without TLS, SigV4 or
// the emulator. It checks Content-MD5 as S3 does and answers with MD5
// ETags; the hooks make it misbehave one call at a time. One bucket; keys
// only.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]*fakeObject
	uploads map[string]*fakeUpload
	nextID  int
	calls   []fakeCall

	// Hooks, consulted before the call does its work; a non-nil error is
	// the answer.
	onPut      func(client.PutObjectInput) error
	onPart     func(client.UploadPartInput) (etag string, err error) // etag "": the real one
	onComplete func(client.CompleteMultipartUploadInput) error
	onAbort    func() error
	// completeETag, when set, replaces the composite ETag complete answers.
	completeETag string
	// rangeETag, when set, is the ETag ranged GETs answer with, ignoring
	// If-Match (a server that ignores the pin).
	rangeETag string
}

type fakeObject struct {
	data  []byte
	etag  string
	meta  map[string]string
	parts []int64 // part sizes of a multipart object
}

type fakeUpload struct {
	key   string
	meta  map[string]string
	parts map[int32][]byte
	etags map[int32]string // what UploadPart answered, as S3 remembers it
}

// fakeCall is one request the fake answered.
type fakeCall struct {
	op          string
	part        int32  // UploadPart's number, HeadObject's PartNumber
	size        int64  // UploadPart's length
	ifMatch     string // GetObject's pin
	ifNoneMatch string // PutObject's and CompleteMultipartUpload's condition
}

func newFakeS3() *fakeS3 {
	return &fakeS3{objects: map[string]*fakeObject{}, uploads: map[string]*fakeUpload{}}
}

// newFakeManager is a Manager over f with small parts: 1 KiB parts from
// 2 KiB.
func newFakeManager(t *testing.T, f *fakeS3, tweak ...func(*Options)) *Manager {
	t.Helper()
	o := Options{MinPartSize: 1024, PartSize: 1024, Threshold: 2048, Concurrency: 4}
	for _, fn := range tweak {
		fn(&o)
	}
	m, err := newManager(f, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *fakeS3) record(c fakeCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

// count is how many calls match.
func (f *fakeS3) count(match func(fakeCall) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if match(c) {
			n++
		}
	}
	return n
}

func op(name string) func(fakeCall) bool { return func(c fakeCall) bool { return c.op == name } }

func s3Err(op string, status int, code client.ErrorCode) error {
	return &client.Error{Op: op, StatusCode: status, Code: code, Message: string(code)}
}

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// readChecked reads a body and checks its Content-MD5, as S3 does.
func readChecked(body io.Reader, contentMD5 string) ([]byte, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if sum := md5.Sum(data); contentMD5 != "" && contentMD5 != base64.StdEncoding.EncodeToString(sum[:]) {
		return nil, s3Err("Put", http.StatusBadRequest, "BadDigest")
	}
	return data, nil
}

func (f *fakeS3) SignsPayload() bool { return false }

func (f *fakeS3) HeadObject(_ context.Context, in client.HeadObjectInput) (client.ObjectInfo, error) {
	f.record(fakeCall{op: "HeadObject", part: in.PartNumber})
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[in.Key]
	if !ok {
		return client.ObjectInfo{}, s3Err("HeadObject", http.StatusNotFound, client.ErrNoSuchKey)
	}
	info := client.ObjectInfo{Bucket: in.Bucket, Key: in.Key, Size: int64(len(o.data)), ETag: `"` + o.etag + `"`, Metadata: maps.Clone(o.meta)}
	if in.PartNumber > 0 {
		sizes := o.parts
		if sizes == nil {
			sizes = []int64{int64(len(o.data))}
		}
		info.Size = sizes[in.PartNumber-1]
	}
	return info, nil
}

func (f *fakeS3) GetObject(_ context.Context, in client.GetObjectInput) (*client.GetObjectOutput, error) {
	f.record(fakeCall{op: "GetObject", ifMatch: in.IfMatch})
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[in.Key]
	if !ok {
		return nil, s3Err("GetObject", http.StatusNotFound, client.ErrNoSuchKey)
	}
	etag := `"` + o.etag + `"`
	if in.Range != "" && f.rangeETag != "" {
		etag = f.rangeETag
	} else if in.IfMatch != "" && !sameETag(in.IfMatch, o.etag) {
		return nil, s3Err("GetObject", http.StatusPreconditionFailed, client.ErrPreconditionFailed)
	}
	first, last := int64(0), int64(len(o.data))-1
	out := &client.GetObjectOutput{ObjectInfo: client.ObjectInfo{Bucket: in.Bucket, Key: in.Key, Size: int64(len(o.data)), ETag: etag}}
	if in.Range != "" {
		if _, err := fmt.Sscanf(in.Range, "bytes=%d-%d", &first, &last); err != nil {
			return nil, err
		}
		out.ContentRange = fmt.Sprintf("bytes %d-%d/%d", first, last, len(o.data))
	}
	out.Body = io.NopCloser(bytes.NewReader(o.data[first : last+1]))
	return out, nil
}

func (f *fakeS3) PutObject(_ context.Context, in client.PutObjectInput) (client.PutObjectOutput, error) {
	f.record(fakeCall{op: "PutObject", ifNoneMatch: in.IfNoneMatch})
	if f.onPut != nil {
		if err := f.onPut(in); err != nil {
			return client.PutObjectOutput{}, err
		}
	}
	data, err := readChecked(in.Body, in.ContentMD5)
	if err != nil {
		return client.PutObjectOutput{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, taken := f.objects[in.Key]; taken && in.IfNoneMatch == "*" {
		return client.PutObjectOutput{}, s3Err("PutObject", http.StatusPreconditionFailed, client.ErrPreconditionFailed)
	}
	f.objects[in.Key] = &fakeObject{data: data, etag: md5hex(data), meta: in.Metadata}
	return client.PutObjectOutput{ETag: `"` + md5hex(data) + `"`}, nil
}

func (f *fakeS3) CopyObject(_ context.Context, in client.CopyObjectInput) (client.CopyObjectOutput, error) {
	f.record(fakeCall{op: "CopyObject"})
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[in.SourceKey]
	if !ok {
		return client.CopyObjectOutput{}, s3Err("CopyObject", http.StatusNotFound, client.ErrNoSuchKey)
	}
	c := *o
	f.objects[in.Key] = &c
	return client.CopyObjectOutput{ETag: `"` + o.etag + `"`}, nil
}

func (f *fakeS3) GetObjectTagging(context.Context, client.ObjectRef) (client.ObjectTags, error) {
	return client.ObjectTags{}, nil
}

func (f *fakeS3) DeleteObject(_ context.Context, _, key, _ string, _ ...client.DeleteOption) error {
	f.mu.Lock()
	delete(f.objects, key)
	f.mu.Unlock()
	return nil
}

func (f *fakeS3) DeleteObjects(context.Context, string, []client.ObjectID, ...client.DeleteOption) (client.DeleteObjectsOutput, error) {
	return client.DeleteObjectsOutput{}, errors.New("fakeS3: DeleteObjects is not faked")
}

func (f *fakeS3) ListObjects(context.Context, client.ListObjectsInput) iter.Seq2[*client.ObjectPage, error] {
	return func(yield func(*client.ObjectPage, error) bool) {
		yield(nil, errors.New("fakeS3: ListObjects is not faked"))
	}
}

func (f *fakeS3) CreateMultipartUpload(_ context.Context, in client.CreateMultipartUploadInput) (client.CreateMultipartUploadOutput, error) {
	f.record(fakeCall{op: "CreateMultipartUpload"})
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := "upload-" + strconv.Itoa(f.nextID)
	f.uploads[id] = &fakeUpload{key: in.Key, meta: in.Metadata, parts: map[int32][]byte{}, etags: map[int32]string{}}
	return client.CreateMultipartUploadOutput{UploadID: id}, nil
}

func (f *fakeS3) UploadPart(_ context.Context, in client.UploadPartInput) (client.UploadPartOutput, error) {
	f.record(fakeCall{op: "UploadPart", part: in.PartNumber, size: in.ContentLength})
	var etag string
	if f.onPart != nil {
		var err error
		if etag, err = f.onPart(in); err != nil {
			return client.UploadPartOutput{}, err
		}
	}
	data, err := readChecked(in.Body, in.ContentMD5)
	if err != nil {
		return client.UploadPartOutput{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[in.UploadID]
	if !ok {
		return client.UploadPartOutput{}, s3Err("UploadPart", http.StatusNotFound, client.ErrNoSuchUpload)
	}
	u.parts[in.PartNumber] = data
	if etag == "" {
		etag = md5hex(data)
	}
	u.etags[in.PartNumber] = etag
	return client.UploadPartOutput{ETag: `"` + etag + `"`}, nil
}

func (f *fakeS3) UploadPartCopy(context.Context, client.UploadPartCopyInput) (client.UploadPartCopyOutput, error) {
	return client.UploadPartCopyOutput{}, errors.New("fakeS3: UploadPartCopy is not faked")
}

func (f *fakeS3) CompleteMultipartUpload(_ context.Context, in client.CompleteMultipartUploadInput) (client.CompleteMultipartUploadOutput, error) {
	f.record(fakeCall{op: "CompleteMultipartUpload", ifNoneMatch: in.IfNoneMatch})
	if f.onComplete != nil {
		if err := f.onComplete(in); err != nil {
			return client.CompleteMultipartUploadOutput{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[in.UploadID]
	if !ok {
		return client.CompleteMultipartUploadOutput{}, s3Err("CompleteMultipartUpload", http.StatusNotFound, client.ErrNoSuchUpload)
	}
	if _, taken := f.objects[in.Key]; taken && in.IfNoneMatch == "*" {
		return client.CompleteMultipartUploadOutput{}, s3Err("CompleteMultipartUpload", http.StatusPreconditionFailed, client.ErrPreconditionFailed)
	}
	o := &fakeObject{meta: u.meta}
	var sums [][md5.Size]byte
	for _, p := range in.Parts {
		data := u.parts[p.PartNumber]
		if !sameETag(p.ETag, u.etags[p.PartNumber]) {
			return client.CompleteMultipartUploadOutput{}, s3Err("CompleteMultipartUpload", http.StatusBadRequest, "InvalidPart")
		}
		o.data = append(o.data, data...)
		o.parts = append(o.parts, int64(len(data)))
		sums = append(sums, md5.Sum(data))
	}
	o.etag = compositeETag(sums)
	if f.completeETag != "" {
		o.etag = f.completeETag
	}
	f.objects[in.Key] = o
	delete(f.uploads, in.UploadID)
	return client.CompleteMultipartUploadOutput{ETag: `"` + o.etag + `"`}, nil
}

func (f *fakeS3) AbortMultipartUpload(_ context.Context, _, _, uploadID string) error {
	f.record(fakeCall{op: "AbortMultipartUpload"})
	if f.onAbort != nil {
		if err := f.onAbort(); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.uploads[uploadID]; !ok {
		return s3Err("AbortMultipartUpload", http.StatusNotFound, client.ErrNoSuchUpload)
	}
	delete(f.uploads, uploadID)
	return nil
}

func (f *fakeS3) ListParts(_ context.Context, _, _, uploadID string) iter.Seq2[client.Part, error] {
	return func(yield func(client.Part, error) bool) {
		f.mu.Lock()
		u, ok := f.uploads[uploadID]
		var parts []client.Part
		if ok {
			for _, n := range slices.Sorted(maps.Keys(u.parts)) {
				parts = append(parts, client.Part{PartNumber: n, ETag: `"` + md5hex(u.parts[n]) + `"`, Size: int64(len(u.parts[n]))})
			}
		}
		f.mu.Unlock()
		if !ok {
			yield(client.Part{}, s3Err("ListParts", http.StatusNotFound, client.ErrNoSuchUpload))
			return
		}
		for _, p := range parts {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// openUploads is the number of multipart uploads neither completed nor
// aborted.
func (f *fakeS3) openUploads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.uploads)
}

func (f *fakeS3) object(key string) *fakeObject {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.objects[key]
}
