package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// blobStore holds immutable object and part bodies under opaque IDs. Bodies
// are written once (create → write → commit) and never modified, so readers
// never need the store lock while streaming.
type blobStore interface {
	create() (blobWriter, error)
	open(id string) (io.ReadSeekCloser, error)
	remove(id string)
	list() ([]string, error)
}

type blobWriter interface {
	io.Writer
	commit() (id string, err error)
	abort()
}

func newBlobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// memBlobs keeps bodies in memory (no data directory).
type memBlobs struct {
	mu    sync.RWMutex
	blobs map[string][]byte
}

func newMemBlobs() *memBlobs { return &memBlobs{blobs: map[string][]byte{}} }

type memWriter struct {
	store *memBlobs
	buf   bytes.Buffer
}

func (m *memBlobs) create() (blobWriter, error) { return &memWriter{store: m}, nil }

func (w *memWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *memWriter) abort()                      { w.buf = bytes.Buffer{} }

func (w *memWriter) commit() (string, error) {
	id := newBlobID()
	w.store.mu.Lock()
	w.store.blobs[id] = w.buf.Bytes()
	w.store.mu.Unlock()
	return id, nil
}

type nopSeekCloser struct{ *bytes.Reader }

func (nopSeekCloser) Close() error { return nil }

func (m *memBlobs) open(id string) (io.ReadSeekCloser, error) {
	m.mu.RLock()
	b, ok := m.blobs[id]
	m.mu.RUnlock()
	if !ok {
		return nil, os.ErrNotExist
	}
	return nopSeekCloser{bytes.NewReader(b)}, nil
}

func (m *memBlobs) remove(id string) {
	m.mu.Lock()
	delete(m.blobs, id)
	m.mu.Unlock()
}

func (m *memBlobs) list() ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ids := make([]string, 0, len(m.blobs))
	for id := range m.blobs {
		ids = append(ids, id)
	}
	return ids, nil
}

// diskBlobs keeps each body in its own file. A body is written to a temporary
// name and renamed on commit, so a crash never leaves a half-written blob
// under a name that a record could point to.
type diskBlobs struct{ dir string }

func newDiskBlobs(dir string) (*diskBlobs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &diskBlobs{dir: dir}, nil
}

type diskWriter struct {
	dir string
	f   *os.File
}

func (d *diskBlobs) create() (blobWriter, error) {
	f, err := os.CreateTemp(d.dir, "tmp-*")
	if err != nil {
		return nil, err
	}
	return &diskWriter{dir: d.dir, f: f}, nil
}

func (w *diskWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *diskWriter) abort() {
	_ = w.f.Close()
	_ = os.Remove(w.f.Name())
}

func (w *diskWriter) commit() (string, error) {
	if err := w.f.Close(); err != nil {
		_ = os.Remove(w.f.Name())
		return "", err
	}
	id := newBlobID()
	if err := os.Rename(w.f.Name(), filepath.Join(w.dir, id)); err != nil {
		_ = os.Remove(w.f.Name())
		return "", err
	}
	return id, nil
}

func (d *diskBlobs) open(id string) (io.ReadSeekCloser, error) {
	if !validBlobID(id) {
		return nil, os.ErrNotExist
	}
	return os.Open(filepath.Join(d.dir, id))
}

func (d *diskBlobs) remove(id string) {
	if validBlobID(id) {
		_ = os.Remove(filepath.Join(d.dir, id))
	}
}

// list returns committed blob IDs and deletes leftovers of interrupted writes.
func (d *diskBlobs) list() ([]string, error) {
	entries, err := os.ReadDir(d.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "tmp-") {
			_ = os.Remove(filepath.Join(d.dir, e.Name()))
			continue
		}
		ids = append(ids, e.Name())
	}
	return ids, nil
}

// validBlobID keeps IDs read back from disk from escaping the blob directory.
func validBlobID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}
