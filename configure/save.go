package configure

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File modes. The directory and the credentials file are private to the
// user; an existing config file keeps its mode minus any write bits for
// others, so a deliberate 0644 stays readable.
const (
	dirMode         fs.FileMode = 0o700
	credentialsMode fs.FileMode = 0o600
	newConfigMode   fs.FileMode = 0o600
	maxConfigMode   fs.FileMode = 0o644
)

// Save writes the files changed by Set, creating the directory (mode 0700)
// if needed. Each file is replaced atomically: written to a temporary file
// in the same directory, synced, then renamed over the old one, so a crash
// leaves either the old file or the new one, never half of each. Profiles,
// settings and comments that Set did not touch are kept.
func (f *Files) Save() error {
	for _, file := range []*iniFile{f.config, f.credentials} {
		if !file.dirty {
			continue
		}
		if err := os.MkdirAll(f.dir, dirMode); err != nil {
			return fmt.Errorf("cannot create %s: %v; check that its parent is writable, or set %s", f.dir, unwrapPath(err), DirEnv)
		}
		if err := file.save(); err != nil {
			return err
		}
	}
	return nil
}

func (f *iniFile) save() error {
	data, err := f.encode()
	if err != nil {
		return fmt.Errorf("cannot save %s: %w; edit it by hand, writing that value on one line without leading quotes", f.path, err)
	}
	if err := writeAtomic(f.path, data, f.mode()); err != nil {
		return fmt.Errorf("cannot save %s: %v; check that %s is writable", f.path, err, filepath.Dir(f.path))
	}
	f.dirty = false
	return nil
}

func (f *iniFile) mode() fs.FileMode {
	if f.kind == CredentialsFile {
		return credentialsMode
	}
	if fi, err := os.Stat(f.path); err == nil {
		return fi.Mode().Perm() & maxConfigMode
	}
	return newConfigMode
}

// writeAtomic replaces path with data. A symlinked path (dotfile managers)
// is followed, so the link survives and its target is what changes.
func writeAtomic(path string, data []byte, mode fs.FileMode) (err error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return unwrapPath(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// The mode is set before any data is written, so a secret is never
	// readable by others, not even briefly.
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes the rename itself durable. It is best effort: some
// systems (Windows) cannot sync a directory, and the data is safe already.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
