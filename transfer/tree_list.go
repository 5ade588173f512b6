package transfer

import (
	"cmp"
	"context"
	"errors"
	"iter"
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
	// Concurrency is how many listing requests are in flight at once; 1
	// (or 0) lists sequentially.
	Concurrency int
	// Shard keeps the keys of one shard (by their key after Prefix), and
	// lists only the parts of the bucket that may hold them.
	Shard Shard
}

// How far List looks for places to split a listing: levels deeper than
// maxSplitDepth below the prefix are not opened to find more, and at most
// splitBudget x Concurrency delimiter listings are spent on finding them.
const (
	maxSplitDepth = 3
	splitBudget   = 4
)

// List yields the objects under in.Prefix page by page in key order, as
// one client.ListObjects without a delimiter would, but with up to
// in.Concurrency requests in flight: S3 lists 1,000 keys a request, one
// request after the other, which bounds how fast one listing can go.
//
// The first page is fetched as a plain listing; a prefix it holds whole
// costs that one request. Beyond it, the key space is split where
// delimiter ("/") listings show it has "directories": a run of
// consecutive common prefixes is listed as one key range (StartAfter the
// key before it, cut after the first key of the next run), and a level
// with fewer common prefixes than in.Concurrency has each of them opened
// in turn. The ranges are listed in parallel and their pages yielded in
// order, so the result is exactly the sequential listing's, page
// boundaries aside. A bucket or prefix with no "/" below it cannot be
// split and is listed sequentially (its delimiter listing is the listing).
//
// Every page still comes from client.ListObjects, with all its checks.
// An error ends the iteration at the place in key order where it
// happened: everything before it has been yielded, nothing after.
// Memory: about three pages per request in flight.
//
// With in.Shard set, only its keys are yielded; the delimiter listings
// then also skip every directory at the shard depth that belongs to
// another shard, so a shard lists about 1/Count of a bucket whose units
// are many (see Shard).
func List(ctx context.Context, c *client.Client, in ListInput) iter.Seq2[*client.ObjectPage, error] {
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
		sh := in.Shard
		last := first.NextContinuationToken == ""
		floor := ""
		if n := len(first.Objects); n > 0 {
			floor = first.Objects[n-1].Key
		}
		first = keepPage(first, func(key string) bool { return sh.Owns(key[len(in.Prefix):]) })
		if len(first.Objects) > 0 && !yield(first, nil) || last {
			return
		}
		l := newLister(ctx, c, in, floor)
		l.run(yield)
	}
}

// keepPage returns the page with only the objects keep keeps.
func keepPage(page *client.ObjectPage, keep func(key string) bool) *client.ObjectPage {
	out := &client.ObjectPage{Objects: make([]client.Object, 0, len(page.Objects))}
	for _, o := range page.Objects {
		if keep(o.Key) {
			out.Objects = append(out.Objects, o)
		}
	}
	return out
}

