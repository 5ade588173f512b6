// Package emulator is a local QStorage (S3-compatible) server for tests and
// for `qcli server`: SigV4 verification (header and presigned), body
// digests and aws-chunked decoding, the S3 operations qcli uses with
// bucket and object tagging/ACL sub-resources (501 for the rest), paging,
// multipart part-size rules, conditional and partNumber GETs, and a store
// that survives restarts when DataDir is set.
package emulator

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const hdrRequestID = "X-Amz-Request-Id"

// Options configures an Emulator. Zero values take the documented defaults.
type Options struct {
	// Credentials maps access key IDs to secrets; at least one is required.
	Credentials map[string]string
	// DataDir is where objects, metadata and unfinished multipart uploads
	// are kept so they survive a restart; "" keeps everything in memory.
	// Only one Emulator may use a DataDir at a time.
	DataDir string
	// Region is the only region requests may be signed for (default
	// "q-world-1").
	Region string
	// MinPartSize is the smallest non-final multipart part that
	// CompleteMultipartUpload accepts (default 5 MiB; tests lower it).
	MinPartSize int64
	// MaxSkew bounds the difference between a header-signed request's
	// X-Amz-Date and Now (default 15m).
	MaxSkew time.Duration
	// Now is the server clock (default time.Now); tests move it to expire
	// presigned URLs or provoke skew.
	Now func() time.Time
	// HostBases enables virtual-hosted-style addressing: a request for host
	// "<bucket>.<base>" (port ignored) addresses <bucket>. Path-style
	// requests always work.
	HostBases []string
	// ConsoleAPIKey, when set, serves the management console API (see
	// console.go) under client/console's DefaultBasePath, for requests
	// carrying this key in X-API-Key. "" leaves the console off.
	ConsoleAPIKey string
	// QuickSync, when it has sessions, serves the QuickSync upload API
	// under /v1/ (see quicksync.go).
	QuickSync QuickSyncOptions
}

// Emulator is an http.Handler serving the QStorage S3 API. It is safe for
// concurrent use.
type Emulator struct {
	store       *store
	region      string
	minPartSize int64
	maxSkew     time.Duration
	now         func() time.Time
	hostBases   []string
	console     *consoleAPI // nil when Options.ConsoleAPIKey is ""
	quickSync   *quickSync  // nil when Options.QuickSync has no sessions

	credMu sync.RWMutex
	creds  map[string]*credential

	fault     atomic.Pointer[Fault]
	obsMu     sync.RWMutex
	observers []func(*http.Request)
	requestID atomic.Uint64
	closed    atomic.Bool
}

type credential struct {
	secret string
	active bool
}

// New creates an Emulator, loading any state kept in o.DataDir.
func New(o Options) (*Emulator, error) {
	if len(o.Credentials) == 0 {
		return nil, errors.New("emulator: at least one credential is required")
	}
	e := &Emulator{
		region: o.Region, minPartSize: o.MinPartSize, maxSkew: o.MaxSkew, now: o.Now,
		hostBases: o.HostBases, creds: map[string]*credential{},
	}
	e.applyDefaults()
	for ak, sk := range o.Credentials {
		e.creds[ak] = &credential{secret: sk, active: true}
	}
	st, err := newStore(o.DataDir, e.now)
	if err != nil {
		return nil, fmt.Errorf("emulator: opening %s: %w", o.DataDir, err)
	}
	e.store = st
	if o.ConsoleAPIKey != "" {
		e.console = newConsole(e, o.ConsoleAPIKey)
	}
	if len(o.QuickSync.Sessions) > 0 {
		e.quickSync = newQuickSync(e, o.QuickSync)
	}
	return e, nil
}

func (e *Emulator) applyDefaults() {
	if e.region == "" {
		e.region = "q-world-1"
	}
	if e.minPartSize == 0 {
		e.minPartSize = 5 << 20
	}
	if e.maxSkew == 0 {
		e.maxSkew = 15 * time.Minute
	}
	if e.now == nil {
		e.now = time.Now
	}
}

// Close stops serving: later requests get 503. It does not wait for
// requests in flight (the http.Server does). With DataDir every change is
// already on disk, so there is nothing to flush.
func (e *Emulator) Close() error {
	e.closed.Store(true)
	return nil
}

// SetCredential adds an access key or replaces its secret; the key is
// active afterwards.
func (e *Emulator) SetCredential(accessKey, secret string) {
	e.credMu.Lock()
	defer e.credMu.Unlock()
	e.creds[accessKey] = &credential{secret: secret, active: true}
}

// SetCredentialActive enables or disables an access key; requests signed
// with a disabled key fail with 403 InvalidAccessKeyId. Unknown keys are
// ignored.
func (e *Emulator) SetCredentialActive(accessKey string, active bool) {
	e.credMu.Lock()
	defer e.credMu.Unlock()
	if c, ok := e.creds[accessKey]; ok {
		c.active = active
	}
}

// SetFault installs f for every later authenticated request; nil removes it.
func (e *Emulator) SetFault(f Fault) {
	if f == nil {
		e.fault.Store(nil)
		return
	}
	e.fault.Store(&f)
}

// Observe registers f to be called, synchronously and before routing, with
// every authenticated request. f must not read the body and must be safe
// for concurrent use. Observers cannot be removed.
func (e *Emulator) Observe(f func(r *http.Request)) {
	e.obsMu.Lock()
	defer e.obsMu.Unlock()
	e.observers = append(e.observers, f)
}

func (e *Emulator) observe(r *http.Request) {
	e.obsMu.RLock()
	obs := e.observers
	e.obsMu.RUnlock()
	for _, f := range obs {
		f(r)
	}
}

// ServeHTTP authenticates r, prepares its body, applies any fault and
// routes it.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := fmt.Sprintf("%016X", e.requestID.Add(1))
	h := w.Header()
	h.Set(hdrRequestID, id)
	h.Set("X-Amz-Id-2", base64.StdEncoding.EncodeToString([]byte(id+id)))
	h.Set("Server", "qcli-emulator")
	if e.closed.Load() {
		writeError(w, r, errf("ServiceUnavailable", "The emulator has been closed."))
		return
	}
	if e.console != nil && e.console.handles(r) {
		e.console.serve(w, r) // API-key auth, not SigV4
		return
	}
	if e.quickSync != nil && e.quickSync.handles(r) {
		e.quickSync.serve(w, r) // bearer-token auth, not SigV4
		return
	}
	if e.isPostObject(r) { // browser upload: the policy, not the request, is signed
		e.servePostObject(w, r)
		return
	}
	auth, err := e.authenticate(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	e.observe(r)
	if err := preparePayload(r, auth); err != nil {
		writeError(w, r, err)
		return
	}
	if f := e.fault.Load(); f != nil && (*f)(w, r) {
		return
	}
	e.route(w, r)
}

// route dispatches an authenticated request and renders any error.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request) {
	if e.quickSync != nil && e.quickSync.handles(r) {
		e.quickSync.mux.ServeHTTP(w, r)
		return
	}
	if err := e.dispatch(w, r); err != nil {
		writeError(w, r, err)
	}
}

// virtualHostBucket returns the bucket named by a virtual-hosted Host.
func (e *Emulator) virtualHostBucket(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	for _, base := range e.hostBases {
		if b, ok := strings.CutSuffix(host, "."+strings.Trim(base, ".")); ok && b != "" {
			return b
		}
	}
	return ""
}
