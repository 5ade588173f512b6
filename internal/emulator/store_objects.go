package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"hash"
	"io"
	"maps"
	"slices"
)

// bodyError marks a failure to read the request body, as opposed to a
// failure to store it: the first is the client's fault (400), the second 500.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		if _, isAPI := err.(*apiError); isAPI {
			return n, err
		}
		return n, &bodyError{err}
	}
	return n, err
}

// writeBlob streams r into a new blob and returns its ID, size and MD5.
func (s *store) writeBlob(r io.Reader) (id string, size int64, sum []byte, err error) {
	w, err := s.blobs.create()
	if err != nil {
		return "", 0, nil, errInternal(err)
	}
	h := md5.New()
	size, err = io.Copy(io.MultiWriter(w, h), bodyReader{r})
	if err != nil {
		w.abort()
		return "", 0, nil, err
	}
	id, err = w.commit()
	if err != nil {
		return "", 0, nil, errInternal(err)
	}
	return id, size, h.Sum(nil), nil
}

// concatBlobs writes the given blobs, in order, into a new blob.
func (s *store) concatBlobs(ids []string) (id string, size int64, err error) {
	w, err := s.blobs.create()
	if err != nil {
		return "", 0, errInternal(err)
	}
	for _, part := range ids {
		n, err := s.copyBlob(w, part)
		if err != nil {
			w.abort()
			return "", 0, errInternal(err)
		}
		size += n
	}
	id, err = w.commit()
	if err != nil {
		return "", 0, errInternal(err)
	}
	return id, size, nil
}

func (s *store) copyBlob(w io.Writer, id string) (int64, error) {
	r, err := s.blobs.open(id)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return io.Copy(w, r)
}

// precondition inspects the current object (nil if absent) under the write
// lock, so conditional writes are atomic with respect to other writers.
type precondition func(cur *objectRecord) error

// commitObject makes rec (whose blob is already written) the current version
// of its key. On any failure the blob is removed.
func (s *store) commitObject(rec *objectRecord, cond precondition) error {
	s.mu.Lock()
	b, ok := s.buckets[rec.Bucket]
	if !ok {
		s.mu.Unlock()
		s.blobs.remove(rec.Blob)
		return errNoSuchBucket(rec.Bucket)
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
		return errInternal(err)
	}
	b.set(rec)
	s.mu.Unlock()
	s.dropObject(old)
	return nil
}

// dropObject deletes a replaced or deleted record's files. Readers that
// already opened the blob keep their handle.
func (s *store) dropObject(o *objectRecord) {
	if o != nil {
		s.disk.removeObject(o)
		s.blobs.remove(o.Blob)
	}
}

// putInput describes a new object whose body is still to be read.
type putInput struct {
	bucket, key string
	body        io.Reader
	size        int64 // expected length; -1 if unknown
	meta        map[string]string
	tags        []tag
	acl         []grant
	cond        precondition
}

func (s *store) putObject(in putInput) (*objectRecord, error) {
	if !s.bucketExists(in.bucket) {
		return nil, errNoSuchBucket(in.bucket)
	}
	id, size, sum, err := s.writeBlob(in.body)
	if err != nil {
		return nil, err
	}
	if in.size >= 0 && size != in.size {
		s.blobs.remove(id)
		return nil, errf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	rec := &objectRecord{
		Bucket: in.bucket, Key: in.key, Blob: id, Size: size,
		ETag: quoteETag(hex.EncodeToString(sum)),
		Meta: in.meta, Tags: in.tags, ACL: in.acl,
	}
	return rec, s.commitObject(rec, in.cond)
}

func quoteETag(s string) string { return `"` + s + `"` }

// head returns a snapshot of the current record for key.
func (s *store) head(bucket, key string) (*objectRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.lookupLocked(bucket, key)
}

func (s *store) lookupLocked(bucket, key string) (*objectRecord, error) {
	b, ok := s.buckets[bucket]
	if !ok {
		return nil, errNoSuchBucket(bucket)
	}
	o, ok := b.objects[key]
	if !ok {
		return nil, errNoSuchKey(key)
	}
	return o, nil
}

// open returns the record and an open body; both are taken under one lock
// so the body cannot be deleted between lookup and open.
func (s *store) open(bucket, key string) (*objectRecord, io.ReadSeekCloser, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.lookupLocked(bucket, key)
	if err != nil {
		return nil, nil, err
	}
	body, err := s.blobs.open(o.Blob)
	if err != nil {
		return nil, nil, errInternal(err)
	}
	return o, body, nil
}

// deleteObject removes key; a missing key is not an error, as in S3.
func (s *store) deleteObject(bucket, key string) error {
	s.mu.Lock()
	b, ok := s.buckets[bucket]
	if !ok {
		s.mu.Unlock()
		return errNoSuchBucket(bucket)
	}
	old := b.remove(key)
	s.mu.Unlock()
	s.dropObject(old)
	return nil
}

// updateObject replaces key's record with fn applied to a copy (tags, ACL).
func (s *store) updateObject(bucket, key string, fn func(*objectRecord) error) error {
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
		return errInternal(err)
	}
	s.buckets[bucket].objects[key] = &rec
	return nil
}

// copyObject copies src's body into a new object built by mk from the source
// record; cond is checked against the destination's current object.
func (s *store) copyObject(srcBucket, srcKey string, mk func(src *objectRecord) (*objectRecord, error), cond precondition) (*objectRecord, error) {
	src, body, err := s.open(srcBucket, srcKey)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	rec, err := mk(src)
	if err != nil {
		return nil, err
	}
	if !s.bucketExists(rec.Bucket) {
		return nil, errNoSuchBucket(rec.Bucket)
	}
	id, size, sum, err := s.writeBlob(body)
	if err != nil {
		return nil, errInternal(err)
	}
	rec.Blob, rec.Size, rec.ETag = id, size, quoteETag(hex.EncodeToString(sum))
	return rec, s.commitObject(rec, cond)
}

// multipartETag is S3's ETag for a multipart object: the MD5 of the
// concatenated binary part MD5s, a dash, and the part count.
func multipartETag(partETags []string) string {
	var h hash.Hash = md5.New()
	for _, e := range partETags {
		raw, _ := hex.DecodeString(trimETag(e))
		h.Write(raw)
	}
	return quoteETag(hex.EncodeToString(h.Sum(nil)) + "-" + itoa(len(partETags)))
}
