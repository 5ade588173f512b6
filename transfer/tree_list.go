package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/quilibrium/qcli/client"
)

// ListInput selects what List yields.
type ListInput struct {
	Bucket string
	Prefix string // used as given: "photos/" or a partial "pho"
	// PageSize is the keys each request asks for, 1 to 1,000. Default 1,000.
	PageSize int32
	// Concurrency is how many ranges are listed at once (besides the
	// delimiter listing that finds them); 1 (or 0) lists sequentially.
	Concurrency int
	// Shard keeps the keys of one shard (by their key after Prefix), and
	// lists only the parts of the bucket that may hold them.
	Shard Shard
}

// How List splits a listing. A worker reads up to segmentPages pages
// ahead of the consumer, so ranges are sized to about that many pages:
// a worker then finishes its range before the consumer gets to it. A
// common prefix estimated to hold a page or more is listed on its own.
// Levels deeper than maxSplitDepth are not opened to find more prefixes,
// and at most splitBudget x Concurrency delimiter listings are spent on
// opening them.
const (
	segmentPages  = 4
	maxSplitDepth = 3
	splitBudget   = 4
)

// List yields the objects under in.Prefix page by page in key order, as
// one client.ListObjects without a delimiter would, but with up to
// in.Concurrency ranges listed at once: S3 lists 1,000 keys a request, one
// request after the other, which bounds how fast one listing can go.
//
// The first page is fetched as a plain listing; a prefix it holds whole
// costs that one request. Beyond it, the key space is split where
// delimiter ("/") listings show it has "directories": a common prefix
// estimated (from the first page, then from what was listed) to hold a
// page or more is listed on its own; smaller neighbours are gathered into
// one key range of about segmentPages pages (StartAfter the key before
// it, cut where the next piece starts); a level with fewer common
// prefixes than in.Concurrency has each opened in turn to find more. The
// pieces are listed in parallel, each read up to segmentPages pages
// ahead, and their pages yielded in order, so the result is exactly the
// sequential listing's, page boundaries aside. A bucket or prefix with
// no "/" below it cannot be split and is listed sequentially (its
// delimiter listing is the listing).
//
// Every page still comes from client.ListObjects, with all its checks.
// An error ends the iteration at the place in key order where it
// happened: everything before it has been yielded, nothing after.
// Memory: about segmentPages+2 pages per piece in flight.
//
// With in.Shard set, only its keys are yielded; the delimiter listings
// then also skip every directory at the shard depth that belongs to
// another shard, so a shard lists about 1/Count of a bucket whose units
// are many (see Shard).
func List(ctx context.Context, c *client.Client, in ListInput) iter.Seq2[*client.ObjectPage, error] {
	return list(ctx, c, in)
}

// pageLister is the one call of the client that List makes: the Manager's
// s3API, or a *client.Client.
type pageLister interface {
	ListObjects(ctx context.Context, in client.ListObjectsInput) iter.Seq2[*client.ObjectPage, error]
}

// list is List over any pageLister.
func list(ctx context.Context, c pageLister, in ListInput) iter.Seq2[*client.ObjectPage, error] {
	if in.PageSize <= 0 || in.PageSize > 1000 {
		in.PageSize = 1000
	}
	in.Concurrency = max(in.Concurrency, 1)
	return func(yield func(*client.ObjectPage, error) bool) {
		plain := c.ListObjects(ctx, client.ListObjectsInput{Bucket: in.Bucket, Prefix: in.Prefix, MaxKeys: in.PageSize})
		if in.Concurrency == 1 && in.Shard.whole() {
			for page, err := range plain {
				if !yield(page, err) || err != nil {
					return
				}
			}
			return
		}
		var first *client.ObjectPage
		for page, err := range plain {
			if err != nil {
				yield(nil, err)
				return
			}
			first = page
			break
		}
		if first == nil {
			return
		}
		sh, listed := in.Shard, slices.Clone(first.Objects) // for the size estimates
		last := first.NextContinuationToken == ""
		floor := ""
		if n := len(first.Objects); n > 0 {
			floor = first.Objects[n-1].Key
		}
		first = keepPage(first, func(key string) bool { return sh.Owns(key[len(in.Prefix):]) })
		if len(first.Objects) > 0 && !yield(first, nil) || last {
			return
		}
		l := newLister(ctx, c, in, listed, floor)
		l.run(inOrder(floor, yield))
	}
}