// lister splits one listing into segments, runs those that must be
// listed on up to in.Concurrency goroutines, and yields the segments'
// pages in order. A producer goroutine walks the delimiter listings and
// emits segments in key order; the consumer drains them one after the
// other.
type lister struct {
	c      *client.Client
	in     ListInput
	ctx    context.Context
	cancel context.CancelFunc
	floor  string // keys up to it were yielded from the first page
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

func newLister(ctx context.Context, c *client.Client, in ListInput, floor string) *lister {
	ctx, cancel := context.WithCancel(ctx)
	return &lister{c: c, in: in, ctx: ctx, cancel: cancel, floor: floor,
		segs: make(chan *segment, in.Concurrency), tokens: make(chan struct{}, in.Concurrency),
		splits: splitBudget * in.Concurrency}
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
// prefix that sort after after ("" from the start) and, when hi is set,
// not after hi.
type span struct {
	prefix, after, hi string
	hasHi             bool
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
	seg := &segment{pages: make(chan pageResult, 1)}
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
	for page, err := range l.c.ListObjects(l.ctx, in) {
		if err != nil {
			send(pageResult{err: err})
			return false
		}
		end := false
		page = keepPage(page, func(key string) bool {
			end = end || sp.hasHi && key > sp.hi
			return !end && l.owns(key)
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

// How a level's common prefixes are listed.
type levelMode int

const (
	ranges levelMode = iota // runs of prefixes as key ranges, in parallel
	open                    // each prefix opened with a delimiter listing of its own
	whole                   // each prefix listed whole, in parallel (a shard's units)
)

// walk emits the segments of the keys under q, depth levels below the
// listing's prefix, from a delimiter listing of q.
func (l *lister) walk(q string, depth int) error {
	var (
		mode  levelMode
		keys  []client.Object // keys of q's level waiting to be emitted
		run   int             // prefixes in the range being gathered
		after string          // the range starts after it
	)
	flushKeys := func() error {
		err := l.inline(keys)
		keys = nil
		return err
	}
	in := client.ListObjectsInput{Bucket: l.in.Bucket, Prefix: q, Delimiter: "/", MaxKeys: l.in.PageSize}
	in.StartAfter = l.startIn(q)
	first := true
	for page, err := range l.c.ListObjects(l.ctx, in) {
		if err != nil {
			return err
		}
		if first {
			mode, first = l.mode(page, depth), false
		}
		// A range gathers up to perRange prefixes, so that a page's
		// prefixes make about Concurrency ranges.
		perRange := max(1, (len(page.CommonPrefixes)+l.in.Concurrency-1)/l.in.Concurrency)
		for e := range merged(page) {
			if !e.IsPrefix {
				if mode == ranges && run > 0 {
					// The range ends with this key, so it is listed there.
					if err := l.listSpan(span{prefix: q, after: after, hi: e.Key, hasHi: true}); err != nil {
						return err
					}
					run = 0
				} else if e.Key > l.floor && l.owns(e.Key) {
					keys = append(keys, e)
				}
				after = e.Key
				continue
			}
			if err := flushKeys(); err != nil {
				return err
			}
			p := e.Key
			switch {
			case mode == ranges:
				if run == perRange {
					// Cut after p itself: a key equal to p ("dir/") sorts
					// before everything else under it.
					if err := l.listSpan(span{prefix: q, after: after, hi: p, hasHi: true}); err != nil {
						return err
					}
					after, run = p, 0
				}
				run++
			case l.before(p) || !l.in.Shard.mayHold(p[len(l.in.Prefix):]):
				// yielded already, or another shard's
			case mode == open:
				if err := l.walk(p, depth+1); err != nil {
					return err
				}
			default:
				if err := l.listSpan(span{prefix: p}); err != nil {
					return err
				}
			}
		}
		if err := flushKeys(); err != nil {
			return err
		}
	}
	if run > 0 {
		return l.listSpan(span{prefix: q, after: after})
	}
	return nil
}

// mode decides, from a level's first page, how its prefixes are listed.
// A shard opens every level above its units and lists its units whole.
// A level with too few prefixes to keep the workers busy has each opened
// to find more when it fits one page, as far as maxSplitDepth and the
// budget allow, else listed whole (a range cut short costs a page of keys
// read past its end; a prefix listed whole ends where it ends). A level
// with more is listed in ranges of a few prefixes each.
func (l *lister) mode(page *client.ObjectPage, depth int) levelMode {
	sh := l.in.Shard
	sharded := !sh.whole() && !sh.ByKey
	if sharded && depth+1 < sh.depth() {
		return open
	}
	n := 0 // the prefixes that would be opened
	for _, p := range page.CommonPrefixes {
		if !l.before(p) && sh.mayHold(p[len(l.in.Prefix):]) {
			n++
		}
	}
	few := page.NextContinuationToken == "" && n < l.in.Concurrency
	if few && l.in.Concurrency > 1 && depth < maxSplitDepth && l.splits >= n {
		l.splits -= n
		return open
	}
	if sharded && depth+1 == sh.depth() || len(page.CommonPrefixes) <= l.in.Concurrency {
		return whole
	}
	return ranges
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
