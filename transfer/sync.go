package transfer

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Sync makes dst hold what src holds: each side is read as a sorted
// stream (a local walk in key order, or a listing) and the two are walked
// side by side, so neither is ever held in memory and no object is HEADed.
// An entry is copied when it is missing from dst or, when both have it,
//
//   - by default: their sizes differ, or src's modification time is newer
//     than dst's (to the second) — so same-size edits are not missed; from
//     S3 to local, a newer object is first compared by MD5 with the
//     same-size file, which is left alone (and given the object's time)
//     when its bytes are the object's, so a round trip moves nothing;
//   - with SizeOnly: their sizes differ;
//   - with ExactTimestamps: their sizes or their times differ at all
//     (meaningful from S3 to local, where downloads take the object's time).
//
// With Delete, entries only dst has are deleted. Filters apply to both
// sides: an excluded destination entry is never deleted. Local to S3,
// S3 to local and S3 to S3 are supported.
//
// A deletion is decided only for an entry the source has verifiably
// passed: the source has yielded a later name, from a listing page whose
// next page was fetched and found in order too (or from its checked end);
// entries under a source directory that could not be read are never
// deleted. When either side fails to list, no deletion decided after the
// last one sent goes out: the batch still pending is dropped.
func (m *Manager) Sync(ctx context.Context, src, dst Location, o TreeOptions) (Summary, error) {
	if src.IsLocal() && dst.IsLocal() {
		return Summary{}, errors.New("sync needs at least one S3 side")
	}
	o = m.treeCall(o)
	s := &syncer{m: m, ctx: ctx, src: src, dst: dst, o: o, pool: m.newPool(), del: m.newDeleter(dst.Bucket, o)}
	if dst.IsLocal() {
		real, err := prepareRoot(dst.Local, o.DryRun)
		if err != nil {
			return Summary{}, err
		}
		s.dirs = newDirCache(real)
		s.claims = newClaims(m, src, dst.Local, o)
	}
	if src.IsLocal() && o.RemoveSource {
		var err error
		if s.srcReal, err = resolveRoot(src.Local); err != nil {
			return Summary{}, err
		}
	}
	err := s.run()
	if err == nil && ctx.Err() == nil && s.claims != nil {
		for e, skip := range s.claims.late(ctx) {
			s.settle(e, skip, nil)
		}
	}
	if err == nil { // a listing that failed may have misled the pending deletions
		err = s.del.flush(ctx)
	}
	sum, err := finishTree(ctx, s.pool, err)
	sum.Done += s.del.sum.Done
	sum.Failed += s.del.sum.Failed
	return sum, err
}

type syncer struct {
	m        *Manager
	ctx      context.Context
	src, dst Location
	o        TreeOptions
	pool     *pool
	del      *deleter
	dirs     *dirCache
	unread   unread  // source entries that could not be read: --delete keeps what they hide
	claims   *claims // downloads: keys that land on one local path
	srcReal  string  // a local source's resolved root, when sources are removed
}

// side reads one location as a filtered, sorted stream.
type side struct {
	next func() (Entry, error, bool)
	cur  Entry
	ok   bool
}

func (s *syncer) open(l Location, isDst bool) (*side, func()) {
	var seq iter.Seq2[Entry, error]
	switch {
	case l.IsLocal() && isDst:
		// Links in the destination are entries of their own whatever
		// FollowSymlinks says: --delete removes a link, never its target.
		seq = ignoreMissingRoot(localTree(s.ctx, l.Local, s.o, true))
	case l.IsLocal():
		seq = localTree(s.ctx, l.Local, s.o, false)
	default:
		seq = s.m.listTreeAhead(s.ctx, l, s.o.Shard)
	}
	next, stop := iter.Pull2(seq)
	return &side{next: next}, stop
}

// advance moves to the next entry the filter keeps.
func (sd *side) advance(s *syncer, isDst bool) error {
	for {
		e, err, ok := sd.next()
		if err != nil {
			sd.ok = false
			return err
		}
		sd.cur, sd.ok = e, ok
		if ok && !isDst && e.Err != nil {
			// Recorded as read, before the filter: an excluded
			// unreadable directory may still hide included entries.
			// Read ahead of the merge is early enough, as the list
			// only grows and protects only what sorts after the entry.
			s.unread.add(e.Rel)
		}
		if !ok || s.o.Filter.Included(e.Rel) && !(!isDst && isDirMarker(e)) {
			return nil
		}
	}
}

