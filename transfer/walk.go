package transfer

import (
	"context"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Entry is one file of a local tree or one object of an S3 prefix.
type Entry struct {
	// Rel is the path below the tree's root, slash-separated; for an
	// object, its key without the listed prefix.
	Rel     string
	Size    int64
	ModTime time.Time
	ETag    string // objects only
	Path    string // files only: the path to open
	Key     string // objects only: the full key
	// Symlink marks a symbolic link listed as an entry of its own, as a
	// destination walk lists them (see WalkDestination): never followed.
	Symlink bool
	// Err is set for an entry that cannot be transferred (an unreadable
	// directory, a broken symlink, a socket); it is skipped with this error.
	Err error
}

// ErrNotRegular is the Err of a tree entry that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// WalkLocal yields the files under root in S3 key order (byte order of
// their slash-separated relative paths), so that a local tree can be
// compared with a listing in one pass. Symlinks are followed when follow
// is set (loops are reported, not followed) and ignored otherwise.
// qcli's own download temporaries (see IsTempName) are left out: they are
// never uploaded or counted. Directories are read one at a time: memory
// grows with the depth of the tree and the size of its directories, not
// with the number of files.
func WalkLocal(ctx context.Context, root string, follow bool) iter.Seq2[Entry, error] {
	return walk(ctx, root, sourceLinks(follow), nil)
}

// sourceLinks is how a source walk treats symbolic links.
func sourceLinks(follow bool) linkMode {
	if follow {
		return followLinks
	}
	return skipLinks
}

// WalkDestination yields the entries of a directory that is about to be
// written to, in the order of WalkLocal, for deciding what to replace or
// delete. A symbolic link is an entry of its own (Symlink set) and is never
// followed, wherever it points: deleting it means deleting the link, as
// rsync does, so nothing outside root is ever reached, and no file is seen
// twice through a link to a directory inside root.
func WalkDestination(ctx context.Context, root string) iter.Seq2[Entry, error] {
	return walk(ctx, root, linksAsEntries, nil)
}

// linkMode is how a walk treats symbolic links.
type linkMode int

const (
	skipLinks      linkMode = iota // a source walk without --follow-symlinks
	followLinks                    // a source walk with --follow-symlinks
	linksAsEntries                 // a destination walk
)

// walk walks root, leaving out, unread, the directories skip names (by
// their Rel with a trailing "/"); skip may be nil.
func walk(ctx context.Context, root string, links linkMode, skip func(dir string) bool) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		info, err := os.Stat(root)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		w := walker{ctx: ctx, links: links, yield: yield, skip: skip}
		w.dir(root, "", []os.FileInfo{info})
	}
}

type walker struct {
	ctx   context.Context
	links linkMode
	yield func(Entry, error) bool
	skip  func(dir string) bool
}

type dirent struct {
	sortKey string // the name, with "/" after a directory's, so order matches keys
	name    string
	info    os.FileInfo
	err     error
}

// dir walks one directory; it returns false when the walk must stop.
func (w *walker) dir(path, rel string, ancestors []os.FileInfo) bool {
	if err := w.ctx.Err(); err != nil {
		w.yield(Entry{}, err)
		return false
	}
	ents, err := w.read(path)
	if err != nil {
		return w.yield(Entry{Rel: rel, Path: path, Err: err}, nil)
	}
	for _, d := range ents {
		p := filepath.Join(path, d.name)
		switch {
		case d.err != nil:
			if !w.yield(Entry{Rel: rel + d.name, Path: p, Err: d.err}, nil) {
				return false
			}
		case d.info.IsDir() && w.skip != nil && w.skip(rel+d.name+"/"):
		case d.info.IsDir():
			if slices.ContainsFunc(ancestors, func(a os.FileInfo) bool { return os.SameFile(a, d.info) }) {
				if !w.yield(Entry{Rel: rel + d.name, Path: p, Err: errors.New("symlink loop")}, nil) {
					return false
				}
				continue
			}
			if !w.dir(p, rel+d.name+"/", append(ancestors, d.info)) {
				return false
			}
		default:
			if !w.yield(w.file(p, rel+d.name, d.info), nil) {
				return false
			}
		}
	}
	return true
}

func (w *walker) file(path, rel string, info os.FileInfo) Entry {
	e := Entry{Rel: rel, Path: path, Size: info.Size(), ModTime: info.ModTime()}
	switch {
	case info.Mode()&os.ModeSymlink != 0:
		e.Symlink = true
	case !info.Mode().IsRegular():
		e.Err = ErrNotRegular
	}
	return e
}

// read lists a directory sorted in key order, its symlinks followed,
// dropped or listed as they are, by the walk's linkMode.
func (w *walker) read(path string) ([]dirent, error) {
	des, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	out := make([]dirent, 0, len(des))
	for _, de := range des {
		d := dirent{name: de.Name()}
		if IsTempName(d.name) {
			continue
		}
		switch {
		case de.Type()&os.ModeSymlink == 0 || w.links == linksAsEntries:
			d.info, d.err = de.Info() // a link's own (lstat) information
		case w.links == followLinks:
			d.info, d.err = os.Stat(filepath.Join(path, d.name))
		default:
			continue
		}
		d.sortKey = d.name
		if d.err == nil && d.info.IsDir() {
			d.sortKey += "/"
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b dirent) int { return strings.Compare(a.sortKey, b.sortKey) })
	return out, nil
}

// ListTree yields the objects under prefix in key order, page by page
// (Options.PageSize keys a request, Options.ListConcurrency requests at
// once: see List), with Rel the key after prefix.
func (m *Manager) ListTree(ctx context.Context, bucket, prefix string) iter.Seq2[Entry, error] {
	return listEntries(m.listPages(ctx, bucket, prefix, Shard{}), prefix)
}

// listPages is the listing of one shard of a tree.
func (m *Manager) listPages(ctx context.Context, bucket, prefix string, sh Shard) iter.Seq2[*client.ObjectPage, error] {
	return list(ctx, m.c, ListInput{Bucket: bucket, Prefix: prefix, PageSize: m.opts.PageSize, Concurrency: m.opts.ListConcurrency, Shard: sh})
}

// listEntries yields the objects of a listing's pages as entries.
func listEntries(pages iter.Seq2[*client.ObjectPage, error], prefix string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for page, err := range pages {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, o := range page.Objects {
				if !yield(entryOf(o, prefix), nil) {
					return
				}
			}
		}
	}
}

func entryOf(o client.Object, prefix string) Entry {
	return Entry{Rel: strings.TrimPrefix(o.Key, prefix), Key: o.Key, Size: o.Size, ModTime: o.LastModified, ETag: o.ETag}
}
