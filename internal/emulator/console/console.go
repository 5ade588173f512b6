// Package console serves the storage console's management API (003)
// beside the emulator's S3 API, under client/console's DefaultBasePath,
// over the emulator's own store: what it reports is what S3 requests see,
// and credentials it creates or turns off are the ones S3 requests are
// checked against. Its routes are client/console's table, so client and
// emulator cannot drift apart. A bucket's owner is the store's record (the
// access key that created it, through S3 or here), so S3 enforces what the
// console shows. Console state (credential ids and names, presigned URL
// records) is kept in memory only.
package console

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	consoleapi "github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Config configures a Server; every field is required.
type Config struct {
	APIKey string // the X-API-Key every request must carry
	Store  *store.Store
	Keys   *sigv4.Keys // the S3 access keys, which the console manages
	Region string
	Now    func() time.Time
}

// Server is the console's state and its http.Handler; the store and the
// access keys stay the emulator's.
type Server struct {
	apiKey   string
	basePath string
	store    *store.Store
	keys     *sigv4.Keys
	region   string
	now      func() time.Time

	mu        sync.Mutex
	creds     []*consoleCred // by id, ids from 1
	byKey     map[string]*consoleCred
	presigned []*consoleapi.PresignedURL
}

// New returns a Server for c.
func New(c Config) *Server {
	srv := &Server{apiKey: c.APIKey, basePath: consoleapi.DefaultBasePath, store: c.Store, keys: c.Keys,
		region: c.Region, now: c.Now, byKey: map[string]*consoleCred{}}
	srv.syncLocked() // the emulator's credentials get ids 1..n, in key order
	return srv
}

// Handles reports whether r is for the console: under the base path and not
// signed with SigV4. A signed request there is S3's, for a bucket that
// happens to be named like the base path's first segment.
func (c *Server) Handles(r *http.Request) bool {
	p := r.URL.EscapedPath()
	if p != c.basePath && !strings.HasPrefix(p, c.basePath+"/") {
		return false
	}
	return !sigv4.IsSigned(r)
}

// consoleHandler serves one route; it returns the status and the JSON
// document to answer with.
type consoleHandler func(c *Server, r *http.Request, p consoleapi.Params) (int, any, error)

var consoleHandlers = map[consoleapi.Op]consoleHandler{
	consoleapi.OpStats:                (*Server).stats,
	consoleapi.OpListCredentials:      (*Server).listCredentials,
	consoleapi.OpCreateCredential:     (*Server).createCredential,
	consoleapi.OpGetCredential:        (*Server).getCredential,
	consoleapi.OpUpdateCredential:     (*Server).updateCredential,
	consoleapi.OpListBuckets:          (*Server).listBuckets,
	consoleapi.OpCreateBucket:         (*Server).createBucket,
	consoleapi.OpGetBucket:            (*Server).getBucket,
	consoleapi.OpDeleteBucket:         (*Server).deleteBucket,
	consoleapi.OpListObjects:          (*Server).listObjects,
	consoleapi.OpGetObject:            (*Server).getObject,
	consoleapi.OpDeleteObject:         (*Server).deleteObject,
	consoleapi.OpDeleteObjects:        (*Server).deleteObjects,
	consoleapi.OpListMultipartUploads: (*Server).listUploads,
	consoleapi.OpListPresignedURLs:    (*Server).listPresigned,
	consoleapi.OpCreatePresignedURL:   (*Server).createPresigned,
}

// ServeHTTP checks the API key, routes r and writes the JSON answer.
func (c *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := c.authorize(r); err != nil {
		writeConsoleError(w, err)
		return
	}
	rt, params, known := consoleapi.Match(r.Method, strings.TrimPrefix(r.URL.EscapedPath(), c.basePath))
	switch {
	case rt.Op == "" && known:
		writeConsoleError(w, consoleErr(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s", r.Method, r.URL.Path))
		return
	case rt.Op == "":
		writeConsoleError(w, consoleErr(http.StatusNotFound, "not_found", "no API route %s %s", r.Method, r.URL.Path))
		return
	}
	status, doc, err := consoleHandlers[rt.Op](c, r, params)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	writeJSON(w, status, doc)
}

// authorize wants the API key in X-API-Key: missing is 401, wrong is 403.
// A bearer token may come too; the emulator does not check it.
func (c *Server) authorize(r *http.Request) error {
	key := r.Header.Get("X-API-Key")
	switch {
	case key == "":
		return consoleErr(http.StatusUnauthorized, "unauthorized", "missing X-API-Key header")
	case subtle.ConstantTimeCompare([]byte(key), []byte(c.apiKey)) != 1:
		return consoleErr(http.StatusForbidden, "forbidden", "invalid API key")
	}
	return nil
}

// consoleError is an error answer: {"error": code, "message": message}.
type consoleError struct {
	status  int
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *consoleError) Error() string { return e.Code + ": " + e.Message }

func consoleErr(status int, code, format string, args ...any) *consoleError {
	return &consoleError{status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *consoleError {
	return consoleErr(http.StatusBadRequest, "bad_request", format, args...)
}

func notFound(format string, args ...any) *consoleError {
	return consoleErr(http.StatusNotFound, "not_found", format, args...)
}

// writeConsoleError renders err; S3 errors from the store keep their
// status and code.
func writeConsoleError(w http.ResponseWriter, err error) {
	var ce *consoleError
	if !errors.As(err, &ce) {
		ae := s3err.As(err)
		ce = &consoleError{status: ae.Status(), Code: ae.Code, Message: ae.Message}
	}
	writeJSON(w, ce.status, ce)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(consoleErr(status, "internal_error", "%v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// maxConsoleBody bounds a request document; none is legitimately larger.
const maxConsoleBody = 1 << 20

// readJSON decodes r's body into v, rejecting unknown fields so that a
// misspelt field is an error rather than silently ignored.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxConsoleBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("the request body is not the expected JSON: %v", err)
	}
	return nil
}
