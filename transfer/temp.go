package transfer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// A download is written to a temporary file beside its target, named
// ".<target>.qcli-<pid>-<random>", and renamed onto the target once
// verified. The process's ID in the name lets a later run tell a temporary
// file whose download is still going on from one left by a process that
// was killed (kill -9, a power cut), which nothing else would ever remove.

// StaleTempAge is the age (time since the last write) past which a download
// temporary is stale even if a process with its ID is running: the ID may
// have been reused, and temporaries of older qcli versions carry none.
const StaleTempAge = 24 * time.Hour

const tempMarker = ".qcli-"

// maxTempBase keeps a temporary's name within the 255 bytes most file
// systems allow, however long the target's name.
const maxTempBase = 200

// IsTempName reports whether a file name is that of a download temporary
// (".name.qcli-123-456", or ".name.qcli-123" from older versions). Walks
// leave such files out, so sync and recursive uploads never upload,
// compare, count or delete them.
func IsTempName(name string) bool {
	i := strings.LastIndex(name, tempMarker)
	if i < 1 || name[0] != '.' {
		return false
	}
	pid, random, found := strings.Cut(name[i+len(tempMarker):], "-")
	return allDigits(pid) && (!found || allDigits(random))
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// tempOwner is the process ID in a temporary's name, if it has one.
func tempOwner(name string) (int, bool) {
	pid, _, found := strings.Cut(name[strings.LastIndex(name, tempMarker)+len(tempMarker):], "-")
	if !found {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	return n, err == nil
}

// CreateTemp creates the temporary file a download to target is written
// in, beside target (so that the final rename stays on one file system),
// readable as an ordinary download (0644, not CreateTemp's 0600). It first
// removes the stale temporaries in that directory (RemoveStaleTemps), as
// far as it may: one it cannot remove (another user's, in a shared
// directory such as /tmp) is left there and does not fail the download.
func CreateTemp(target string) (*os.File, error) {
	return new(tempDirs).create(target)
}

// tempDirs is the one rule for when a directory is swept of stale
// temporaries: before the first temporary created in it, so a tree of
// thousands of files in one directory reads that directory once. The sweep
// is housekeeping: whatever it could not remove, the download goes on. A
// Manager keeps one for its life; CreateTemp, which creates one file, uses
// a fresh one. The zero value is ready and safe for concurrent use.
type tempDirs struct {
	swept sync.Map // directories already swept
}

// create is CreateTemp, sweeping target's directory if t has not yet.
func (t *tempDirs) create(target string) (*os.File, error) {
	dir := filepath.Dir(target)
	if _, swept := t.swept.LoadOrStore(dir, true); !swept {
		_ = RemoveStaleTemps(dir) // what it left is retried by the next run, not the next file
	}
	return newTemp(target)
}

func newTemp(target string) (*os.File, error) {
	base := filepath.Base(target)
	if len(base) > maxTempBase {
		base = base[:maxTempBase]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+base+tempMarker+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, err
	}
	_ = f.Chmod(0o644)
	return f, nil
}

// RemoveStaleTemps removes the download temporaries in dir whose process
// has ended (kill -9 left them), or that nothing has written to for
// StaleTempAge. Temporaries of this process and of other running downloads
// are left alone. A directory that does not exist has none. A temporary
// that cannot be removed is passed over, and the others still removed; the
// error then names every one left.
func RemoveStaleTemps(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	now := time.Now()
	var left []error
	for _, de := range ents {
		if !de.Type().IsRegular() || !IsTempName(de.Name()) {
			continue
		}
		info, err := de.Info()
		if err != nil || !staleTemp(de.Name(), info.ModTime(), now) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, de.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			left = append(left, err)
		}
	}
	return errors.Join(left...)
}

// staleTemp decides whether a temporary's download has ended for good.
func staleTemp(name string, modTime, now time.Time) bool {
	pid, ok := tempOwner(name)
	if ok && pid == os.Getpid() {
		return false
	}
	if ok && !processRunning(pid) {
		return true
	}
	return now.Sub(modTime) > StaleTempAge
}
