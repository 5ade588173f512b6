package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// persister mirrors the store's metadata into the data directory as small JSON
// files written by rename, so every file is either old or new, never torn.
// Layout:
//
//	blobs/<id>                      object and part bodies
//	buckets/<name>.json             Bucket
//	objects/<blob id>.json          Object (named by its blob: unique)
//	objects/marker-<seq>.json       Object that is a delete marker (no blob)
//	uploads/<upload id>/upload.json Upload
//	uploads/<upload id>/part-N.json Part
//
// A nil *persister is the in-memory mode: every method is a no-op.
type persister struct{ dir string }

func newPersister(dir string) (*persister, error) {
	for _, sub := range []string{"buckets", "objects", "uploads"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	return &persister{dir: dir}, nil
}

func (p *persister) writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (p *persister) bucketPath(name string) string {
	return filepath.Join(p.dir, "buckets", name+".json")
}

func (p *persister) objectPath(o *Object) string {
	name := o.Blob
	if o.DeleteMarker {
		name = "marker-" + strconv.FormatUint(o.Seq, 10)
	}
	return filepath.Join(p.dir, "objects", name+".json")
}

func (p *persister) uploadDir(id string) string {
	return filepath.Join(p.dir, "uploads", id)
}

func (p *persister) saveBucket(b *Bucket) error {
	if p == nil {
		return nil
	}
	return p.writeJSON(p.bucketPath(b.Name), b)
}

func (p *persister) removeBucket(name string) {
	if p != nil {
		_ = os.Remove(p.bucketPath(name))
	}
}

func (p *persister) saveObject(o *Object) error {
	if p == nil {
		return nil
	}
	return p.writeJSON(p.objectPath(o), o)
}

func (p *persister) removeObject(o *Object) {
	if p != nil {
		_ = os.Remove(p.objectPath(o))
	}
}

func (p *persister) saveUpload(u *Upload) error {
	if p == nil {
		return nil
	}
	if err := os.MkdirAll(p.uploadDir(u.ID), 0o700); err != nil {
		return err
	}
	return p.writeJSON(filepath.Join(p.uploadDir(u.ID), "upload.json"), u)
}

func (p *persister) savePart(uploadID string, part *Part) error {
	if p == nil {
		return nil
	}
	name := fmt.Sprintf("part-%d.json", part.Number)
	return p.writeJSON(filepath.Join(p.uploadDir(uploadID), name), part)
}

func (p *persister) removeUpload(id string) {
	if p != nil {
		_ = os.RemoveAll(p.uploadDir(id))
	}
}

// loadedState is everything read back from DataDir, before reconciliation.
type loadedState struct {
	buckets []*Bucket
	objects []*Object
	uploads []*Upload
}

func (p *persister) load() (*loadedState, error) {
	st := &loadedState{}
	if err := readJSONDir(filepath.Join(p.dir, "buckets"), func() any { return &Bucket{} }, func(v any) {
		st.buckets = append(st.buckets, v.(*Bucket))
	}); err != nil {
		return nil, err
	}
	if err := readJSONDir(filepath.Join(p.dir, "objects"), func() any { return &Object{} }, func(v any) {
		st.objects = append(st.objects, v.(*Object))
	}); err != nil {
		return nil, err
	}
	uploads, err := p.loadUploads()
	st.uploads = uploads
	return st, err
}

func (p *persister) loadUploads() ([]*Upload, error) {
	entries, err := os.ReadDir(filepath.Join(p.dir, "uploads"))
	if err != nil {
		return nil, err
	}
	var out []*Upload
	for _, e := range entries {
		u, err := p.loadUpload(e.Name())
		if err != nil {
			p.removeUpload(e.Name()) // unreadable: the upload never got going
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

func (p *persister) loadUpload(id string) (*Upload, error) {
	dir := p.uploadDir(id)
	data, err := os.ReadFile(filepath.Join(dir, "upload.json"))
	if err != nil {
		return nil, err
	}
	u := &Upload{}
	if err := json.Unmarshal(data, u); err != nil {
		return nil, err
	}
	u.Parts = map[int]*Part{}
	err = readJSONDir(dir, func() any { return &Part{} }, func(v any) {
		part := v.(*Part)
		u.Parts[part.Number] = part
	})
	return u, err
}

// readJSONDir decodes every *.json file in dir except upload.json. Files
// that do not decode are skipped (and kept, for inspection); temporary files
// of interrupted writes are deleted.
func readJSONDir(dir string, alloc func() any, add func(any)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			_ = os.Remove(filepath.Join(dir, name)) // an interrupted writeJSON
			continue
		}
		if e.IsDir() || !strings.HasSuffix(name, ".json") || name == "upload.json" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		v := alloc()
		if json.Unmarshal(data, v) == nil {
			add(v)
		}
	}
	return nil
}
