package transfer

import (
	"io"
	"sync"
)

// Op is the kind of transfer an event or result belongs to.
type Op string

// Operations.
const (
	OpUpload   Op = "upload"
	OpDownload Op = "download"
	OpCopy     Op = "copy"
	OpDelete   Op = "delete"
)

// EventType says what an Event reports.
type EventType int

// Event types, in the order an object meets them. Every object that is
// Queued ends with exactly one of Done, Failed or Skipped.
const (
	// Queued: a tree walk or listing found an object (Size is known), so a
	// progress display can grow its totals while the listing streams.
	Queued EventType = iota + 1
	// Started: the object's first request is about to go out.
	Started
	// Bytes: Bytes more bytes of the object were sent or received.
	Bytes
	// Done: the object was transferred and verified.
	Done
	// Failed: the object was not transferred; Err says why.
	Failed
	// Skipped: the object was left alone on purpose (filtered out by
	// sync rules, a refused key, an unreadable local file); Err says why
	// when it is a problem worth reporting.
	Skipped
	// Removed: after a verified transfer with TreeOptions.RemoveSource
	// (a move), the source was deleted. It follows the object's Done.
	Removed
)

// Event is one step of a transfer, for progress displays and logs.
type Event struct {
	Type   EventType
	Op     Op
	Source string // s3://bucket/key or a local path ("-" for stdin/stdout)
	Dest   string
	Size   int64 // the object's size; -1 when unknown (a stream)
	Bytes  int64 // for Bytes events
	Err    error // for Failed and Skipped
	Result *Result
}

// emitter serialises calls to the Progress callback.
type emitter struct {
	mu sync.Mutex
	fn func(Event)
}

func (e *emitter) emit(ev Event) {
	if e == nil || e.fn == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fn(ev)
}

// object is the identity an object's events carry.
type object struct {
	em           *emitter
	op           Op
	source, dest string
	size         int64
}

func (o object) emit(t EventType, bytes int64, err error, res *Result) {
	o.em.emit(Event{Type: t, Op: o.op, Source: o.source, Dest: o.dest, Size: o.size, Bytes: bytes, Err: err, Result: res})
}

func (o object) bytes(n int64) {
	if n != 0 {
		o.emit(Bytes, n, nil, nil)
	}
}

// finish emits Done or Failed for err.
func (o object) finish(res *Result, err error) {
	if err != nil {
		o.emit(Failed, 0, err, res)
		return
	}
	o.emit(Done, 0, nil, res)
}

// progressReader reports bytes read from a part body, counting each byte
// once: when the HTTP client rewinds the body to retry (or to hash it before
// signing), the bytes it reads again are not counted again.
type progressReader struct {
	r        io.ReadSeeker
	pos, top int64
	report   func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.pos += int64(n)
	if p.pos > p.top {
		p.report(p.pos - p.top)
		p.top = p.pos
	}
	return n, err
}

func (p *progressReader) Seek(off int64, whence int) (int64, error) {
	pos, err := p.r.Seek(off, whence)
	if err == nil {
		p.pos = pos
	}
	return pos, err
}
