package transfer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/httptransport"
	"github.com/quilibrium/qcli/transfer/filter"
)

// Location is one side of a tree operation: a local directory (Local set)
// or an S3 prefix. Prefix is used as given: "photos/" selects the keys
// under photos/, "photos" also photos.txt.
type Location struct {
	Local  string
	Bucket string
	Prefix string
}

// IsLocal reports whether the location is a local directory.
func (l Location) IsLocal() bool { return l.Local != "" }

// String renders the location as typed: a path or s3://bucket/prefix.
func (l Location) String() string {
	if l.IsLocal() {
		return l.Local
	}
	return S3URL(l.Bucket, l.Prefix)
}

// TreeOptions shape a tree operation.
type TreeOptions struct {
	// Filter selects the entries, by path relative to the source root;
	// nil selects everything.
	Filter *filter.Filter
	// DryRun reports what would be done (Done events whose Result has
	// DryRun set) without doing it.
	DryRun bool
	// NoOverwrite leaves existing destination objects and files alone: a
	// HEAD (or a local stat) first, then, for uploads and multipart
	// copies, a conditional write (see UploadInput.NoOverwrite) that a
	// writer racing in between cannot get past.
	NoOverwrite bool
	// FollowSymlinks follows symlinks in a local source (loops are
	// reported); without it they are ignored. A local destination's links
	// are never followed, whatever it says (see WalkDestination), and a
	// moved source is never removed through a link out of its tree.
	FollowSymlinks bool
	// Attributes are set on every object written; an empty ContentType
	// is guessed from the file name when GuessContentType is set.
	Attributes       client.ObjectAttributes
	GuessContentType bool
	// MetadataDirective, KeepSourceProps and TaggingDirective apply to
	// copies; see CopyInput.
	MetadataDirective string
	KeepSourceProps   bool
	TaggingDirective  string
	// ChecksumAlgorithm applies to uploads; see UploadInput.
	ChecksumAlgorithm client.ChecksumAlgorithm
	// SourceCustomerKey reads SSE-C source objects.
	SourceCustomerKey []byte
	// RemoveSource deletes each source file or object once its transfer
	// is complete and verified (a move); a Removed event follows.
	RemoveSource bool
	// Delete, SizeOnly and ExactTimestamps apply to Sync; see Sync.
	Delete, SizeOnly, ExactTimestamps bool
	// Shard restricts the operation to one shard of a job run as several
	// processes (see Shard): the source's entries, and with Sync both
	// sides', that it owns. The zero value is the whole tree.
	Shard Shard
	// Progress, when set, receives this call's events instead of
	// Options.Progress, with the same guarantees.
	Progress func(Event)

	em *emitter // this call's, set by Manager.treeCall
}

// treeCall is o for one tree operation: its events go to its own emitter
// when it has a Progress, so that they are delivered one at a time too.
func (m *Manager) treeCall(o TreeOptions) TreeOptions {
	o.em = m.emitterFor(o.Progress)
	return o
}

// events is the emitter of o's operation (the Manager's when o did not go
// through treeCall).
func (o TreeOptions) events(m *Manager) *emitter {
	if o.em != nil {
		return o.em
	}
	return m.em
}

// Summary counts what a tree operation did.
type Summary struct {
	Done      int64 `json:"done"`
	Failed    int64 `json:"failed"`
	Skipped   int64 `json:"skipped"`   // left out because of a problem (unsafe key, unreadable file)
	Unchanged int64 `json:"unchanged"` // left alone on purpose (up to date, --no-overwrite)
	Bytes     int64 `json:"bytes"`
}

// skipReason is implemented by the errors that leave one entry out with a
// warning (Skipped, exit 2) instead of failing it: a key no file can be
// named after, two keys for one file, a file outside the tree, a source
// file that cannot be read.
type skipReason interface {
	error
	skipsEntry()
}

func (*UnsafeKeyError) skipsEntry() {}
func (*OutsideError) skipsEntry()   {}
func (*SourceError) skipsEntry()    {}

