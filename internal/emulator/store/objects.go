package store

import (
	"cmp"
	"crypto/md5"
	"encoding/hex"
	"hash"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// written describes a new blob: its ID, size, MD5 and the checksums asked
// for.
type written struct {
	id   string
	size int64
	md5  []byte
	sums map[checksum.Algorithm]string
}

// writeBlob streams r into a new blob, computing its MD5 and a checksum of
// each algorithm in algs ("" entries are skipped).
func (s *Store) writeBlob(r io.Reader, algs ...checksum.Algorithm) (written, error) {
	w, err := s.blobs.create()
	if err != nil {
		return written{}, s3err.Internal(err)
	}
	md := md5.New()
	hashes := map[checksum.Algorithm]hash.Hash{}
	sinks := []io.Writer{w, md}
	for _, a := range algs {
		if _, dup := hashes[a]; a != "" && !dup {
			hashes[a] = a.New()
			sinks = append(sinks, hashes[a])
		}
	}
	size, err := io.Copy(io.MultiWriter(sinks...), s3err.RequestBody(r))
	if err != nil {
		w.abort()
		return written{}, err
	}
	id, err := w.commit()
	if err != nil {
		return written{}, s3err.Internal(err)
	}
	out := written{id: id, size: size, md5: md.Sum(nil), sums: map[checksum.Algorithm]string{}}
	for a, h := range hashes {
		out.sums[a] = checksum.Encode(h.Sum(nil))
	}
	return out, nil
}

// concatBlobs writes the given blobs, in order, into a new blob, with a
// checksum of alg ("": none) over the whole.
func (s *Store) concatBlobs(ids []string, alg checksum.Algorithm) (written, error) {
	pr, pw := io.Pipe()
	go func() {
		for _, part := range ids {
			if _, err := s.copyBlob(pw, part); err != nil {
				pw.CloseWithError(s3err.Internal(err))
				return
			}
		}
		pw.Close()
	}()
	out, err := s.writeBlob(pr, alg)
	pr.Close() // stops the copier if writing failed
	return out, err
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
//
// A conditional write checks its condition twice, as S3 does: when the
// request arrives (failing there is 412, and no body is stored), and when
// it commits; failing only then means a conflicting write happened
// meanwhile: 409 ConditionalRequestConflict.
type Precondition func(cur *Object) error

// checkNow applies cond (nil: none) to key's current object.
func (s *Store) checkNow(bucket, key string, cond Precondition) error {
	if cond == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[bucket]
	if !ok {
		return s3err.NoSuchBucket(bucket)
	}
	return cond(b.objects[key])
}

// ConflictError is 409 ConditionalRequestConflict.
func ConflictError() error {
	return s3err.Errorf("ConditionalRequestConflict", "A conflicting conditional operation is currently in progress against this resource. Please try again.")
}

// conflictOnChange is cond as checked at commit time.
func conflictOnChange(cond Precondition) Precondition {
	if cond == nil {
		return nil
	}
	return func(cur *Object) error {
		if err := cond(cur); err != nil {
			return ConflictError()
		}
		return nil
	}
}

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
	s.seq++
	rec.Seq = s.seq
	rec.VersionID = ""
	if b.rec.Versioning == VersioningEnabled {
		rec.VersionID = newVersionID(rec.Seq)
	}
	rec.Modified = s.now().UTC()
	applyDefaultRetention(b.rec, rec)
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
	Owner       string       // the owning access key
	Cond        Precondition // nil: none
	// ChecksumAlgorithm is the checksum kept with the object (""
	// checksum.Default, as S3 computes one for every object).
	ChecksumAlgorithm checksum.Algorithm
	// ObjectLock is the retention and legal hold the request asked for;
	// without a retention the bucket's default applies.
	ObjectLock ObjectLock
}

// PutObject stores a new object, replacing any object under its key.
func (s *Store) PutObject(in PutInput) (*Object, error) {
	if err := s.checkNow(in.Bucket, in.Key, in.Cond); err != nil {
		return nil, err // also NoSuchBucket
	}
	if !s.BucketExists(in.Bucket) {
		return nil, s3err.NoSuchBucket(in.Bucket)
	}
	alg := cmp.Or(in.ChecksumAlgorithm, checksum.Default)
	b, err := s.writeBlob(in.Body, alg)
	if err != nil {
		return nil, err
	}
	if in.Size >= 0 && b.size != in.Size {
		s.blobs.remove(b.id)
		return nil, s3err.Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	rec := &Object{
		Bucket: in.Bucket, Key: in.Key, Blob: b.id, Size: b.size,
		ETag:     quoteETag(hex.EncodeToString(b.md5)),
		Checksum: &Checksum{Algorithm: alg, Type: checksum.FullObject, Value: b.sums[alg]},
		Meta:     in.Meta, Tags: in.Tags, ACL: in.ACL, Owner: in.Owner, ObjectLock: in.ObjectLock,
	}
	return rec, s.commitObject(rec, conflictOnChange(in.Cond))
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
	return s.updateVersion(bucket, key, versionID, func(_ *Bucket, o *Object) error { return fn(o) })
}

// updateVersion is UpdateObjectVersion whose fn also sees the bucket's
// record.
func (s *Store) updateVersion(bucket, key, versionID string, fn func(*Bucket, *Object) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.lookupLocked(bucket, key, versionID)
	if err != nil {
		return err
	}
	rec := *o
	rec.Meta = maps.Clone(o.Meta)
	rec.Tags = slices.Clone(o.Tags)
	if err := fn(s.buckets[bucket].rec, &rec); err != nil {
		return err
	}
	if err := s.disk.saveObject(&rec); err != nil {
		return s3err.Internal(err)
	}
	s.buckets[bucket].replace(&rec)
	return nil
}

// CopyObject copies a version of src ("" the current one) into a new object
// built by mk from the source record, with a checksum of the algorithm mk
// names in rec.Checksum (nil: the default); cond is checked against the
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
	if err := s.checkNow(rec.Bucket, rec.Key, cond); err != nil {
		return nil, err
	}
	if !s.BucketExists(rec.Bucket) {
		return nil, s3err.NoSuchBucket(rec.Bucket)
	}
	alg := checksum.Default
	if rec.Checksum != nil {
		alg = rec.Checksum.Algorithm
	}
	b, err := s.writeBlob(body, alg)
	if err != nil {
		return nil, s3err.Internal(err)
	}
	rec.Blob, rec.Size, rec.ETag = b.id, b.size, quoteETag(hex.EncodeToString(b.md5))
	rec.Checksum = &Checksum{Algorithm: alg, Type: checksum.FullObject, Value: b.sums[alg]}
	return rec, s.commitObject(rec, conflictOnChange(cond))
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
