package transfer

import (
	"context"
	"fmt"
	"iter"
	"path"
	"path/filepath"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// CollisionError is an object of a recursive download that was skipped
// because another object of the same download lands on the same local
// file ("dup//x", "dup/./x" and "dup/x" all name dup/x), or on a file its
// path needs as a directory ("a" beside "a/b"). One object never silently
// overwrites another; the first one listed with a clean name is kept.
type CollisionError struct {
	Key   string // the object not written
	Other string // the object that keeps the path
	Path  string // the local path they contend for
}

// Error names both objects and the path they contend for.
func (e *CollisionError) Error() string {
	return fmt.Sprintf("keys %q and %q would both be written to %s", e.Key, e.Other, e.Path)
}

func (*CollisionError) skipsEntry() {}

// ShardPathError is an object of a sharded recursive download that was
// not written because path cleaning moves it into a unit another shard owns
// ("./x" and "a/../x" land on x, which the shard of unit x writes and,
// with sync --delete, deletes as an extra). Neither shard writes the
// path, so the outcome does not depend on which shard runs first, and a
// move keeps the source. It fails the object (the shard's share is not
// done), where a CollisionError only skips it. Download such keys in an
// unsharded run.
type ShardPathError struct {
	Key   string // the object not written
	Path  string // the local path it would be written to
	Owner Shard  // the shard that owns Path
}

// Error names the object, the path and the shard that owns it.
func (e *ShardPathError) Error() string {
	return fmt.Sprintf("key %q would be written to %s, which shard %s owns; download it in an unsharded run (without --shard)", e.Key, e.Path, e.Owner)
}

// claims finds the objects of one download that collide on a local path,
// in memory that does not grow with the listing.
//
// A key that path cleaning leaves as it is ("dup/x") maps to a path no
// other such key has; the only collision between two of them is a file
// where a directory is needed ("a" and "a/b"). The listing is sorted, so
// the keys that start with "a" follow "a" without a gap: a stack of the
// keys that prefix the current one finds every such collision.
//
// A key that cleaning changes ("dup//x", "dup/./x", "a/../b", "d/") may
// land anywhere. Such keys are rare; they are held back until the rest of
// the listing is done and then checked with a few small listings against
// the keys of the whole prefix, so a clean key always keeps its path.
type claims struct {
	m      *Manager
	src    Location
	root   string // the destination directory
	o      TreeOptions
	open   []claim          // clean keys whose name prefixes the current key
	odd    map[string]claim // paths (and their directories) held by late keys
	parked []Entry          // keys that cleaning changes, in listing order
}

type claim struct {
	rel, key string
	dir      bool // a directory some key's path needs, not a file
}

func newClaims(m *Manager, src Location, root string, o TreeOptions) *claims {
	return &claims{m: m, src: src, root: root, o: o, odd: map[string]claim{}}
}

func (c *claims) collision(key, other, rel string) error {
	return &CollisionError{Key: key, Other: other, Path: filepath.Join(c.root, filepath.FromSlash(rel))}
}

// admit takes the next listed entry to download. It returns later when
// the entry is held back for late (its key's path is not clean), or the
// collision that skips it.
func (c *claims) admit(e Entry) (later bool, err error) {
	if _, err := LocalPath(".", e.Rel); err != nil {
		return false, nil // planDownload skips it with its UnsafeKeyError
	}
	if path.Clean(e.Rel) != e.Rel {
		c.parked = append(c.parked, e)
		return true, nil
	}
	for len(c.open) > 0 && !strings.HasPrefix(e.Rel, c.open[len(c.open)-1].rel) {
		c.open = c.open[:len(c.open)-1]
	}
	for _, o := range c.open {
		if strings.HasPrefix(e.Rel, o.rel+"/") {
			return false, c.collision(e.Key, o.key, o.rel)
		}
	}
	c.open = append(c.open, claim{rel: e.Rel, key: e.Key})
	return false, nil
}

// elsewhere fails a held-back entry whose cleaned path falls in another
// shard than its own key: by the partition (Shard.Of, as the listing and
// a sync's destination walk use it) that shard writes the path and
// deletes it as an extra, so this shard must not write it.
func (c *claims) elsewhere(e Entry) error {
	p, owner := path.Clean(e.Rel), c.o.Shard
	if owner.Index = owner.Of(p); owner.Index == c.o.Shard.Of(e.Rel) {
		return nil
	}
	return &earlyError{&ShardPathError{Key: e.Key, Path: filepath.Join(c.root, filepath.FromSlash(p)), Owner: owner}}
}

// late yields the held-back entries once the listing is done, each with
// the collision that skips it, the ShardPathError that fails it, or nil
// to download it. An error checking
// the prefix fails that entry.
func (c *claims) late(ctx context.Context) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for _, e := range c.parked {
			err := c.check(ctx, e)
			if err == nil {
				err = c.elsewhere(e)
			}
			if err == nil {
				c.hold(e)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// check looks for another key on a held-back entry's path p: a late key
// before it, a key named p, a key named like one of p's directories, or a
// key under p.
func (c *claims) check(ctx context.Context, e Entry) error {
	p := path.Clean(e.Rel)
	collision := func(other string) error { return c.collision(e.Key, other, p) }
	if o, ok := c.odd[p]; ok {
		return collision(o.key)
	}
	for _, dir := range parents(p) {
		if o, ok := c.odd[dir]; ok && !o.dir {
			return collision(o.key)
		}
	}
	for _, name := range append([]string{p}, parents(p)...) {
		other, err := c.named(ctx, c.src.Prefix+name)
		if other != "" || err != nil {
			return orCollision(err, other, collision)
		}
	}
	other, err := c.under(ctx, c.src.Prefix+p+"/", e.Key)
	return orCollision(err, other, collision)
}

func orCollision(err error, other string, collision func(string) error) error {
	if err != nil {
		return &earlyError{err}
	}
	if other != "" {
		return collision(other)
	}
	return nil
}

// named is key when this download would write the object of that name; ""
// when there is none. The first key listed from key is enough: the client
// checks that the listing is sorted, and key sorts before every other key
// it prefixes. A page may hold no key yet say the listing goes on (S3 may
// answer fewer keys than asked); the next one is read then.
func (c *claims) named(ctx context.Context, key string) (string, error) {
	for page, err := range c.m.c.ListObjects(ctx, client.ListObjectsInput{Bucket: c.src.Bucket, Prefix: key, MaxKeys: 1}) {
		if err != nil {
			return "", err
		}
		if len(page.Objects) == 0 {
			continue
		}
		if page.Objects[0].Key == key && c.writes(page.Objects[0]) {
			return key, nil
		}
		break // any other key sorts after key
	}
	return "", nil
}

// under is the first key under dir, other than except, that this download
// would write; "" when there is none. It reads page after page until it
// finds one, since the filter may drop every key of the first pages, and
// holds one page at a time.
func (c *claims) under(ctx context.Context, dir, except string) (string, error) {
	for page, err := range c.m.c.ListObjects(ctx, client.ListObjectsInput{Bucket: c.src.Bucket, Prefix: dir, MaxKeys: 1000}) {
		if err != nil {
			return "", err
		}
		for _, o := range page.Objects {
			if o.Key != except && c.writes(o) {
				return o.Key, nil
			}
		}
	}
	return "", nil
}

// writes reports whether this download would write o: the filter includes
// it and it is not a directory marker.
func (c *claims) writes(o client.Object) bool {
	e := entryOf(o, c.src.Prefix)
	return !isDirMarker(e) && c.o.Filter.Included(e.Rel)
}

// hold records a late key's path and the directories it needs.
func (c *claims) hold(e Entry) {
	p := path.Clean(e.Rel)
	c.odd[p] = claim{rel: p, key: e.Key}
	for _, dir := range parents(p) {
		if _, ok := c.odd[dir]; !ok {
			c.odd[dir] = claim{rel: dir, key: e.Key, dir: true}
		}
	}
}

// parents lists the directories of a relative slash path, nearest first.
func parents(p string) []string {
	var out []string
	for i := strings.LastIndex(p, "/"); i > 0; i = strings.LastIndex(p[:i], "/") {
		out = append(out, p[:i])
	}
	return out
}