// errUnchanged marks an entry left alone on purpose.
var errUnchanged = errors.New("unchanged")

// pool runs per-object tasks on at most n goroutines and counts outcomes.
// Unlike group, a failed object does not stop the others, with one
// exception: an object whose requests stalled for their whole budget (see
// httptransport.StallError) means the endpoint stopped answering, so no
// further object is started; the operation fails with that error instead
// of spending the budget again on every object left.
type pool struct {
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	sum  Summary
	dead chan struct{} // closed when the endpoint stopped answering
	stop error         // why, set once before dead is closed
}

func (m *Manager) newPool() *pool {
	return &pool{sem: make(chan struct{}, m.opts.ObjectConcurrency), dead: make(chan struct{})}
}

// run starts task once a goroutine is free; false when ctx ended, or the
// endpoint stopped answering, first.
func (p *pool) run(ctx context.Context, obj object, task func(context.Context) (*Result, error)) bool {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	case <-p.dead:
		return false
	}
	if p.stopped() != nil {
		<-p.sem
		return false
	}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		res, err := task(ctx)
		p.count(obj, res, err)
	}()
	return true
}

// stopped is the error that stopped the pool, if the endpoint stopped
// answering.
func (p *pool) stopped() error {
	select {
	case <-p.dead:
		return p.stop
	default:
		return nil
	}
}

// count records a task's outcome. Events are emitted after the lock is
// released: a Progress callback never runs under one.
func (p *pool) count(obj object, res *Result, err error) {
	p.mu.Lock()
	if httptransport.IsStallError(err) && p.stop == nil {
		p.stop = fmt.Errorf("the endpoint stopped answering, so no further object was tried: %w", err)
		close(p.dead)
	}
	var emit EventType
	switch {
	case errors.Is(err, errUnchanged):
		p.sum.Unchanged++
		emit, err = Skipped, nil
	case isExists(err): // NoOverwrite found the key taken: the transfer emitted Skipped
		p.sum.Unchanged++
	case errors.As(err, new(skipReason)):
		p.sum.Skipped++
		emit = Skipped
	case errors.As(err, new(*earlyError)):
		p.sum.Failed++
		emit = Failed
	case err != nil:
		p.sum.Failed++ // the transfer emitted its Failed event
	default:
		p.sum.Done++
		if res != nil {
			p.sum.Bytes += res.Size
		}
	}
	p.mu.Unlock()
	if emit != 0 {
		obj.emit(emit, 0, err, nil)
	}
}

// skip records an entry left out before any task ran; an earlyError
// (deciding about the entry failed) counts as a failure.
func (p *pool) skip(obj object, err error) {
	emit := Skipped
	p.mu.Lock()
	switch {
	case err == nil:
		p.sum.Unchanged++
	case errors.As(err, new(*earlyError)):
		p.sum.Failed++
		emit = Failed
	default:
		p.sum.Skipped++
	}
	p.mu.Unlock()
	obj.emit(emit, 0, err, nil)
}

// dryRun records what would have been done.
func (p *pool) dryRun(obj object) {
	p.mu.Lock()
	p.sum.Done++
	p.sum.Bytes += max(obj.size, 0)
	p.mu.Unlock()
	obj.emit(Done, 0, nil, &Result{Op: obj.op, Source: obj.source, Dest: obj.dest, Size: obj.size, DryRun: true})
}

func (p *pool) wait() Summary {
	p.wg.Wait()
	return p.sum
}

// plan is how one entry is moved: its event identity and the task that
// moves it (nil when it must be skipped with skipErr).
type plan struct {
	obj     object
	task    func(context.Context) (*Result, error)
	skipErr error
}

