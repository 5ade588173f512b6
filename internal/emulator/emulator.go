// Package emulator is a local QStorage server for tests and for
// `qcli server`: the S3 API with SigV4 checked (package s3), the storage
// console's management API (console) and the QuickSync upload API
// (quicksync), one http.Handler over one store (store) and one set of
// access keys (sigv4), with hooks for tests to watch requests and inject
// faults (faults).
//
// Every request gets a request ID, then goes to the first server that
// takes it: the console (X-API-Key), QuickSync (bearer tokens, under /v1/),
// a browser POST upload (its form's policy is signed), or else S3, whose
// requests are authenticated before observers and any fault see them. An
// unsigned S3 request is anonymous; what it, or any principal, may do is
// decided by the S3 server (package access).
package emulator

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/console"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/internal/emulator/quicksync"
	"github.com/quilibrium/qcli/internal/emulator/s3"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// DefaultRegion is the region the emulator serves unless told otherwise.
const DefaultRegion = "q-world-1"

// Options configures an Emulator. Zero values take the documented defaults.
type Options struct {
	// Credentials maps access key IDs to secrets; at least one is required.
	// They are the root keys: one account that owns what was made before
	// owners were recorded, and may do everything (package access).
	Credentials map[string]string
	// DataDir is where objects, metadata and unfinished multipart uploads
	// are kept so they survive a restart; "" keeps everything in memory.
	// Only one Emulator may use a DataDir at a time.
	DataDir string
	// Region is the only region requests may be signed for (default
	// DefaultRegion).
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
	// ConsoleAPIKey, when set, serves the management console API under
	// client/console's DefaultBasePath, for requests carrying this key in
	// X-API-Key. "" leaves the console off.
	ConsoleAPIKey string
	// QuickSync, when it has sessions, serves the QuickSync upload API
	// under /v1/.
	QuickSync QuickSyncOptions
}

// QuickSyncOptions configures the QuickSync API (see package quicksync).
type QuickSyncOptions = quicksync.Options

// Emulator is an http.Handler serving the QStorage APIs. It is safe for
// concurrent use.
type Emulator struct {
	keys      *sigv4.Keys
	verifier  *sigv4.Verifier
	s3        *s3.Server
	console   *console.Server   // nil when Options.ConsoleAPIKey is ""
	quickSync *quicksync.Server // nil when Options.QuickSync has no sessions

	fault     atomic.Pointer[faults.Fault]
	obsMu     sync.RWMutex
	observers []func(*http.Request)
	requestID atomic.Uint64
	closed    atomic.Bool
	now       func() time.Time // Options.Now
}

// New creates an Emulator, loading any state kept in o.DataDir.
func New(o Options) (*Emulator, error) {
	if len(o.Credentials) == 0 {
		return nil, errors.New("emulator: at least one credential is required")
	}
	applyDefaults(&o)
	st, err := store.New(o.DataDir, o.Now)
	if err != nil {
		return nil, fmt.Errorf("emulator: opening %s: %w", o.DataDir, err)
	}
	e := &Emulator{keys: sigv4.NewKeys(o.Credentials), now: o.Now}
	e.verifier = &sigv4.Verifier{Keys: e.keys, Region: o.Region, MaxSkew: o.MaxSkew, Now: o.Now}
	e.s3 = s3.New(s3.Config{Store: st, Verifier: e.verifier, Region: o.Region, MinPartSize: o.MinPartSize,
		HostBases: o.HostBases, Now: o.Now, Authenticated: e.hooks})
	if o.ConsoleAPIKey != "" {
		e.console = console.New(console.Config{APIKey: o.ConsoleAPIKey, Store: st, Keys: e.keys,
			Region: o.Region, Now: o.Now})
	}
	if len(o.QuickSync.Sessions) > 0 {
		e.quickSync = quicksync.New(o.QuickSync, o.Now)
	}
	return e, nil
}

