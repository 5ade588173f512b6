package store

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// writeBlob streams r into a new blob and returns its ID, size and MD5.
func (s *Store) writeBlob(r io.Reader) (id string, size int64, sum []byte, err error) {
	w, err := s.blobs.create()
	if err != nil {
		return "", 0, nil, s3err.Internal(err)
	}
	h := md5.New()
	size, err = io.Copy(io.MultiWriter(w, h), s3err.RequestBody(r))
	if err != nil {
		w.abort()
		return "", 0, nil, err
	}
	id, err = w.commit()
	if err != nil {
		return "", 0, nil, s3err.Internal(err)
	}
	return id, size, h.Sum(nil), nil
}

// concatBlobs writes the given blobs, in order, into a new blob.
func (s *Store) concatBlobs(ids []string) (id string, size int64, err error) {
	w, err := s.blobs.create()
	if err != nil {
		return "", 0, s3err.Internal(err)
	}
	for _, part := range ids {
		n, err := s.copyBlob(w, part)
		if err != nil {
			w.abort()
			return "", 0, s3err.Internal(err)
		}
		size += n
	}
	id, err = w.commit()
	if err != nil {
		return "", 0, s3err.Internal(err)
	}
	return id, size, nil
}

func (s *Store) copyBlob(w io.Writer, id string) (int64, error) {
	r, err := s.blobs.open(id)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return io.Copy(w, r)
}

// Precondition inspects the current object (nil if absent) under the write
// lock, so conditional writes are atomic with respect to other writers.
type Precondition func(cur *Object) error

// commitObject makes rec (whose blob is already written) the current version
// of its key. On any failure the blob is removed.
func (s *Store) commitObject(rec *Object, cond Precondition) error {
	s.mu.Lock()
	b, ok := s.buckets[rec.Bucket]
	if !ok {
		s.mu.Unlock()
		s.blobs.remove(rec.Blob)
		return s3err.NoSuchBucket(rec.Bucket)
	}
	old := b.objects[rec.Key]
	if cond != nil {
		if err := cond(old); err != nil {
			s.mu.Unlock()
			s.blobs.remove(rec.Blob)
			return err
		}
	}
	s.seq++
	rec.Seq = s.seq
	rec.Modified = s.now().UTC()
	if err := s.disk.saveObject(rec); err != nil {
		s.mu.Unlock()
		s.blobs.remove(rec.Blob)
		return s3err.Internal(err)
	}
	b.set(rec)
	s.mu.Unlock()
	s.dropObject(old)
	return nil
}

// dropObject deletes a replaced or deleted record's files. Readers that
// already opened the blob keep their handle.
func (s *Store) dropObject(o *Object) {
	if o != nil {
		s.disk.removeObject(o)
		s.blobs.remove(o.Blob)
	}
}

// PutInput describes a new object whose body is still to be read.
type PutInput struct {
	Bucket, Key string
	Body        io.Reader
	Size        int64 // expected length; -1 if unknown
	Meta        map[string]string
	Tags        []Tag
	ACL         []Grant
	Cond        Precondition // nil: none
}

// PutObject stores a new object, replacing any object under its key.
func (s *Store) PutObject(in PutInput) (*Object, error) {
	if !s.BucketExists(in.Bucket) {
		return nil, s3err.NoSuchBucket(in.Bucket)
	}
	id, size, sum, err := s.writeBlob(in.Body)
	if err != nil {
		return nil, err
	}
	if in.Size >= 0 && size != in.Size {
		s.blobs.remove(id)
		return nil, s3err.Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	rec := &Object{
		Bucket: in.Bucket, Key: in.Key, Blob: id, Size: size,
		ETag: quoteETag(hex.EncodeToString(sum)),
		Meta: in.Meta, Tags: in.Tags, ACL: in.ACL,
	}
	return rec, s.commitObject(rec, in.Cond)
}

func quoteETag(s string) string { return `"` + s + `"` }

// TrimETag strips the quotes (and any W/) from an ETag.
func TrimETag(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "W/")
	return strings.Trim(s, `"`)
}

// Head returns a snapshot of the current record for key.
func (s *Store) Head(bucket, key string) (*Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.lookupLocked(bucket, key)
}

func (s *Store) lookupLocked(bucket, key string) (*Object, error) {
	b, ok := s.buckets[bucket]
	if !ok {
		return nil, s3err.NoSuchBucket(bucket)
	}
	o, ok := b.objects[key]
	if !ok {
		return nil, s3err.NoSuchKey(key)
	}
	return o, nil
}

// Open returns the record and an open body; both are taken under one lock
// so the body cannot be deleted between lookup and open.
func (s *Store) Open(bucket, key string) (*Object, io.ReadSeekCloser, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.lookupLocked(bucket, key)
	if err != nil {
		return nil, nil, err
	}
	body, err := s.blobs.open(o.Blob)
	if err != nil {
		return nil, nil, s3err.Internal(err)
	}
	return o, body, nil
}

// DeleteObject removes key; a missing key is not an error, as in S3.
func (s *Store) DeleteObject(bucket, key string) error {
	s.mu.Lock()
	b, ok := s.buckets[bucket]
	if !ok {
		s.mu.Unlock()
		return s3err.NoSuchBucket(bucket)
	}
	old := b.remove(key)
	s.mu.Unlock()
	s.dropObject(old)
	return nil
}

// UpdateObject replaces key's record with fn applied to a copy (tags, ACL).
func (s *Store) UpdateObject(bucket, key string, fn func(*Object) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.lookupLocked(bucket, key)
	if err != nil {
		return err
	}
	rec := *o
	rec.Meta = maps.Clone(o.Meta)
	rec.Tags = slices.Clone(o.Tags)
	if err := fn(&rec); err != nil {
		return err
	}
	if err := s.disk.saveObject(&rec); err != nil {
		return s3err.Internal(err)
	}
	s.buckets[bucket].objects[key] = &rec
	return nil
}

// CopyObject copies src's body into a new object built by mk from the source
// record; cond is checked against the destination's current object.
func (s *Store) CopyObject(srcBucket, srcKey string, mk func(src *Object) (*Object, error), cond Precondition) (*Object, error) {
	src, body, err := s.Open(srcBucket, srcKey)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	rec, err := mk(src)
	if err != nil {
		return nil, err
	}
	if !s.BucketExists(rec.Bucket) {
		return nil, s3err.NoSuchBucket(rec.Bucket)
	}
	id, size, sum, err := s.writeBlob(body)
	if err != nil {
		return nil, s3err.Internal(err)
	}
	rec.Blob, rec.Size, rec.ETag = id, size, quoteETag(hex.EncodeToString(sum))
	return rec, s.commitObject(rec, cond)
}

// multipartETag is S3's ETag for a multipart object: the MD5 of the
// concatenated binary part MD5s, a dash, and the part count.
func multipartETag(partETags []string) string {
	h := md5.New()
	for _, e := range partETags {
		raw, _ := hex.DecodeString(TrimETag(e))
		h.Write(raw)
	}
	return quoteETag(hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partETags)))
}