// withRemoval makes a plan delete its source after a verified transfer.
func withRemoval(pl plan, o TreeOptions, remove func(context.Context) error) plan {
	if !o.RemoveSource || pl.task == nil {
		return pl
	}
	task := pl.task
	pl.task = func(ctx context.Context) (*Result, error) {
		res, err := task(ctx)
		if err != nil {
			return res, err
		}
		if err := remove(ctx); errors.As(err, new(*OutsideError)) {
			return res, err
		} else if err != nil {
			return res, &earlyError{fmt.Errorf("%s was transferred to %s, but could not be removed: %w", pl.obj.source, pl.obj.dest, err)}
		}
		pl.obj.emit(Removed, 0, nil, res)
		return res, nil
	}
	return pl
}

// submit queues an entry: reports it, then skips, pretends (DryRun) or
// runs it on the pool. It returns false once ctx has ended.
func (m *Manager) submit(ctx context.Context, p *pool, pl plan, o TreeOptions) bool {
	if pl.task == nil {
		p.skip(pl.obj, pl.skipErr)
		return true
	}
	pl.obj.emit(Queued, 0, nil, nil)
	if o.DryRun {
		p.dryRun(pl.obj)
		return true
	}
	return p.run(ctx, pl.obj, pl.task)
}

// planUpload plans the upload of a local entry to dst; rootReal is the
// resolved source root, inside which a move may remove the file.
func (m *Manager) planUpload(e Entry, dst Location, rootReal string, o TreeOptions) plan {
	in := UploadInput{Bucket: dst.Bucket, Key: dst.Prefix + e.Rel, ObjectAttributes: o.Attributes, ChecksumAlgorithm: o.ChecksumAlgorithm,
		NoOverwrite: o.NoOverwrite}
	if in.ContentType == "" && o.GuessContentType {
		in.ContentType = client.ContentTypeFor(e.Path)
	}
	pl := plan{obj: object{em: o.events(m), op: OpUpload, source: e.Path, dest: S3URL(in.Bucket, in.Key), size: e.Size}}
	if e.Err != nil {
		pl.skipErr = &SourceError{Path: e.Path, Err: e.Err}
		return pl
	}
	pl.task = func(ctx context.Context) (*Result, error) {
		if o.NoOverwrite {
			if err := m.mustNotExist(ctx, in.Bucket, in.Key); err != nil {
				return nil, err
			}
		}
		return m.uploadFile(ctx, e.Path, in, pl.obj.em)
	}
	return withRemoval(pl, o, func(context.Context) error { return removeInside(rootReal, e.Path) })
}

// SourceError is a local file a tree walk could not read; it is skipped.
type SourceError struct {
	Path string
	Err  error
	// Note, when set, says what else follows from it (sync --delete
	// deletes nothing an unreadable source directory may hold).
	Note string
}

// Error says which file was skipped and why.
func (e *SourceError) Error() string {
	msg := "skipping " + e.Path + ": " + e.Err.Error()
	if e.Note != "" {
		msg += "; " + e.Note
	}
	return msg
}

// Unwrap gives the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// planDownload plans the download of an object entry into the directory
// root, whose resolved path is rootReal; dirs remembers the directories
// already checked.
func (m *Manager) planDownload(e Entry, src Location, root string, dirs *dirCache, o TreeOptions) plan {
	pl := plan{obj: object{em: o.events(m), op: OpDownload, source: S3URL(src.Bucket, e.Key), size: e.Size}}
	path, err := LocalPath(root, e.Rel)
	if err != nil {
		pl.skipErr = err
		return pl
	}
	pl.obj.dest = path
	listed := &client.Object{Key: e.Key, Size: e.Size, ETag: e.ETag, LastModified: e.ModTime}
	pl.task = func(ctx context.Context) (*Result, error) {
		if err := dirs.prepare(root, filepath.Dir(path), e.Key, !o.Shard.whole()); err != nil {
			return nil, &earlyError{err}
		}
		if o.NoOverwrite {
			if _, err := os.Lstat(path); err == nil {
				return nil, errUnchanged
			}
		}
		return m.downloadFileEvents(ctx, DownloadInput{Bucket: src.Bucket, Key: e.Key, CustomerKey: o.SourceCustomerKey, Listed: listed}, path, pl.obj.em)
	}
	return withRemoval(pl, o, m.remover(src.Bucket, e.Key))
}