// keepPage drops from a page, in place, the objects keep does not keep.
func keepPage(page *client.ObjectPage, keep func(key string) bool) *client.ObjectPage {
	page.Objects = slices.DeleteFunc(page.Objects, func(o client.Object) bool { return !keep(o.Key) })
	return page
}

// lister splits one listing into segments, runs those that must be
// listed on up to in.Concurrency goroutines, and yields the segments'
// pages in order. A producer goroutine walks the delimiter listings and
// emits segments in key order; the consumer drains them one after the
// other.
type lister struct {
	c      pageLister
	in     ListInput
	ctx    context.Context
	cancel context.CancelFunc
	floor  string // keys up to it were yielded from the first page
	sizes  *sizes
	segs   chan *segment
	tokens chan struct{} // one per listing in flight
	wg     sync.WaitGroup
	splits int   // delimiter listings left for finding splits
	err    error // the producer's; read after segs is closed
}

// segment is one piece of the listing in key order: keys a delimiter
// listing returned, or a range or prefix listed by a worker.
type segment struct {
	pages    chan pageResult
	complete bool // set before pages is closed, when nothing was cut short
}

type pageResult struct {
	page *client.ObjectPage
	err  error
}

func newLister(ctx context.Context, c pageLister, in ListInput, first []client.Object, floor string) *lister {
	ctx, cancel := context.WithCancel(ctx)
	return &lister{c: c, in: in, ctx: ctx, cancel: cancel, floor: floor, sizes: newSizes(first, in.Prefix),
		segs: make(chan *segment, in.Concurrency), tokens: make(chan struct{}, in.Concurrency),
		splits: splitBudget * in.Concurrency}
}

// inOrder passes pages on to yield while their keys keep rising from
// after; a key that does not is an error and ends the listing. The pieces
// are listed apart and joined here, and what a sync deletes is decided on
// this order: a key yielded twice or out of place must stop the command,
// never reach a deletion.
func inOrder(after string, yield func(*client.ObjectPage, error) bool) func(*client.ObjectPage, error) bool {
	return func(page *client.ObjectPage, err error) bool {
		if err != nil {
			return yield(nil, err)
		}
		for _, o := range page.Objects {
			if o.Key <= after {
				yield(nil, fmt.Errorf("listing in parallel: key %q came after %q, out of order (a qcli bug; --list-concurrency 1 avoids it)", o.Key, after))
				return false
			}
			after = o.Key
		}
		return yield(page, nil)
	}
}

// errCutShort is what a segment that ended without completing reports;
// it is replaced by the context's error, which is why it ended.
var errCutShort = errors.New("listing cut short")

// run starts the producer and yields every segment's pages in order.
func (l *lister) run(yield func(*client.ObjectPage, error) bool) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(l.segs)
		l.err = l.walk(l.in.Prefix, 0)
	}()
	defer l.wg.Wait()
	defer l.cancel()
	for seg := range l.segs {
		for r := range seg.pages {
			if r.err != nil {
				yield(nil, r.err)
				return
			}
			if !yield(r.page, nil) {
				return
			}
		}
		if !seg.complete {
			yield(nil, cmp.Or(l.ctx.Err(), errCutShort))
			return
		}
	}
	if l.err != nil {
		yield(nil, l.err)
	} else if err := l.ctx.Err(); err != nil {
		yield(nil, err) // the producer may have stopped early without an error of its own
	}
}

// emit queues a segment; false when the listing has been stopped.
func (l *lister) emit(seg *segment) bool {
	select {
	case l.segs <- seg:
		return true
	case <-l.ctx.Done():
		return false
	}
}

