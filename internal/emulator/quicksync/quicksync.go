// Package quicksync serves the QuickSync upload API (002) beside the
// emulator's S3 API under /v1/: a session ID and password are exchanged
// for a bearer token (POST /v1/session/join), and the token is checked on
// every other call. Files are kept in memory only, unlike S3 data with a
// data directory; download URLs point back at the server
// (/v1/files/{fileKey}, signed and expiring). No bucket name collides with
// /v1/: bucket names have 3 or more characters.
package quicksync

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/sigv4"
)

// Options configures the QuickSync API.
type Options struct {
	// Sessions maps session IDs to passwords; a join must name one of
	// them. None leaves the QuickSync API off.
	Sessions map[string]string
	// TokenTTL is how long a joined token is accepted (default 1h).
	TokenTTL time.Duration
	// MaxFileSize, when positive, answers 413 to larger uploads.
	MaxFileSize int64
	// MaxPartSize, when positive, answers 413 to larger parts.
	MaxPartSize int64
	// URLTTL is how long a download URL works (default 15m).
	URLTTL time.Duration
}

// Server is the API's state and its http.Handler.
type Server struct {
	now     func() time.Time
	opts    Options
	mux     *http.ServeMux
	signKey []byte // signs download URLs

	mu     sync.Mutex
	tokens map[string]qsToken
	files  map[string]*qsFile // by fileKey
	order  []string           // fileKeys in creation order, for listings
}

type qsToken struct {
	session string
	creator string
	expires time.Time
}

// New returns a Server for o; now is the server clock.
func New(o Options, now func() time.Time) *Server {
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.URLTTL <= 0 {
		o.URLTTL = 15 * time.Minute
	}
	q := &Server{now: now, opts: o, signKey: randomBytesN(32), tokens: map[string]qsToken{}, files: map[string]*qsFile{}}
	q.mux = http.NewServeMux()
	q.mux.HandleFunc("POST /v1/session/join", q.join)
	q.mux.HandleFunc("GET /v1/buckets", q.authed(q.list))
	q.mux.HandleFunc("POST /v1/buckets", q.authed(q.initiate))
	q.mux.HandleFunc("PUT /v1/buckets", q.authed(q.uploadPart))
	q.mux.HandleFunc("POST /v1/buckets/complete", q.authed(q.complete))
	q.mux.HandleFunc("DELETE /v1/buckets/{id}", q.authed(q.delete))
	q.mux.HandleFunc("GET /v1/buckets/file/{id}", q.authed(q.info))
	q.mux.HandleFunc("GET /v1/buckets/download/{id}", q.authed(q.downloadURL))
	q.mux.HandleFunc("GET /v1/files/{id}", q.serveFile)
	return q
}

// Handles reports whether r is for QuickSync: under /v1/ and not signed
// with SigV4.
func Handles(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/v1/") && !sigv4.IsSigned(r)
}

// ServeHTTP routes a QuickSync request; each route checks its own
// credentials (a token, or a signed download URL).
func (q *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { q.mux.ServeHTTP(w, r) }

// authed wraps a handler that needs a valid bearer token.
func (q *Server) authed(h func(http.ResponseWriter, *http.Request, qsToken)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, err := q.checkToken(r.Header.Get("Authorization"))
		if err != nil {
			writeQSError(w, err)
			return
		}
		h(w, r, tok)
	}
}

func (q *Server) checkToken(header string) (qsToken, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return qsToken{}, qsErr(http.StatusUnauthorized, "missing bearer token")
	}
	q.mu.Lock()
	t, known := q.tokens[token]
	q.mu.Unlock()
	switch {
	case !known:
		return qsToken{}, qsErr(http.StatusUnauthorized, "invalid token")
	case !q.now().Before(t.expires):
		return qsToken{}, qsErr(http.StatusUnauthorized, "token expired")
	}
	return t, nil
}

// join exchanges a session ID and password for a token.
func (q *Server) join(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SessionID string `json:"sessionId"`
		Password  string `json:"password"`
	}
	if err := qsReadJSON(r, &in); err != nil {
		writeQSError(w, err)
		return
	}
	want, ok := q.opts.Sessions[in.SessionID]
	if !ok || subtle.ConstantTimeCompare([]byte(in.Password), []byte(want)) != 1 {
		writeQSError(w, qsErr(http.StatusUnauthorized, "invalid session or password"))
		return
	}
	token := "qs_" + hex.EncodeToString(randomBytesN(24))
	t := qsToken{session: in.SessionID, creator: creatorOf(in.SessionID), expires: q.now().Add(q.opts.TokenTTL)}
	q.mu.Lock()
	q.tokens[token] = t
	q.mu.Unlock()
	qsWriteJSON(w, http.StatusOK, map[string]any{"credentials": map[string]any{
		"token": token, "expiresAt": t.expires.UTC().Format(time.RFC3339),
	}})
}

// creatorOf is a stable user id for a session that does not reveal the
// session ID, which is the key of the file names.
func creatorOf(session string) string {
	sum := sha256.Sum256([]byte("creator:" + session))
	return "user-" + hex.EncodeToString(sum[:6])
}

// sign is the download URL signature of fileKey until expires.
func (q *Server) sign(fileKey string, expires int64) string {
	m := hmac.New(sha256.New, q.signKey)
	fmt.Fprintf(m, "%s\n%d", fileKey, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// qsError is an error answer: {"message": …} with its status.
type qsError struct {
	status  int
	Message string `json:"message"`
}

func (e *qsError) Error() string { return e.Message }

func qsErr(status int, format string, args ...any) *qsError {
	return &qsError{status: status, Message: fmt.Sprintf(format, args...)}
}

func writeQSError(w http.ResponseWriter, err error) {
	e, ok := err.(*qsError)
	if !ok {
		e = qsErr(http.StatusInternalServerError, "%v", err)
	}
	qsWriteJSON(w, e.status, e)
}

func qsWriteJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// qsReadJSON decodes a small JSON request body.
func qsReadJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return qsErr(http.StatusBadRequest, "the request body is not the expected JSON: %v", err)
	}
	return nil
}

func randomBytesN(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}
