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

// commitObject makes rec (whose blob is already written) the latest
// version of its key, after cond approved the current version. On any
// failure the blob is removed.
func (s *Store) commitObject(rec *Object, cond Precondition) error {
	s.mu.Lock()
	b, ok := s.buckets[rec.Bucket]
	if !ok {
		s.mu.Unlock()
		s.blobs.remove(rec.Blob)
		return s3err.NoSuchBucket(rec.Bucket)
	}
	if cond != nil {
		if err := cond(b.objects[rec.Key]); err != nil {
			s.mu.Unlock()
			s.blobs.remove(rec.Blob)
			return err
		}
	}
	replaced, err := s.commitLocked(b, rec)
	s.mu.Unlock()
	if err != nil {
		s.blobs.remove(rec.Blob)
		return err
	}
	s.dropObject(replaced)
	return nil
}

// commitLocked stamps rec (an object or a delete marker) as a new version
// of its key, as the bucket's versioning decides, saves and indexes it, and
// returns the null version it replaced, whose files the caller drops once
// the lock is released.
func (s *Store) commitLocked(b *bucketState, rec *Object) (replaced *Object, err error) {
	rec.VersionID = ""
	if b.rec.Versioning == VersioningEnabled {
		rec.VersionID = newVersionID()
	}
	s.seq++
	rec.Seq = s.seq
	rec.Modified = s.now().UTC()
	if err := s.disk.saveObject(rec); err != nil {
		return nil, s3err.Internal(err)
	}
	return b.push(rec), nil
}

// dropObject deletes a replaced or deleted record's files. Readers that
// already opened the blob keep their handle.
func (s *Store) dropObject(o *Object) {
	if o == nil {
		return
	}
	s.disk.removeObject(o)
	if !o.DeleteMarker {
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

// Head returns a snapshot of the current version of key.
func (s *Store) Head(bucket, key string) (*Object, error) {
	return s.HeadVersion(bucket, key, "")
}

// lookupLocked finds a version of key; versionID "" means the current one.
func (s *Store) lookupLocked(bucket, key, versionID string) (*Object, error) {
	if versionID != "" {
		if err := CheckVersionID(versionID); err != nil {
			return nil, err
		}
		return s.lookupVersionLocked(bucket, key, versionID)
	}
	b, ok := s.buckets[bucket]
	if !ok {
		return nil, s3err.NoSuchBucket(bucket)
	}
	o, ok := b.objects[key]
	if !ok {
		return nil, noSuchKey(b, key)
	}
	return o, nil
}

// Open returns a version's record ("" the current one) and an open body;
// both are taken under one lock so the body cannot be deleted between
// lookup and open.
func (s *Store) Open(bucket, key, versionID string) (*Object, io.ReadSeekCloser, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.lookupLocked(bucket, key, versionID)
	if err != nil {
		return nil, nil, err
	}
	body, err := s.blobs.open(o.Blob)
	if err != nil {
		return nil, nil, s3err.Internal(err)
	}
	return o, body, nil
}

// UpdateObject replaces the current version's record with fn applied to a
// copy (tags, ACL).
func (s *Store) UpdateObject(bucket, key string, fn func(*Object) error) error {
	return s.UpdateObjectVersion(bucket, key, "", fn)
}

// UpdateObjectVersion replaces a version's record ("" the current one)
// with fn applied to a copy.
func (s *Store) UpdateObjectVersion(bucket, key, versionID string, fn func(*Object) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.lookupLocked(bucket, key, versionID)
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
	s.buckets[bucket].replace(&rec)
	return nil
}

// CopyObject copies a version of src ("" the current one) into a new object
// built by mk from the source record; cond is checked against the
// destination's current object.
func (s *Store) CopyObject(srcBucket, srcKey, srcVersion string, mk func(src *Object) (*Object, error), cond Precondition) (*Object, error) {
	src, body, err := s.Open(srcBucket, srcKey, srcVersion)
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
