package transfer

import (
	"fmt"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Defaults. They match the AWS CLI's multipart threshold and part size;
// concurrency is a little higher because loopback and LAN endpoints reward it.
const (
	DefaultThreshold   = 8 << 20
	DefaultPartSize    = 8 << 20
	DefaultConcurrency = 16
	// DefaultListConcurrency is how many listing requests a tree's
	// listing sends at once.
	DefaultListConcurrency = 8
	// DefaultAbortTimeout bounds the abort of a failed multipart upload, which
	// runs on a fresh context because the caller's may be cancelled.
	DefaultAbortTimeout = 30 * time.Second
	// DefaultRangeAttempts is how often a ranged GET whose body broke off is
	// resumed from where it stopped; the client already retries failed requests.
	DefaultRangeAttempts = 5
)

const mib = 1 << 20

// Options tune a Manager. Zero values take the defaults.
type Options struct {
	// Threshold is the size from which files are uploaded in parts and
	// downloaded with parallel ranges. Default DefaultThreshold.
	Threshold int64
	// PartSize is the preferred part size, at least client.MinPartSize
	// (5 MiB). It grows as needed to fit an object in 10,000 parts.
	// Default DefaultPartSize.
	PartSize int64
	// Concurrency is how many data requests (parts, ranges, small objects)
	// are in flight in all, and how many part buffers streams may hold.
	// Default DefaultConcurrency.
	Concurrency int
	// PartConcurrency caps the parts of one object in flight. Default
	// Concurrency, so a single large file uses every slot.
	PartConcurrency int
	// ObjectConcurrency caps the objects of a tree transferred at once.
	// Default Concurrency.
	ObjectConcurrency int
	// Progress receives events: one call at a time and in order, so it
	// needs no lock of its own, and never while the Manager holds a lock,
	// so it may block or start other transfers without deadlocking them.
	// The goroutine that finds it idle delivers what is waiting, so while
	// it runs, transfers keep going and their Bytes events are merged; it
	// should still return quickly. When every call on the Manager has
	// returned, every event has been delivered. Nil discards them. The
	// inputs' own Progress fields override it for one call.
	Progress func(Event)
	// PageSize is the number of keys each listing request asks for, 1 to
	// 1,000. Default 1,000.
	PageSize int32
	// ListConcurrency is how many listing requests a tree's S3 listing
	// has in flight at once (see List); 1 lists sequentially. Default
	// DefaultListConcurrency.
	ListConcurrency int
	// CopyThreshold is the size above which Copy copies in parallel parts
	// (UploadPartCopy) instead of one CopyObject. Default and maximum 5 GiB,
	// the CopyObject limit.
	CopyThreshold int64
	// StateDir, when set, keeps a small state file per multipart upload of
	// a file so that an interrupted upload resumes on the next attempt.
	StateDir string
	// AbortTimeout bounds aborting a failed upload. Default DefaultAbortTimeout.
	AbortTimeout time.Duration
	// NoPartSizeMetadata leaves the part size out of multipart uploads'
	// metadata (PartSizeMetadata). Downloads then learn it with a HEAD of
	// part 1 before they can verify the composite ETag: one request more
	// per large object.
	NoPartSizeMetadata bool
	// MinPartSize lowers the 5 MiB part-size floor. It exists for tests
	// against an emulator configured to accept small parts; real services
	// reject non-final parts under 5 MiB with EntityTooSmall.
	MinPartSize int64
}

func (o Options) withDefaults() Options {
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	if o.MinPartSize <= 0 {
		o.MinPartSize = client.MinPartSize
	}
	if o.PartSize <= 0 {
		o.PartSize = max(DefaultPartSize, o.MinPartSize)
		if o.MinPartSize < client.MinPartSize {
			o.PartSize = o.MinPartSize // tests: keep parts as small as asked
		}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.PartConcurrency <= 0 || o.PartConcurrency > o.Concurrency {
		o.PartConcurrency = o.Concurrency
	}
	if o.ObjectConcurrency <= 0 {
		o.ObjectConcurrency = o.Concurrency
	}
	if o.CopyThreshold <= 0 || o.CopyThreshold > client.MaxPutObjectSize {
		o.CopyThreshold = client.MaxPutObjectSize
	}
	if o.ListConcurrency <= 0 {
		o.ListConcurrency = DefaultListConcurrency
	}
	if o.PageSize <= 0 || o.PageSize > 1000 {
		o.PageSize = 1000
	}
	if o.AbortTimeout <= 0 {
		o.AbortTimeout = DefaultAbortTimeout
	}
	return o
}

// Validate reports an option that cannot work.
func (o Options) Validate() error {
	d := o.withDefaults()
	switch {
	case d.PartSize < d.MinPartSize:
		return &client.ValidationError{Field: "part size", Value: fmt.Sprint(o.PartSize),
			Problem: fmt.Sprintf("is below the %d-byte minimum", d.MinPartSize), Fix: "use 5MiB or more"}
	case d.PartSize > client.MaxPartSize:
		return &client.ValidationError{Field: "part size", Value: fmt.Sprint(o.PartSize),
			Problem: "is above the 5 GiB maximum", Fix: "use 5GiB or less"}
	}
	return nil
}

// ConnsPerHost is the connection pool a client needs for these options:
// one connection per request in flight and per listing request, plus a
// few for HEADs and aborts that run beside them. Set
// client.Config.MaxConnsPerHost to it.
func (o Options) ConnsPerHost() int {
	d := o.withDefaults()
	return max(d.Concurrency+d.ListConcurrency+4, client.DefaultMaxConnsPerHost)
}