func applyDefaults(o *Options) {
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.MinPartSize == 0 {
		o.MinPartSize = 5 << 20
	}
	if o.MaxSkew == 0 {
		o.MaxSkew = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
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
// active afterwards. A key added so is not a root key: it is an account of
// its own, as a credential made through the console is.
func (e *Emulator) SetCredential(accessKey, secret string) { e.keys.Set(accessKey, secret) }

// SetCredentialActive enables or disables an access key; requests signed
// with a disabled key fail with 403 InvalidAccessKeyId. Unknown keys are
// ignored.
func (e *Emulator) SetCredentialActive(accessKey string, active bool) {
	e.keys.SetActive(accessKey, active)
}

// SetFault installs f for every later request that observers see; nil
// removes it.
func (e *Emulator) SetFault(f faults.Fault) {
	if f == nil {
		e.fault.Store(nil)
		return
	}
	e.fault.Store(&f)
}

// Observe registers f to be called, synchronously and before routing, with
// every S3 request that authenticated (anonymous ones too) and every
// QuickSync request. f must not read the body and must be safe for
// concurrent use. Observers cannot be removed.
func (e *Emulator) Observe(f func(r *http.Request)) {
	e.obsMu.Lock()
	defer e.obsMu.Unlock()
	e.observers = append(e.observers, f)
}

// hooks runs the observers and then any fault, which may answer r itself
// (true) or let it through to its server.
func (e *Emulator) hooks(w http.ResponseWriter, r *http.Request) (handled bool) {
	e.observe(r)
	return e.injectFault(w, r)
}

func (e *Emulator) observe(r *http.Request) {
	e.obsMu.RLock()
	obs := e.observers
	e.obsMu.RUnlock()
	for _, f := range obs {
		f(r)
	}
}

func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request) (handled bool) {
	f := e.fault.Load()
	return f != nil && (*f)(w, r, e.serverFor(r))
}

// serverFor is the handler that serves r once it has passed the hooks.
func (e *Emulator) serverFor(r *http.Request) http.Handler {
	if e.quickSync != nil && quicksync.Handles(r) {
		return e.quickSync
	}
	return e.s3
}

// ServeHTTP stamps r with a request ID and hands it to its server, after
// authentication and the hooks where they apply.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := fmt.Sprintf("%016X", e.requestID.Add(1))
	h := w.Header()
	h.Set(s3err.HeaderRequestID, id)
	h.Set("X-Amz-Id-2", base64.StdEncoding.EncodeToString([]byte(id+id)))
	h.Set("Server", "qcli-emulator")
	h.Set("Date", e.now().UTC().Format(http.TimeFormat)) // one clock, as Initiated and Last-Modified
	switch {
	case e.closed.Load():
		s3err.Write(w, r, s3err.Errorf("ServiceUnavailable", "The emulator has been closed."))
	case e.console != nil && e.console.Handles(r):
		e.console.ServeHTTP(w, r) // API-key auth, not SigV4
	case e.quickSync != nil && quicksync.Handles(r):
		// Bearer-token auth, checked by each route: observers and faults
		// see every QuickSync request, whatever its credentials.
		if !e.hooks(w, r) {
			e.quickSync.ServeHTTP(w, r)
		}
	case e.s3.IsPostObject(r):
		e.s3.ServePostObject(w, r) // the form's policy, not the request, is signed; runs hooks
	default:
		e.serveS3(w, r)
	}
}

// serveS3 authenticates r (an unsigned request is anonymous); observers
// see it as it came, faults once its body is prepared for verification,
// the S3 server with its principal in its context.
func (e *Emulator) serveS3(w http.ResponseWriter, r *http.Request) {
	auth, err := e.verifier.Authenticate(r)
	if err != nil {
		e.s3.WriteError(w, r, err)
		return
	}
	e.observe(r)
	prepared, err := sigv4.PrepareBody(r, auth)
	if err != nil {
		e.s3.WriteError(w, r, err)
		return
	}
	prepared = prepared.WithContext(access.NewContext(prepared.Context(), auth.Principal()))
	if !e.injectFault(w, prepared) {
		e.s3.ServeHTTP(w, prepared)
	}
}
