package transfer

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/quilibrium/qcli/client"
)

// Manager moves objects between files, streams and QStorage. It is safe for
// concurrent use; every transfer started through one Manager shares its
// request slots and buffer budget, so running many at once cannot exceed
// the limits in Options.
type Manager struct {
	c      s3API
	client *client.Client // c, for Client(); nil in tests over a fake
	opts   Options
	em     *emitter
	slots  chan struct{} // one per data request in flight
	bufs   *bufferPool   // part buffers for streams
	lanes  md5Lanes      // MD5 of parts, side by side
	copies copyBuffers   // buffers ranges and file sections are read through

	cleanOnce sync.Once // stale resume states are swept once per Manager
	temps     tempDirs  // download temporaries; each directory swept once per Manager
	// noConditionalWrites: the service answered NotImplemented to
	// If-None-Match on a write (see UploadInput.NoOverwrite).
	noConditionalWrites atomic.Bool
	// digestFirst: the service refused a part sent without a digest
	// (InvalidRequest, as S3 in a bucket with Object Lock) or answered one
	// with an ETag that is not an MD5 (or said it encrypted it with KMS, as
	// in a bucket with default SSE-KMS), so parts are hashed before they are
	// sent, to go with their Content-MD5 (see mpu.hashWhileSending).
	digestFirst atomic.Bool
}

// s3API is what a Manager asks of the QStorage client: *client.Client's
// calls that transfer makes. It is the seam through which the planning
// and integrity logic is tested with a fake service (fake_test.go)
// instead of the TLS emulator. It stays unexported so that New keeps
// taking the concrete client: an exported interface of fifteen calls
// would be an API of its own, which no method could be added to without
// breaking its implementers.
type s3API interface {
	SignsPayload() bool
	HeadObject(ctx context.Context, in client.HeadObjectInput) (client.ObjectInfo, error)
	GetObject(ctx context.Context, in client.GetObjectInput) (*client.GetObjectOutput, error)
	PutObject(ctx context.Context, in client.PutObjectInput) (client.PutObjectOutput, error)
	CopyObject(ctx context.Context, in client.CopyObjectInput) (client.CopyObjectOutput, error)
	GetObjectTagging(ctx context.Context, obj client.ObjectRef) (client.ObjectTags, error)
	DeleteObject(ctx context.Context, bucket, key, versionID string, opts ...client.DeleteOption) error
	DeleteObjects(ctx context.Context, bucket string, ids []client.ObjectID, opts ...client.DeleteOption) (client.DeleteObjectsOutput, error)
	ListObjects(ctx context.Context, in client.ListObjectsInput) iter.Seq2[*client.ObjectPage, error]
	CreateMultipartUpload(ctx context.Context, in client.CreateMultipartUploadInput) (client.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, in client.UploadPartInput) (client.UploadPartOutput, error)
	UploadPartCopy(ctx context.Context, in client.UploadPartCopyInput) (client.UploadPartCopyOutput, error)
	CompleteMultipartUpload(ctx context.Context, in client.CompleteMultipartUploadInput) (client.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	ListParts(ctx context.Context, bucket, key, uploadID string) iter.Seq2[client.Part, error]
}

var _ s3API = (*client.Client)(nil)

// New returns a Manager over c. Invalid options (a part size below the
// minimum) fail here, before any request.
func New(c *client.Client, opts Options) (*Manager, error) {
	m, err := newManager(c, opts)
	if err != nil {
		return nil, err
	}
	m.client = c
	return m, nil
}

// newManager is New over any s3API.
func newManager(c s3API, opts Options) (*Manager, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	return &Manager{
		c: c, opts: o, em: &emitter{fn: o.Progress},
		slots: make(chan struct{}, o.Concurrency),
		bufs:  newBufferPool(o.Concurrency),
	}, nil
}

// Options returns the options in effect, defaults filled in.
func (m *Manager) Options() Options { return m.opts }

// Client returns the client the Manager sends requests with.
func (m *Manager) Client() *client.Client { return m.client }

// acquire takes a request slot, or fails when ctx ends first.
func (m *Manager) acquire(ctx context.Context) error {
	select {
	case m.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *Manager) release() { <-m.slots }

// withSlot runs f holding a request slot.
func (m *Manager) withSlot(ctx context.Context, f func() error) error {
	if err := m.acquire(ctx); err != nil {
		return err
	}
	defer m.release()
	return f()
}

// bufferPool lends at most n buffers at a time, so that streamed parts
// cannot hold more than n part sizes of memory. Returned buffers are kept
// for reuse.
type bufferPool struct {
	tokens chan struct{}
	mu     sync.Mutex
	free   [][]byte
}

func newBufferPool(n int) *bufferPool {
	return &bufferPool{tokens: make(chan struct{}, n)}
}

// get lends a buffer of exactly size bytes, waiting for one to be returned
// when n are out.
func (p *bufferPool) get(ctx context.Context, size int64) ([]byte, error) {
	select {
	case p.tokens <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, b := range p.free {
		if int64(cap(b)) >= size {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return b[:size], nil
		}
	}
	if len(p.free) > 0 {
		p.free = p.free[1:] // too small for the grown part size: let it go
	}
	return make([]byte, size), nil
}

func (p *bufferPool) put(b []byte) {
	p.mu.Lock()
	p.free = append(p.free, b[:0])
	p.mu.Unlock()
	<-p.tokens
}