// remover deletes a source object after a move.
func (m *Manager) remover(bucket, key string) func(context.Context) error {
	return func(ctx context.Context) error {
		return m.withSlot(ctx, func() error { return m.c.DeleteObject(ctx, bucket, key, "") })
	}
}

// planCopy plans the copy of an object entry to dst.
func (m *Manager) planCopy(e Entry, src, dst Location, o TreeOptions) plan {
	in := CopyInput{SourceBucket: src.Bucket, SourceKey: e.Key, SourceCustomerKey: o.SourceCustomerKey,
		Listed: &client.Object{Key: e.Key, Size: e.Size, ETag: e.ETag}, MetadataDirective: o.MetadataDirective,
		KeepSourceProps: o.KeepSourceProps, TaggingDirective: o.TaggingDirective,
		Dest: UploadInput{Bucket: dst.Bucket, Key: dst.Prefix + e.Rel, ObjectAttributes: o.Attributes, NoOverwrite: o.NoOverwrite}}
	if in.Dest.ContentType == "" && o.GuessContentType && o.MetadataDirective == client.MetadataReplace && !o.KeepSourceProps {
		in.Dest.ContentType = client.ContentTypeFor(e.Key) // nothing of the source's is kept
	}
	pl := plan{obj: object{em: o.events(m), op: OpCopy, source: S3URL(src.Bucket, e.Key), dest: S3URL(in.Dest.Bucket, in.Dest.Key), size: e.Size}}
	pl.task = func(ctx context.Context) (*Result, error) {
		if o.NoOverwrite {
			if err := m.mustNotExist(ctx, in.Dest.Bucket, in.Dest.Key); err != nil {
				return nil, err
			}
		}
		return m.copyEvents(ctx, in, pl.obj.em)
	}
	return withRemoval(pl, o, m.remover(src.Bucket, e.Key))
}

// dirCache remembers the directories of a download tree that were found
// inside the root and created, so that each is checked once, not once per
// file: a tree of small files would otherwise spend its time in lstat.
type dirCache struct {
	rootReal string
	mu       sync.Mutex
	ok       map[string]bool
}

func newDirCache(rootReal string) *dirCache {
	return &dirCache{rootReal: rootReal, ok: map[string]bool{}}
}

// prepare checks that dir resolves inside the root and creates it. A
// sharded download (sharded) also refuses a dir reached through a symlink
// below root, the unresolved root: see checkNoLinks.
func (d *dirCache) prepare(root, dir, key string, sharded bool) error {
	d.mu.Lock()
	done := d.ok[dir]
	d.mu.Unlock()
	if done {
		return nil
	}
	if sharded {
		if err := checkNoLinks(root, dir, key); err != nil {
			return err
		}
	}
	if err := checkInside(d.rootReal, dir, key); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d.mu.Lock()
	d.ok[dir] = true
	d.mu.Unlock()
	return nil
}

// mustNotExist is --no-overwrite's HEAD: errUnchanged when the object is
// there, an earlyError when the HEAD failed.
func (m *Manager) mustNotExist(ctx context.Context, bucket, key string) error {
	_, err := m.head(ctx, DownloadInput{Bucket: bucket, Key: key})
	switch {
	case err == nil:
		return errUnchanged
	case errors.Is(err, client.ErrNoSuchKey):
		return nil
	}
	return &earlyError{err}
}

// earlyError is a task that failed before its transfer started, so no
// Failed event was emitted for it yet.
type earlyError struct{ err error }

func (e *earlyError) Error() string { return e.err.Error() }
func (e *earlyError) Unwrap() error { return e.err }

// isDirMarker reports whether an object is a zero-byte "folder/" marker,
// which downloads skip silently, as the console tools create them.
func isDirMarker(e Entry) bool { return strings.HasSuffix(e.Key, "/") && e.Size == 0 }
