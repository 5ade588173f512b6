package quicksync

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// downloadURL answers a signed, expiring URL on this emulator.
func (q *Server) downloadURL(w http.ResponseWriter, r *http.Request, tok qsToken) {
	f, err := q.file(r, tok)
	if err != nil {
		writeQSError(w, err)
		return
	}
	q.mu.Lock()
	completed := f.Completed
	q.mu.Unlock()
	if !completed {
		writeQSError(w, qsErr(http.StatusConflict, "file %q is not completed", f.FileKey))
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	exp := q.now().Add(q.opts.URLTTL).Unix()
	u := url.URL{Scheme: scheme, Host: r.Host, Path: "/v1/files/" + f.FileKey,
		RawQuery: url.Values{"expires": {strconv.FormatInt(exp, 10)}, "signature": {q.sign(f.FileKey, exp)}}.Encode()}
	qsWriteJSON(w, http.StatusOK, map[string]string{"url": u.String()})
}

// serveFile serves a completed file's bytes to a valid download URL, with
// Range support, so interrupted downloads can resume.
func (q *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	exp, err := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
	if err != nil || !hmacEqual(r.URL.Query().Get("signature"), q.sign(id, exp)) {
		writeQSError(w, qsErr(http.StatusForbidden, "invalid download URL signature"))
		return
	}
	if q.now().Unix() > exp {
		writeQSError(w, qsErr(http.StatusForbidden, "the download URL has expired"))
		return
	}
	q.mu.Lock()
	f, ok := q.files[id]
	var data []byte
	var mod time.Time
	if ok {
		data, mod = f.data, f.modified
	}
	q.mu.Unlock()
	if !ok || data == nil {
		writeQSError(w, qsErr(http.StatusNotFound, "no file %q", id))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", mod, bytes.NewReader(data))
}

func hmacEqual(got, want string) bool {
	a, err := hex.DecodeString(got)
	b, _ := hex.DecodeString(want)
	return err == nil && hmac.Equal(a, b)
}
