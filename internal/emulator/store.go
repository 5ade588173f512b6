package emulator

import (
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"
)

// The store is the emulator's object store: buckets, objects, multipart
// uploads, their bodies (blobs) and, with a data directory, their
// persistence. Records are replaced, never mutated, so a pointer read under
// the lock is a consistent snapshot after the lock is released.

type bucketRecord struct {
	Name    string
	Created time.Time
	HasTags bool    // distinguishes "no tag set" (NoSuchTagSet) from an empty one
	Tags    []tag   `json:",omitempty"`
	ACL     []grant `json:",omitempty"` // nil: private
}

type objectRecord struct {
	Bucket    string
	Key       string
	Blob      string
	Size      int64
	ETag      string // quoted, "md5" or "md5-N" for multipart objects
	Meta      map[string]string
	Modified  time.Time
	PartSizes []int64 `json:",omitempty"` // multipart objects: for GET ?partNumber
	Tags      []tag   `json:",omitempty"`
	ACL       []grant `json:",omitempty"`
	Seq       uint64  // orders two records for one key after a crash
}

type bucketState struct {
	rec     *bucketRecord
	objects map[string]*objectRecord
	keys    []string // sorted, for listing
}

func (b *bucketState) set(o *objectRecord) {
	if _, ok := b.objects[o.Key]; !ok {
		i, _ := slices.BinarySearch(b.keys, o.Key)
		b.keys = slices.Insert(b.keys, i, o.Key)
	}
	b.objects[o.Key] = o
}

func (b *bucketState) remove(key string) *objectRecord {
	o, ok := b.objects[key]
	if !ok {
		return nil
	}
	delete(b.objects, key)
	if i, found := slices.BinarySearch(b.keys, key); found {
		b.keys = slices.Delete(b.keys, i, i+1)
	}
	return o
}

type store struct {
	mu      sync.RWMutex
	buckets map[string]*bucketState
	uploads map[string]*uploadRecord
	seq     uint64

	blobs blobStore
	disk  *persister // nil in memory mode
	now   func() time.Time
}

func newStore(dataDir string, now func() time.Time) (*store, error) {
	s := &store{
		buckets: map[string]*bucketState{},
		uploads: map[string]*uploadRecord{},
		now:     now,
	}
	if dataDir == "" {
		s.blobs = newMemBlobs()
		return s, nil
	}
	blobs, err := newDiskBlobs(filepath.Join(dataDir, "blobs"))
	if err != nil {
		return nil, err
	}
	s.blobs = blobs
	if s.disk, err = newPersister(dataDir); err != nil {
		return nil, err
	}
	return s, s.load()
}

// load rebuilds the index from DataDir and deletes whatever an interrupted
// write left behind: records without bodies, bodies without records, and the
// older of two records for one key.
func (s *store) load() error {
	st, err := s.disk.load()
	if err != nil {
		return err
	}
	ids, err := s.blobs.list()
	if err != nil {
		return err
	}
	present := map[string]bool{}
	for _, id := range ids {
		present[id] = true
	}
	used := map[string]bool{}
	for _, b := range st.buckets {
		s.buckets[b.Name] = &bucketState{rec: b, objects: map[string]*objectRecord{}}
	}
	s.loadObjects(st.objects, present, used)
	s.loadUploads(st.uploads, present, used)
	for _, id := range ids {
		if !used[id] {
			s.blobs.remove(id)
		}
	}
	return nil
}

func (s *store) loadObjects(objs []*objectRecord, present, used map[string]bool) {
	sort.Slice(objs, func(i, j int) bool { return objs[i].Seq < objs[j].Seq })
	for _, o := range objs {
		s.seq = max(s.seq, o.Seq)
		b := s.buckets[o.Bucket]
		if b == nil || !present[o.Blob] {
			s.disk.removeObject(o)
			continue
		}
		if old := b.remove(o.Key); old != nil {
			s.disk.removeObject(old)
			used[old.Blob] = false
		}
		b.set(o)
		used[o.Blob] = true
	}
}

func (s *store) loadUploads(ups []*uploadRecord, present, used map[string]bool) {
	for _, u := range ups {
		if s.buckets[u.Bucket] == nil {
			s.disk.removeUpload(u.ID)
			continue
		}
		for n, p := range u.Parts {
			if !present[p.Blob] {
				delete(u.Parts, n)
				continue
			}
			used[p.Blob] = true
		}
		s.uploads[u.ID] = u
	}
}

// createBucket adds an empty bucket. Everyone shares one owner, so an
// existing name is always BucketAlreadyOwnedByYou.
func (s *store) createBucket(name string, acl []grant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		e := errf("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
		e.BucketName = name
		return e
	}
	rec := &bucketRecord{Name: name, Created: s.now().UTC(), ACL: acl}
	if err := s.disk.saveBucket(rec); err != nil {
		return errInternal(err)
	}
	s.buckets[name] = &bucketState{rec: rec, objects: map[string]*objectRecord{}}
	return nil
}

// deleteBucket removes a bucket; unless force is set it must hold no
// objects. Its unfinished multipart uploads go with it.
func (s *store) deleteBucket(name string, force bool) error {
	s.mu.Lock()
	b, ok := s.buckets[name]
	if !ok {
		s.mu.Unlock()
		return errNoSuchBucket(name)
	}
	if len(b.objects) > 0 && !force {
		s.mu.Unlock()
		e := errf("BucketNotEmpty", "The bucket you tried to delete is not empty")
		e.BucketName = name
		return e
	}
	var blobs []string
	for _, o := range b.objects {
		s.disk.removeObject(o)
		blobs = append(blobs, o.Blob)
	}
	for id, u := range s.uploads {
		if u.Bucket == name {
			blobs = append(blobs, s.dropUploadLocked(id)...)
		}
	}
	delete(s.buckets, name)
	s.disk.removeBucket(name)
	s.mu.Unlock()
	s.removeBlobs(blobs)
	return nil
}

func (s *store) removeBlobs(ids []string) {
	for _, id := range ids {
		s.blobs.remove(id)
	}
}

func (s *store) bucketExists(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.buckets[name]
	return ok
}

// bucket returns a snapshot of the bucket's record.
func (s *store) bucket(name string) (*bucketRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return nil, errNoSuchBucket(name)
	}
	return b.rec, nil
}

// listBuckets returns all bucket records sorted by name.
func (s *store) listBuckets() []*bucketRecord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*bucketRecord, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b.rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// updateBucket applies fn to a copy of the bucket record and stores it.
func (s *store) updateBucket(name string, fn func(*bucketRecord) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[name]
	if !ok {
		return errNoSuchBucket(name)
	}
	rec := *b.rec
	if err := fn(&rec); err != nil {
		return err
	}
	if err := s.disk.saveBucket(&rec); err != nil {
		return errInternal(err)
	}
	b.rec = &rec
	return nil
}

// viewBucket runs fn under the read lock; listing uses it to walk b.keys.
func (s *store) viewBucket(name string, fn func(b *bucketState) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return errNoSuchBucket(name)
	}
	return fn(b)
}
