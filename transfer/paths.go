package transfer

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// UnsafeKeyError is a key that would be written outside the download's
// destination directory (../x, /etc/x, a/../../x), or that no file can be
// named after (a NUL byte). The object is skipped; the rest goes on.
type UnsafeKeyError struct {
	Key    string
	Reason string
}

// Error names the key and why it was refused.
func (e *UnsafeKeyError) Error() string {
	return fmt.Sprintf("refusing to download %q: %s", e.Key, e.Reason)
}

// LocalPath is where the object with the relative key rel goes under
// root. It refuses a rel that is absolute, holds a NUL, or whose ".."
// components climb out of root; "a/../b" stays inside and is allowed.
func LocalPath(root, rel string) (string, error) {
	switch {
	case rel == "":
		return "", &UnsafeKeyError{Key: rel, Reason: "the key names the directory itself"}
	case strings.ContainsRune(rel, 0):
		return "", &UnsafeKeyError{Key: rel, Reason: "the key holds a NUL byte"}
	case strings.HasPrefix(rel, "/"):
		return "", &UnsafeKeyError{Key: rel, Reason: "the key is an absolute path"}
	}
	if runtime.GOOS == "windows" {
		// "\" and "C:" mean something to Windows paths that they do not in keys.
		if strings.ContainsAny(rel, `\:`) {
			return "", &UnsafeKeyError{Key: rel, Reason: `the key holds \ or :, which Windows reads as a path`}
		}
	}
	clean := path.Clean(rel)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", &UnsafeKeyError{Key: rel, Reason: "the key climbs out of the destination with .."}
	}
	if clean == "." {
		return "", &UnsafeKeyError{Key: rel, Reason: "the key names the directory itself"}
	}
	return filepath.Join(root, filepath.FromSlash(clean)), nil
}

// checkInside makes sure that the directory a file is about to be written
// in resolves, through any symlinks already there, to a place inside
// root, so that a symlink planted in the destination cannot carry a
// download elsewhere. It looks at the deepest directory that exists; the
// ones MkdirAll will create under it are real directories.
func checkInside(rootReal, dir, key string) error {
	existing, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for {
		_, err := os.Lstat(existing)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return err
	}
	if r, err := filepath.Rel(rootReal, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return &UnsafeKeyError{Key: key, Reason: "a symlink in the destination leads outside it"}
	}
	return nil
}

// checkNoLinks refuses a directory dir below root that is reached through
// a symbolic link between root and dir (root itself may be one). A sharded
// download needs this: the destination walk lists a link "name" in the unit
// "name", while the keys "name/x" are in the unit "name/", so one shard
// would write name/x through the link into its target, another delete the
// link as an extra, and a third find the target's file up to date, leaving
// the target's file overwritten and name/x missing. One process deletes
// the link before it downloads, so a whole download keeps following links
// that stay inside the root. Components that do not exist yet are created
// by MkdirAll as real directories.
func checkNoLinks(root, dir, key string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return err
	}
	at := root
	for _, name := range strings.Split(rel, string(filepath.Separator)) {
		at = filepath.Join(at, name)
		fi, err := os.Lstat(at)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil
		case err != nil:
			return err
		case fi.Mode()&os.ModeSymlink != 0:
			return &ShardLinkError{Key: key, Link: at}
		}
	}
	return nil
}

// ShardLinkError is an object a sharded download refused to write because
// its path passes through a symbolic link in the destination, which
// another shard may delete as an extra or whose target another shard
// writes. Nothing is written; the object counts as failed.
type ShardLinkError struct {
	Key  string
	Link string // the link, as a path under the destination
}

// Error names the key and the link, and says how to proceed.
func (e *ShardLinkError) Error() string {
	return fmt.Sprintf("refusing to download %q through the symbolic link %s: shards may delete the link or write its target; remove the link or run unsharded", e.Key, e.Link)
}

// removeInside deletes one entry of a local tree whose root resolves to
// rootReal: the file, or the symbolic link itself, never what a link
// points to. The directory holding it must resolve inside the root, so
// that a file reached through a link to a directory elsewhere is never
// removed.
func removeInside(rootReal, path string) error {
	if err := checkInside(rootReal, filepath.Dir(path), path); err != nil {
		return &OutsideError{Path: path}
	}
	return os.Remove(path)
}

// OutsideError is a local file a tree operation would have removed although
// it lies outside the tree, reached through a symbolic link to a directory
// elsewhere. It is kept; the entry counts as skipped.
type OutsideError struct {
	Path string
}

// Error says which file was kept and why.
func (e *OutsideError) Error() string {
	return fmt.Sprintf("not removing %s: it is reached through a symbolic link out of the tree", e.Path)
}