// inline emits keys a delimiter listing returned as a segment of their own.
func (l *lister) inline(objs []client.Object) error {
	if len(objs) == 0 {
		return nil
	}
	seg := &segment{pages: make(chan pageResult, 1), complete: true}
	seg.pages <- pageResult{page: &client.ObjectPage{Objects: objs}}
	close(seg.pages)
	if !l.emit(seg) {
		return l.ctx.Err()
	}
	return nil
}

// span is a range of keys to list without a delimiter: those under
// prefix that sort after after ("" from the start), not before from, and,
// when hasHi is set, before hi (up to hi itself with hiIncluded).
//
// from and an open hi are what keep neighbouring ranges apart: a range of
// a level's common prefixes runs from its first prefix p up to the next
// entry q, and holds exactly the keys k with p <= k < q. The request
// cannot say "from p" (StartAfter is exclusive, and the key just before p
// cannot be spelt), and "after p without its slash" is not it: names that
// continue with a byte below "/" ("x-s/", "x.old/" beside "x/") sort
// between the two, under another entry.
type span struct {
	prefix, after, from, hi string
	hasHi, hiIncluded       bool
	// prefixes is how many common prefixes found at depth the span
	// covers, for the size estimates.
	depth, prefixes int
}

// listSpan emits a segment for sp and starts a worker listing it, once
// fewer than in.Concurrency are running.
func (l *lister) listSpan(sp span) error {
	sp.after = max(sp.after, l.floor)
	if sp.hasHi && sp.hi <= sp.after {
		return nil // yielded with the first page already
	}
	select {
	case l.tokens <- struct{}{}:
	case <-l.ctx.Done():
		return l.ctx.Err()
	}
	seg := &segment{pages: make(chan pageResult, segmentPages)}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer func() { <-l.tokens }()
		defer close(seg.pages)
		seg.complete = l.fill(seg, sp)
	}()
	if !l.emit(seg) {
		return l.ctx.Err()
	}
	return nil
}

// fill lists sp into seg; it reports whether it got to the end.
func (l *lister) fill(seg *segment, sp span) bool {
	send := func(r pageResult) bool {
		select {
		case seg.pages <- r:
			return true
		case <-l.ctx.Done():
			return false
		}
	}
	in := client.ListObjectsInput{Bucket: l.in.Bucket, Prefix: sp.prefix, StartAfter: sp.after, MaxKeys: l.in.PageSize}
	listed := 0
	defer func() { l.sizes.add(sp.depth, sp.prefixes, listed) }()
	for page, err := range l.c.ListObjects(l.ctx, in) {
		if err != nil {
			send(pageResult{err: err})
			return false
		}
		end := false
		page = keepPage(page, func(key string) bool {
			end = end || sp.past(key)
			mine := !end && key >= sp.from
			if mine {
				listed++
			}
			return mine && l.owns(key)
		})
		if len(page.Objects) > 0 && !send(pageResult{page: page}) {
			return false
		}
		if end {
			break
		}
	}
	return l.ctx.Err() == nil
}

// past reports whether key, and every key after it, is beyond sp's end.
func (sp span) past(key string) bool {
	return sp.hasHi && (key > sp.hi || key == sp.hi && !sp.hiIncluded)
}

func (l *lister) owns(key string) bool { return l.in.Shard.Owns(key[len(l.in.Prefix):]) }

// startIn is where the delimiter listing of q starts (after), so as not
// to list again what the first page held: at floor's entry at q's level,
// the key itself or its "directory" without the slash. So the listing
// starts after a name of its own level; a start inside a common prefix
// would leave each server to decide whether to return that prefix.
// Everything up to there sorts before floor.
func (l *lister) startIn(q string) string {
	if !strings.HasPrefix(l.floor, q) {
		return ""
	}
	if i := strings.IndexByte(l.floor[len(q):], '/'); i >= 0 {
		return l.floor[:len(q)+i]
	}
	return l.floor
}

// before reports whether every key under the common prefix p was
// yielded with the first page.
func (l *lister) before(p string) bool { return p < l.floor && !strings.HasPrefix(l.floor, p) }

