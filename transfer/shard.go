package transfer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"strconv"
	"strings"
)

// Shard is one of Count processes that together do one tree operation,
// each given its Index (a CI matrix, a Kubernetes Indexed Job, a Slurm
// array), without talking to each other. Every entry of the tree belongs
// to exactly one shard, by a pure function of its relative key (Rel: the
// path below the local root, or the key after the S3 prefix):
//
//	unit  = Rel up to and including its Depth-th "/" (Rel itself when it has fewer)
//	shard = FNV-1a 64 (hash/fnv, New64a) of unit's UTF-8 bytes, modulo Count
//
// With ByKey the unit is Rel itself. The function depends on nothing but
// the key, Count, Depth and ByKey, so it is the same on every machine, OS
// and release, whatever the bucket holds at the time: an object is done
// by one shard or, if it appears after its shard has listed past it, by
// none — never by two. A local tree and a listing are partitioned alike,
// so a sync's two sides agree and `sync --delete` deletes only its own
// shard's extras.
//
// Grouping by the first path segments is what lets a shard skip most of
// an S3 listing: every key under an unowned "directory" at Depth belongs
// to another shard, so that directory is never listed (and a local one
// never walked). The cost is balance: a unit is never split, so a tree
// with fewer units than shards, or one huge unit, leaves shards idle.
// ByKey spreads keys evenly, but every shard then lists everything.
type Shard struct {
	Index int
	Count int
	// Depth is how many leading path segments of Rel form the unit that
	// is hashed; 0 means 1.
	Depth int
	// ByKey hashes every key on its own.
	ByKey bool
}

// ParseShard reads "I/N" (0 <= I < N), as --shard takes it.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, errors.New("want I/N, e.g. 0/4")
	}
	index, err := strconv.Atoi(i)
	if err != nil {
		return Shard{}, fmt.Errorf("the index %q is not a number", i)
	}
	count, err := strconv.Atoi(n)
	if err != nil {
		return Shard{}, fmt.Errorf("the count %q is not a number", n)
	}
	sh := Shard{Index: index, Count: count}
	return sh, sh.Validate()
}

// Validate reports a shard that cannot be: a count below 1, an index
// outside 0 to Count-1, a negative depth.
func (s Shard) Validate() error {
	switch {
	case s.Count < 1:
		return fmt.Errorf("the count must be 1 or more, not %d", s.Count)
	case s.Index < 0 || s.Index >= s.Count:
		return fmt.Errorf("the index must be 0 to %d (counting from 0), not %d", s.Count-1, s.Index)
	case s.Depth < 0:
		return fmt.Errorf("the depth must be 0 or more, not %d", s.Depth)
	}
	return nil
}

// whole reports whether the shard is the whole tree (the zero value, or 0/1).
func (s Shard) whole() bool { return s.Count <= 1 }

// String is "I/N", as ParseShard reads it.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Of returns the shard, 0 to Count-1, that the entry with this relative
// key belongs to.
func (s Shard) Of(rel string) int {
	if s.whole() {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(s.unit(rel)))
	return int(h.Sum64() % uint64(s.Count))
}

// Owns reports whether the entry with this relative key belongs to s.
func (s Shard) Owns(rel string) bool { return s.whole() || s.Of(rel) == s.Index }

func (s Shard) depth() int { return max(s.Depth, 1) }

// unit is the part of rel that is hashed.
func (s Shard) unit(rel string) string {
	if s.ByKey {
		return rel
	}
	if dir, ok := leadingDirs(rel, s.depth()); ok {
		return dir
	}
	return rel
}

// leadingDirs returns rel up to and including its n-th "/", and whether
// it has that many.
func leadingDirs(rel string, n int) (string, bool) {
	end := 0
	for range n {
		i := strings.IndexByte(rel[end:], '/')
		if i < 0 {
			return "", false
		}
		end += i + 1
	}
	return rel[:end], true
}

// mayHold reports whether the directory dir ("" or ending in "/", relative
// to the root) may hold entries of s: false only when dir is as deep as a
// unit, so that all it holds belongs to one other shard.
func (s Shard) mayHold(dir string) bool {
	if s.whole() || s.ByKey || strings.Count(dir, "/") < s.depth() {
		return true
	}
	return s.Owns(dir)
}

// keeps reports whether s takes a tree entry: an entry it owns, or a
// problem (an unreadable directory, a symlink loop) in a directory that
// may hold its entries, which each shard concerned must know of (sync
// --delete keeps what an unreadable source directory hides).
func (s Shard) keeps(e Entry) bool {
	if s.Owns(e.Rel) {
		return true
	}
	if e.Err == nil {
		return false
	}
	dir := e.Rel
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	return s.mayHold(dir)
}

// localTree walks one shard of a local source (as WalkLocal) or
// destination (as WalkDestination): directories that hold only other
// shards' entries are not read.
func localTree(ctx context.Context, root string, o TreeOptions, isDst bool) iter.Seq2[Entry, error] {
	links := sourceLinks(o.FollowSymlinks)
	if isDst {
		links = linksAsEntries
	}
	sh := o.Shard
	if sh.whole() {
		return walk(ctx, root, links, nil)
	}
	skip := func(dir string) bool { return !sh.mayHold(dir) }
	return keepEntries(walk(ctx, root, links, skip), sh)
}

// keepEntries yields the entries of seq that the shard keeps.
func keepEntries(seq iter.Seq2[Entry, error], sh Shard) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for e, err := range seq {
			if err == nil && !sh.keeps(e) {
				continue
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// s3Tree lists one shard of an S3 tree.
func (m *Manager) s3Tree(ctx context.Context, l Location, o TreeOptions) iter.Seq2[Entry, error] {
	return listEntries(m.listPages(ctx, l.Bucket, l.Prefix, o.Shard), l.Prefix)
}
