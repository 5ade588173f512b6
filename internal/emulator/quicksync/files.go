package quicksync

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"time"
)

// qsFile is one QuickSync file: an upload in progress until completed.
type qsFile struct {
	FileKey    string `json:"fileKey"`
	FileName   string `json:"fileName"`
	CreatorID  string `json:"creatorId"`
	Completed  bool   `json:"completed"`
	TotalParts int    `json:"totalParts"`
	Size       int64  `json:"originalSizeInBytes"`

	session  string
	uploadID string
	parts    map[int][]byte // until completed
	data     []byte         // once completed
	modified time.Time
}

// qsMaxParts mirrors S3's part limit, which QuickSync's model follows.
const qsMaxParts = 10000

func (q *Server) initiate(w http.ResponseWriter, r *http.Request, tok qsToken) {
	var in struct {
		TotalParts    int    `json:"totalParts"`
		EncryptedName string `json:"encryptedName"`
		Size          int64  `json:"originalSizeInBytes"`
	}
	if err := qsReadJSON(r, &in); err != nil {
		writeQSError(w, err)
		return
	}
	if err := q.checkInitiate(in.TotalParts, in.EncryptedName, in.Size); err != nil {
		writeQSError(w, err)
		return
	}
	f := &qsFile{FileKey: hex.EncodeToString(randomBytesN(12)), FileName: in.EncryptedName, CreatorID: tok.creator,
		TotalParts: in.TotalParts, Size: in.Size, session: tok.session,
		uploadID: hex.EncodeToString(randomBytesN(16)), parts: map[int][]byte{}, modified: q.now()}
	q.mu.Lock()
	q.files[f.FileKey] = f
	q.order = append(q.order, f.FileKey)
	q.mu.Unlock()
	qsWriteJSON(w, http.StatusOK, map[string]string{"uploadId": f.uploadID, "fileKey": f.FileKey})
}

func (q *Server) checkInitiate(parts int, name string, size int64) error {
	switch {
	case name == "":
		return qsErr(http.StatusBadRequest, "encryptedName is required")
	case size < 1:
		return qsErr(http.StatusBadRequest, "originalSizeInBytes must be at least 1")
	case parts < 1 || parts > qsMaxParts || int64(parts) > size:
		return qsErr(http.StatusBadRequest, "totalParts must be between 1 and %d and at most the size", qsMaxParts)
	case q.opts.MaxFileSize > 0 && size > q.opts.MaxFileSize:
		return qsErr(http.StatusRequestEntityTooLarge, "files are limited to %d bytes", q.opts.MaxFileSize)
	}
	return nil
}