// walk emits the segments of the keys under q, depth levels below the
// listing's prefix, from a delimiter listing of q.
func (l *lister) walk(q string, depth int) error {
	lv := &level{l: l, q: q, depth: depth}
	in := client.ListObjectsInput{Bucket: l.in.Bucket, Prefix: q, Delimiter: "/", MaxKeys: l.in.PageSize, StartAfter: l.startIn(q)}
	first := true
	for page, err := range l.c.ListObjects(l.ctx, in) {
		if err != nil {
			return err
		}
		if first {
			lv.open, first = l.opens(page, depth), false
		}
		for e := range merged(page) {
			if e.IsPrefix {
				err = lv.prefix(e.Key)
			} else {
				err = lv.key(e)
			}
			if err != nil {
				return err
			}
			lv.last = e.Key
		}
		if err := lv.flushKeys(); err != nil {
			return err
		}
	}
	return lv.cut("", false, false)
}

// opens decides, from a level's first page, whether each of its prefixes
// is opened with a delimiter listing of its own: always above a shard's
// units; and when the level fits one page with too few prefixes to keep
// the workers busy, as far as maxSplitDepth and the budget allow.
func (l *lister) opens(page *client.ObjectPage, depth int) bool {
	sh := l.in.Shard
	if l.sharded() && depth+1 < sh.depth() {
		return true
	}
	n := 0 // the prefixes that would be opened
	for _, p := range page.CommonPrefixes {
		if !l.before(p) && sh.mayHold(p[len(l.in.Prefix):]) {
			n++
		}
	}
	if page.NextContinuationToken == "" && n < l.in.Concurrency && l.in.Concurrency > 1 && depth < maxSplitDepth && l.splits >= n {
		l.splits -= n
		return true
	}
	return false
}

// sharded reports whether the listing skips other shards' units.
func (l *lister) sharded() bool { return !l.in.Shard.whole() && !l.in.Shard.ByKey }

// level is the walk of one delimiter listing: its keys are emitted as
// they come, and each of its common prefixes is opened, listed whole, or
// gathered with its neighbours into a range of keys.
type level struct {
	l     *lister
	q     string
	depth int
	open  bool
	keys  []client.Object // keys waiting to be emitted
	after string          // the last key of the level so far
	last  string          // the last entry, key or common prefix
	// The range being gathered: its estimated keys (0: none), prefixes,
	// and where it starts: its first prefix (runFrom), listed after
	// runAfter.
	runKeys, runPrefixes int
	runAfter, runFrom    string
}

func (lv *level) flushKeys() error {
	err := lv.l.inline(lv.keys)
	lv.keys = nil
	return err
}

// key handles a key of the level: it ends a range being gathered, which
// lists it, or is emitted with its neighbours.
func (lv *level) key(e client.Object) error {
	defer func() { lv.after = e.Key }()
	if lv.runKeys > 0 {
		return lv.cut(e.Key, true, true) // the range lists e too
	}
	if e.Key > lv.l.floor && lv.l.owns(e.Key) {
		lv.keys = append(lv.keys, e)
	}
	return nil
}

// prefix decides how the keys under the common prefix p are listed.
func (lv *level) prefix(p string) error {
	l := lv.l
	if err := lv.flushKeys(); err != nil {
		return err
	}
	if l.before(p) || !l.in.Shard.mayHold(p[len(l.in.Prefix):]) {
		return lv.cut(p, true, false) // yielded already, or another shard's
	}
	rangeKeys := segmentPages * int(l.in.PageSize)
	est := l.sizes.perPrefix(lv.depth)
	switch {
	case lv.open:
		if err := lv.cut(p, true, false); err != nil {
			return err
		}
		return l.walk(p, lv.depth+1)
	case est == 0 || est >= int(l.in.PageSize) || l.sharded() && lv.depth+1 == l.in.Shard.depth():
		if err := lv.cut(p, true, false); err != nil {
			return err
		}
		return l.listSpan(span{prefix: p, depth: lv.depth, prefixes: 1})
	}
	if lv.runKeys > 0 && lv.runKeys+est > rangeKeys {
		if err := lv.cut(p, true, false); err != nil {
			return err
		}
	}
	if lv.runKeys == 0 && lv.last > below(p) {
		// The entry before p sorts between p without its slash and p
		// ("x-s/" before "x/"): a range starting at p would list its keys
		// again only to drop them; p alone lists none of them.
		return l.listSpan(span{prefix: p, depth: lv.depth, prefixes: 1})
	}
	if lv.runKeys == 0 {
		// Listed from after the level's last key (emitted already) or
		// p without its slash, whichever is later; keys before p that
		// this still lists are another entry's, and dropped (span.from).
		lv.runAfter, lv.runFrom, lv.runPrefixes = max(lv.after, below(p)), p, 0
	}
	lv.runKeys, lv.runPrefixes = lv.runKeys+est, lv.runPrefixes+1
	return nil
}