func (s *syncer) run() error {
	a, stopA := s.open(s.src, false)
	defer stopA()
	b, stopB := s.open(s.dst, true)
	defer stopB()
	if err := a.advance(s, false); err != nil {
		return err
	}
	if err := b.advance(s, true); err != nil {
		return err
	}
	for a.ok || b.ok {
		if s.ctx.Err() != nil {
			return s.ctx.Err()
		}
		if err := s.pool.stopped(); err != nil {
			return err
		}
		var err error
		switch {
		case b.ok && (!a.ok || b.cur.Rel < a.cur.Rel):
			err = s.extra(b.cur)
			if err == nil {
				err = b.advance(s, true)
			}
		case a.ok && (!b.ok || a.cur.Rel < b.cur.Rel):
			s.take(a.cur, nil)
			err = a.advance(s, false)
		default:
			s.take(a.cur, &b.cur)
			if err = a.advance(s, false); err == nil {
				err = b.advance(s, true)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// take handles a source entry that dst (nil: none) may hold already. A
// download first settles whether the key lands on the path of another
// (see claims): such keys are skipped, or held back for the end.
func (s *syncer) take(src Entry, dst *Entry) {
	var skip error
	if s.claims != nil {
		var later bool
		if later, skip = s.claims.admit(src); later {
			return
		}
	}
	s.settle(src, skip, dst)
}

// settle skips a source entry with skip, or compares it with dst, or
// copies it.
func (s *syncer) settle(src Entry, skip error, dst *Entry) {
	switch {
	case skip != nil:
		pl := s.m.planDownload(src, s.src, s.dst.Local, s.dirs, s.o)
		pl.task, pl.skipErr = nil, skip
		s.m.submit(s.ctx, s.pool, pl, s.o)
	case dst != nil:
		s.compare(src, *dst)
	default:
		s.copy(src)
	}
}

// compare copies src over dst when the sync rule says dst is out of date.
// A symbolic link in the destination is replaced by the file, as rsync
// replaces it: its own size and time say nothing about the object.
func (s *syncer) compare(src, dst Entry) {
	if src.Err != nil || dst.Err != nil || dst.Symlink || needsCopy(src, dst, s.o) && !s.sameBytes(src, dst) {
		s.copy(src)
		return
	}
	s.pool.mu.Lock()
	s.pool.sum.Unchanged++
	s.pool.mu.Unlock()
}

func needsCopy(src, dst Entry, o TreeOptions) bool {
	if src.Size != dst.Size {
		return true
	}
	if o.SizeOnly {
		return false
	}
	st, dt := src.ModTime.Truncate(time.Second), dst.ModTime.Truncate(time.Second)
	if o.ExactTimestamps {
		return !st.Equal(dt)
	}
	return st.After(dt)
}

// copy moves one source entry to the destination.
func (s *syncer) copy(e Entry) {
	var pl plan
	switch {
	case s.src.IsLocal():
		pl = s.m.planUpload(e, s.dst, s.srcReal, s.o)
		if se, ok := pl.skipErr.(*SourceError); ok && s.o.Delete {
			se.Note = keptNote(e.Rel)
		}
	case s.dst.IsLocal():
		pl = s.m.planDownload(e, s.src, s.dst.Local, s.dirs, s.o)
	default:
		pl = s.m.planCopy(e, s.src, s.dst, s.o)
	}
	s.m.submit(s.ctx, s.pool, pl, s.o)
}

// extra handles an entry only the destination has.
func (s *syncer) extra(e Entry) error {
	if !s.o.Delete || e.Err != nil || s.unread.hides(e.Rel) {
		return nil
	}
	if !s.dst.IsLocal() {
		return s.del.add(s.ctx, e)
	}
	obj := object{em: s.o.events(s.m), op: OpDelete, source: e.Path, size: e.Size}
	obj.emit(Queued, 0, nil, nil)
	if s.o.DryRun {
		s.pool.dryRun(obj)
		return nil
	}
	err := removeInside(s.dirs.rootReal, e.Path)
	s.pool.count(obj, &Result{Op: OpDelete, Source: e.Path, Size: e.Size}, asEarly(err))
	if err == nil {
		obj.emit(Done, 0, nil, &Result{Op: OpDelete, Source: e.Path, Size: e.Size})
	}
	return nil
}

func asEarly(err error) error {
	if err == nil {
		return nil
	}
	return &earlyError{err}
}

// ignoreMissingRoot makes a destination directory that does not exist yet
// read as empty.
func ignoreMissingRoot(seq iter.Seq2[Entry, error]) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for e, err := range seq {
			if errors.Is(err, fs.ErrNotExist) {
				return
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// listTreeAhead is ListTree reading one page ahead: a page's entries are
// yielded only once the page after it has been fetched and passed the
// listing's checks (a page that goes back, repeats or leaves the prefix
// fails them). Sync decides deletions from where the listings have got
// to, so a listing going wrong is caught before the page it discredits is
// acted on. It holds two pages.
func (m *Manager) listTreeAhead(ctx context.Context, l Location, sh Shard) iter.Seq2[Entry, error] {
	return listEntries(pagesAhead(m.listPages(ctx, l.Bucket, l.Prefix, sh)), l.Prefix)
}

func pagesAhead(pages iter.Seq2[*client.ObjectPage, error]) iter.Seq2[*client.ObjectPage, error] {
	return func(yield func(*client.ObjectPage, error) bool) {
		next, stop := iter.Pull2(pages)
		defer stop()
		page, err, ok := next()
		for ok {
			if err != nil {
				yield(nil, err)
				return
			}
			after, aerr, aok := next()
			if aerr != nil {
				yield(nil, aerr) // the page after failed: this one is not used either
				return
			}
			if !yield(page, nil) {
				return
			}
			page, err, ok = after, aerr, aok
		}
	}
}

// unread is the Rels of the source entries that could not be read (an
// unreadable directory, a symbolic link loop, a broken link): a
// destination entry that is one of them, or lies under one, is never
// deleted, as the source may well hold it. The root ("") hides everything.
type unread []string

func (u *unread) add(rel string) {
	*u = append(*u, strings.TrimSuffix(rel, "/"))
}

// hides reports whether the destination entry rel must be kept. As the
// destination is read in key order, an entry passed for good (every key
// under it sorts before its name + "0", "0" following "/") is dropped, so
// the list holds only those the destination has not got past.
func (u *unread) hides(rel string) bool {
	*u = slices.DeleteFunc(*u, func(p string) bool { return p != "" && rel >= p+"0" })
	return slices.ContainsFunc(*u, func(p string) bool {
		return p == "" || rel == p || strings.HasPrefix(rel, p+"/")
	})
}

// keptNote is what --delete does about a source entry it could not read.
func keptNote(rel string) string {
	switch {
	case rel == "":
		return "the source cannot be read, so --delete deletes nothing"
	case strings.HasSuffix(rel, "/"):
		return "--delete keeps what the destination holds under it"
	}
	return ""
}
