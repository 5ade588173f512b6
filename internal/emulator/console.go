package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/quilibrium/qcli/client/console"
)

// The management console API (the QStorage console's, from 003) served
// beside S3 under console.DefaultBasePath, over the emulator's own store:
// what it reports is what S3 requests see, and credentials it creates or
// turns off are the ones S3 requests are checked against. Its routes are
// client/console's table, so client and emulator cannot drift apart.
// Console state (credential ids and names, bucket owners, presigned URL
// records) is kept in memory only.

// consoleAPI is the console's state; the store and the credentials stay
// the Emulator's.
type consoleAPI struct {
	e        *Emulator
	apiKey   string
	basePath string

	mu        sync.Mutex
	creds     []*consoleCred // by id, ids from 1
	byKey     map[string]*consoleCred
	owners    map[string]string // bucket -> owner's access key
	presigned []*console.PresignedURL
}

func newConsole(e *Emulator, apiKey string) *consoleAPI {
	c := &consoleAPI{e: e, apiKey: apiKey, basePath: console.DefaultBasePath,
		byKey: map[string]*consoleCred{}, owners: map[string]string{}}
	c.syncLocked() // Options.Credentials get ids 1..n, in key order
	e.Observe(c.observeS3)
	return c
}

// handles reports whether r is for the console: under the base path and not
// signed with SigV4. A signed request there is S3's, for a bucket that
// happens to be named like the base path's first segment.
func (c *consoleAPI) handles(r *http.Request) bool {
	p := r.URL.EscapedPath()
	if p != c.basePath && !strings.HasPrefix(p, c.basePath+"/") {
		return false
	}
	q := r.URL.Query()
	signed := strings.HasPrefix(r.Header.Get("Authorization"), sigAlgorithm) ||
		q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
	return !signed
}

// consoleHandler serves one route; it returns the status and the JSON
// document to answer with.
type consoleHandler func(c *consoleAPI, r *http.Request, p console.Params) (int, any, error)

var consoleHandlers = map[console.Op]consoleHandler{
	console.OpStats:                (*consoleAPI).stats,
	console.OpListCredentials:      (*consoleAPI).listCredentials,
	console.OpCreateCredential:     (*consoleAPI).createCredential,
	console.OpGetCredential:        (*consoleAPI).getCredential,
	console.OpUpdateCredential:     (*consoleAPI).updateCredential,
	console.OpListBuckets:          (*consoleAPI).listBuckets,
	console.OpCreateBucket:         (*consoleAPI).createBucket,
	console.OpGetBucket:            (*consoleAPI).getBucket,
	console.OpDeleteBucket:         (*consoleAPI).deleteBucket,
	console.OpListObjects:          (*consoleAPI).listObjects,
	console.OpGetObject:            (*consoleAPI).getObject,
	console.OpDeleteObject:         (*consoleAPI).deleteObject,
	console.OpDeleteObjects:        (*consoleAPI).deleteObjects,
	console.OpListMultipartUploads: (*consoleAPI).listUploads,
	console.OpListPresignedURLs:    (*consoleAPI).listPresigned,
	console.OpCreatePresignedURL:   (*consoleAPI).createPresigned,
}

// serve checks the API key, routes r and writes the JSON answer.
func (c *consoleAPI) serve(w http.ResponseWriter, r *http.Request) {
	if err := c.authorize(r); err != nil {
		writeConsoleError(w, err)
		return
	}
	rt, params, known := console.Match(r.Method, strings.TrimPrefix(r.URL.EscapedPath(), c.basePath))
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
func (c *consoleAPI) authorize(r *http.Request) error {
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
		ae := toAPIError(err)
		ce = &consoleError{status: ae.status, Code: ae.Code, Message: ae.Message}
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