// cut lists the range being gathered, if any: up to hi (hi itself
// included or not) or, without hi, to the end of the level.
func (lv *level) cut(hi string, hasHi, included bool) error {
	if lv.runKeys == 0 {
		return nil
	}
	lv.runKeys = 0
	return lv.l.listSpan(span{prefix: lv.q, after: lv.runAfter, from: lv.runFrom, hi: hi, hasHi: hasHi, hiIncluded: included,
		depth: lv.depth, prefixes: lv.runPrefixes})
}

// below is the common prefix p without its slash: every key under p sorts
// after it; so may keys of earlier entries ("x-s/k" and "x.old" beside
// "x/"), which is why a range also has a from.
func below(p string) string { return p[:len(p)-1] }

// sizes estimates how many keys a common prefix at each depth below the
// listing's prefix holds: from the first page at first (the prefixes it
// shows whole), then from the ranges and prefixes listed, the latest
// counting most, since neighbouring prefixes tend to be alike.
type sizes struct {
	mu     sync.Mutex
	first  []client.Object // the first page
	prefix string
	est    map[int]int // depth: keys per prefix; 0 unknown
}

func newSizes(first []client.Object, prefix string) *sizes {
	return &sizes{first: first, prefix: prefix, est: map[int]int{}}
}

// add folds in a listed range of prefixes at depth that held keys.
func (s *sizes) add(depth, prefixes, keys int) {
	if prefixes == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := max(keys/prefixes, 1)
	if old := s.est[depth]; old > 0 {
		n = (old + n + 1) / 2
	}
	s.est[depth] = n
}

// perPrefix is the estimated keys of a prefix at depth; 0 when unknown.
func (s *sizes) perPrefix(depth int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.est[depth]; ok {
		return n
	}
	// The first page's keys of each prefix at depth; the last prefix may
	// go on past the page, so it counts only when alone (then as at
	// least what the page holds).
	var counts []int
	last := ""
	for _, o := range s.first {
		p, ok := leadingDirs(o.Key[len(s.prefix):], depth+1)
		if !ok {
			continue
		}
		if p != last || len(counts) == 0 {
			counts, last = append(counts, 0), p
		}
		counts[len(counts)-1]++
	}
	n := 0
	switch len(counts) {
	case 0:
	case 1:
		n = counts[0]
	default:
		for _, c := range counts[:len(counts)-1] {
			n += c
		}
		n /= len(counts) - 1
	}
	s.est[depth] = n
	return n
}

// merged yields a delimiter page's keys and common prefixes (IsPrefix
// set) in key order, as the service sorted them before splitting them in
// two lists.
func merged(page *client.ObjectPage) iter.Seq[client.Object] {
	return func(yield func(client.Object) bool) {
		objs, prefixes := page.Objects, page.CommonPrefixes
		for len(objs) > 0 || len(prefixes) > 0 {
			var e client.Object
			if len(prefixes) == 0 || len(objs) > 0 && objs[0].Key < prefixes[0] {
				e, objs = objs[0], objs[1:]
			} else {
				e, prefixes = client.Object{Key: prefixes[0], IsPrefix: true}, prefixes[1:]
			}
			if !yield(e) {
				return
			}
		}
	}
}