// uploadPart stores one part; uploadId, partNumber and key are headers.
func (q *Server) uploadPart(w http.ResponseWriter, r *http.Request, tok qsToken) {
	n, err := strconv.Atoi(r.Header.Get("partNumber"))
	f, ferr := q.upload(tok, r.Header.Get("key"), r.Header.Get("uploadId"))
	switch {
	case ferr != nil:
		writeQSError(w, ferr)
		return
	case err != nil || n < 1 || n > f.TotalParts:
		writeQSError(w, qsErr(http.StatusBadRequest, "partNumber must be between 1 and %d", f.TotalParts))
		return
	}
	limit := f.Size
	if q.opts.MaxPartSize > 0 {
		limit = min(limit, q.opts.MaxPartSize)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	switch {
	case err != nil:
		writeQSError(w, qsErr(http.StatusBadRequest, "reading the part: %v", err))
		return
	case int64(len(data)) > limit:
		writeQSError(w, qsErr(http.StatusRequestEntityTooLarge, "part %d is larger than %d bytes", n, limit))
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if f.Completed { // completed while this part was on its way
		writeQSError(w, qsErr(http.StatusConflict, "upload %q is already completed", f.FileKey))
		return
	}
	f.parts[n] = data
	qsWriteJSON(w, http.StatusOK, map[string]any{"tag": partTag(data), "partNumber": n})
}

func partTag(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}

// upload finds the session's unfinished upload key with uploadID.
func (q *Server) upload(tok qsToken, key, uploadID string) (*qsFile, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	f, ok := q.files[key]
	if !ok || f.session != tok.session || f.uploadID != uploadID || uploadID == "" {
		return nil, qsErr(http.StatusNotFound, "no upload %q with that uploadId", key)
	}
	if f.Completed {
		return nil, qsErr(http.StatusConflict, "upload %q is already completed", key)
	}
	return f, nil
}

// complete assembles the parts in order after checking every tag and
// the total size; a repeated complete of a completed upload succeeds.
func (q *Server) complete(w http.ResponseWriter, r *http.Request, tok qsToken) {
	var in struct {
		Tags     []string `json:"tags"`
		Key      string   `json:"key"`
		UploadID string   `json:"uploadId"`
	}
	if err := qsReadJSON(r, &in); err != nil {
		writeQSError(w, err)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	f, ok := q.files[in.Key]
	if !ok || f.session != tok.session || (in.UploadID != "" && in.UploadID != f.uploadID) {
		writeQSError(w, qsErr(http.StatusNotFound, "no upload %q", in.Key))
		return
	}
	if !f.Completed {
		if err := f.assemble(in.Tags); err != nil {
			writeQSError(w, err)
			return
		}
		f.modified = q.now()
	}
	qsWriteJSON(w, http.StatusOK, map[string]string{"uploadId": f.uploadID, "fileKey": f.FileKey})
}

func (f *qsFile) assemble(tags []string) error {
	if len(tags) != f.TotalParts {
		return qsErr(http.StatusBadRequest, "expected %d tags, got %d", f.TotalParts, len(tags))
	}
	var buf bytes.Buffer
	for i, tag := range tags {
		data, ok := f.parts[i+1]
		switch {
		case !ok:
			return qsErr(http.StatusBadRequest, "part %d was not uploaded", i+1)
		case tag != partTag(data):
			return qsErr(http.StatusBadRequest, "the tag of part %d does not match the stored part", i+1)
		}
		buf.Write(data)
	}
	if int64(buf.Len()) != f.Size {
		return qsErr(http.StatusBadRequest, "the parts hold %d bytes, not the %d announced", buf.Len(), f.Size)
	}
	f.data, f.parts, f.Completed = buf.Bytes(), nil, true
	return nil
}

func (q *Server) list(w http.ResponseWriter, r *http.Request, tok qsToken) {
	q.mu.Lock()
	out := []qsFile{}
	for _, k := range q.order {
		if f := q.files[k]; f.session == tok.session {
			out = append(out, *f)
		}
	}
	q.mu.Unlock()
	qsWriteJSON(w, http.StatusOK, out)
}

// file finds one of the session's files by the {id} path value.
func (q *Server) file(r *http.Request, tok qsToken) (*qsFile, error) {
	id := r.PathValue("id")
	q.mu.Lock()
	defer q.mu.Unlock()
	f, ok := q.files[id]
	if !ok || f.session != tok.session {
		return nil, qsErr(http.StatusNotFound, "no file %q", id)
	}
	return f, nil
}

func (q *Server) info(w http.ResponseWriter, r *http.Request, tok qsToken) {
	f, err := q.file(r, tok)
	if err != nil {
		writeQSError(w, err)
		return
	}
	q.mu.Lock()
	out := *f
	q.mu.Unlock()
	qsWriteJSON(w, http.StatusOK, out)
}

// delete removes a file or an unfinished upload.
func (q *Server) delete(w http.ResponseWriter, r *http.Request, tok qsToken) {
	f, err := q.file(r, tok)
	if err != nil {
		writeQSError(w, err)
		return
	}
	q.mu.Lock()
	delete(q.files, f.FileKey)
	for i, k := range q.order {
		if k == f.FileKey {
			q.order = append(q.order[:i], q.order[i+1:]...)
			break
		}
	}
	q.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
