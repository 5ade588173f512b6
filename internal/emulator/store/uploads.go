package store

import (
	"encoding/hex"
	"io"
	"maps"
	"sort"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Multipart uploads live in the store so that part sizes are known at
// completion, parts survive a restart with DataDir, and
// ListParts/ListMultipartUploads see one consistent state.

// Upload is an unfinished multipart upload (persisted as JSON, one file
// per part).
type Upload struct {
	ID        string
	Bucket    string
	Key       string
	Meta      map[string]string
	Tags      []Tag   `json:",omitempty"`
	ACL       []Grant `json:",omitempty"`
	Initiated time.Time

	Parts map[int]*Part `json:"-"` // persisted one file per part
}

// Part is one uploaded part of an Upload.
type Part struct {
	Number   int
	Blob     string
	Size     int64
	ETag     string
	Modified time.Time
}

// snapshot copies the parts map so callers can read it without the lock.
func (u *Upload) snapshot() *Upload {
	c := *u
	c.Parts = maps.Clone(u.Parts)
	return &c
}

// CreateUpload starts u, giving it an ID and an initiation time.
func (s *Store) CreateUpload(u *Upload) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[u.Bucket]; !ok {
		return s3err.NoSuchBucket(u.Bucket)
	}
	u.ID = newBlobID()
	u.Initiated = s.now().UTC()
	u.Parts = map[int]*Part{}
	if err := s.disk.saveUpload(u); err != nil {
		return s3err.Internal(err)
	}
	s.uploads[u.ID] = u
	return nil
}

// Upload returns a snapshot of an upload, checking that it belongs to
// bucket/key as S3 does.
func (s *Store) Upload(id, bucket, key string) (*Upload, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.uploadLocked(id, bucket, key)
	if err != nil {
		return nil, err
	}
	return u.snapshot(), nil
}

func (s *Store) uploadLocked(id, bucket, key string) (*Upload, error) {
	if _, ok := s.buckets[bucket]; !ok {
		return nil, s3err.NoSuchBucket(bucket)
	}
	u, ok := s.uploads[id]
	if !ok || u.Bucket != bucket || u.Key != key {
		return nil, s3err.NoSuchUpload()
	}
	return u, nil
}

// PutPart stores body as part n, replacing any earlier part n.
func (s *Store) PutPart(id, bucket, key string, n int, body io.Reader, size int64) (*Part, error) {
	if _, err := s.Upload(id, bucket, key); err != nil {
		return nil, err // fail before reading a body nobody wants
	}
	blob, got, sum, err := s.writeBlob(body)
	if err != nil {
		return nil, err
	}
	if size >= 0 && got != size {
		s.blobs.remove(blob)
		return nil, s3err.Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	part := &Part{Number: n, Blob: blob, Size: got, ETag: quoteETag(hex.EncodeToString(sum)), Modified: s.now().UTC()}
	return part, s.commitPart(id, bucket, key, part)
}

func (s *Store) commitPart(id, bucket, key string, part *Part) error {
	s.mu.Lock()
	u, err := s.uploadLocked(id, bucket, key)
	if err == nil {
		err = s.disk.savePart(id, part)
	}
	if err != nil {
		s.mu.Unlock()
		s.blobs.remove(part.Blob)
		return s3err.As(err)
	}
	old := u.Parts[part.Number]
	u.Parts[part.Number] = part
	s.mu.Unlock()
	if old != nil {
		s.blobs.remove(old.Blob)
	}
	return nil
}

// AbortUpload discards an upload and its parts.
func (s *Store) AbortUpload(id, bucket, key string) error {
	s.mu.Lock()
	if _, err := s.uploadLocked(id, bucket, key); err != nil {
		s.mu.Unlock()
		return err
	}
	blobs := s.dropUploadLocked(id)
	s.mu.Unlock()
	s.removeBlobs(blobs)
	return nil
}

// dropUploadLocked forgets an upload and returns the blobs to delete once
// the lock is released.
func (s *Store) dropUploadLocked(id string) []string {
	u := s.uploads[id]
	delete(s.uploads, id)
	s.disk.removeUpload(id)
	var blobs []string
	for _, p := range u.Parts {
		blobs = append(blobs, p.Blob)
	}
	return blobs
}

// CompleteUpload assembles the parts chosen (and validated) by choose into
// the object. The copy runs without the lock; the commit then checks that
// the upload still exists with the same parts.
func (s *Store) CompleteUpload(id, bucket, key string, choose func(*Upload) ([]*Part, error)) (*Object, error) {
	u, err := s.Upload(id, bucket, key)
	if err != nil {
		return nil, err
	}
	parts, err := choose(u)
	if err != nil {
		return nil, err
	}
	blobs, etags, sizes := make([]string, len(parts)), make([]string, len(parts)), make([]int64, len(parts))
	for i, p := range parts {
		blobs[i], etags[i], sizes[i] = p.Blob, p.ETag, p.Size
	}
	blob, size, err := s.concatBlobs(blobs)
	if err != nil {
		return nil, err
	}
	rec := &Object{
		Bucket: bucket, Key: key, Blob: blob, Size: size, ETag: multipartETag(etags),
		Meta: u.Meta, Tags: u.Tags, ACL: u.ACL, PartSizes: sizes,
	}
	unchanged := func(*Object) error { return s.checkUploadParts(id, bucket, key, parts) }
	if err := s.commitObject(rec, unchanged); err != nil {
		return nil, err
	}
	_ = s.AbortUpload(id, bucket, key)
	return rec, nil
}

// checkUploadParts runs under the write lock (as a commit Precondition).
func (s *Store) checkUploadParts(id, bucket, key string, parts []*Part) error {
	u, err := s.uploadLocked(id, bucket, key)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if cur := u.Parts[p.Number]; cur == nil || cur.Blob != p.Blob {
			return s3err.Errorf("InvalidPart", "Part %d was replaced while the upload was being completed.", p.Number)
		}
	}
	return nil
}

// ListUploads returns snapshots of the bucket's uploads sorted as S3 lists
// them: by key, then by initiation time, then by ID.
func (s *Store) ListUploads(bucket string) ([]*Upload, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.buckets[bucket]; !ok {
		return nil, s3err.NoSuchBucket(bucket)
	}
	var out []*Upload
	for _, u := range s.uploads {
		if u.Bucket == bucket {
			out = append(out, u.snapshot())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if !a.Initiated.Equal(b.Initiated) {
			return a.Initiated.Before(b.Initiated)
		}
		return a.ID < b.ID
	})
	return out, nil
}
