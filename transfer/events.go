package transfer

import (
	"encoding/json"
	"fmt"
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

// EventType says what an Event reports. It prints, and encodes as JSON
// text, as the lower-case word of its name ("started").
type EventType int

// Event types, in the order an object meets them. Every object that is
// Queued ends with exactly one of Done, Failed or Skipped.
const (
	// Queued: a tree walk or listing found an object (Size is known), so a
	// progress display can grow its totals while the listing streams.
	Queued EventType = iota + 1
	// Started: the object's data is about to move. Its size is known by
	// then (a download's or copy's HEAD, when needed, has been answered),
	// except for a stream read from an io.Reader, whose Size is -1.
	Started
	// Bytes: Bytes more bytes of the object were sent or received.
	Bytes
	// Done: the object was transferred and verified.
	Done
	// Failed: the object was not transferred; Err says why. A transfer
	// that fails before it started (a HEAD that failed, say) is Failed
	// without Started.
	Failed
	// Skipped: the object was left alone on purpose (filtered out by
	// sync rules, a refused key, an unreadable local file, a destination
	// that exists with NoOverwrite); Err says why when it is a problem
	// worth reporting.
	Skipped
	// Removed: after a verified transfer with TreeOptions.RemoveSource
	// (a move), the source was deleted. It follows the object's Done.
	Removed
)

var eventNames = [...]string{Queued: "queued", Started: "started", Bytes: "bytes", Done: "done",
	Failed: "failed", Skipped: "skipped", Removed: "removed"}

// String is the type's word: "queued", "started", "bytes", "done",
// "failed", "skipped" or "removed".
func (t EventType) String() string {
	if t > 0 && int(t) < len(eventNames) {
		return eventNames[t]
	}
	return fmt.Sprintf("EventType(%d)", int(t))
}

// MarshalText encodes the type as its word.
func (t EventType) MarshalText() ([]byte, error) {
	if t <= 0 || int(t) >= len(eventNames) {
		return nil, fmt.Errorf("transfer: unknown event type %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads a word MarshalText wrote.
func (t *EventType) UnmarshalText(b []byte) error {
	for i, name := range eventNames {
		if name != "" && name == string(b) {
			*t = EventType(i)
			return nil
		}
	}
	return fmt.Errorf("transfer: unknown event type %q", b)
}

// Event is one step of a transfer, for progress displays and logs.
type Event struct {
	Type   EventType `json:"type"`
	Op     Op        `json:"op"`
	Source string    `json:"source"` // s3://bucket/key or a local path ("-" for stdin/stdout)
	Dest   string    `json:"dest,omitempty"`
	Size   int64     `json:"size"`            // the object's size; -1 when unknown (a stream)
	Bytes  int64     `json:"bytes,omitempty"` // for Bytes events
	Err    error     `json:"-"`               // for Failed and Skipped; "error" in JSON
	Result *Result   `json:"result,omitempty"`
}

// MarshalJSON encodes the event with its error as a message.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // without this method
	var msg string
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return json.Marshal(struct {
		plain
		Error string `json:"error,omitempty"`
	}{plain(e), msg})
}

// emitter delivers events to a Progress callback one call at a time, in
// the order they were emitted, and never while holding a lock: a callback
// may take its own locks, block a while or start another transfer without
// stalling or deadlocking the goroutines that emit. Whichever goroutine
// finds the callback idle delivers what is queued, its own events and
// those others emitted meanwhile; so by the time every call that emits
// into an emitter has returned, each of its events has been delivered.
// Consecutive Bytes events of one object that wait together are merged, so
// a slow callback holds back a short queue, not one entry per read.
type emitter struct {
	fn    func(Event)
	mu    sync.Mutex
	queue []Event
	busy  bool // a goroutine is delivering
}

// emitterFor is the emitter of a call with its own Progress callback, or
// the Manager's when it has none.
func (m *Manager) emitterFor(progress func(Event)) *emitter {
	if progress == nil {
		return m.em
	}
	return &emitter{fn: progress}
}

func (e *emitter) emit(ev Event) {
	if e == nil || e.fn == nil {
		return
	}
	e.mu.Lock()
	if n := len(e.queue); n > 0 && ev.Type == Bytes && sameBytesRun(e.queue[n-1], ev) {
		e.queue[n-1].Bytes += ev.Bytes
	} else {
		e.queue = append(e.queue, ev)
	}
	if e.busy {
		e.mu.Unlock()
		return
	}
	e.busy = true
	for len(e.queue) > 0 {
		batch := e.queue
		e.queue = nil
		e.mu.Unlock()
		for _, ev := range batch {
			e.fn(ev)
		}
		e.mu.Lock()
	}
	e.busy = false
	e.mu.Unlock()
}

// sameBytesRun reports whether b adds to a's count: Bytes of one object.
func sameBytesRun(a, b Event) bool {
	return a.Type == Bytes && a.Op == b.Op && a.Source == b.Source && a.Dest == b.Dest
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

// start emits Started with the object's size, now known.
func (o *object) start(size int64) {
	o.size = size
	o.emit(Started, 0, nil, nil)
}

func (o object) bytes(n int64) {
	if n != 0 {
		o.emit(Bytes, n, nil, nil)
	}
}

// finish emits the object's last event for err: Done, Skipped when a
// NoOverwrite upload found the key taken (ErrExists), else Failed.
func (o object) finish(res *Result, err error) {
	switch {
	case err == nil:
		o.emit(Done, 0, nil, res)
	case isExists(err):
		o.emit(Skipped, 0, nil, nil)
	default:
		o.emit(Failed, 0, err, res)
	}
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
