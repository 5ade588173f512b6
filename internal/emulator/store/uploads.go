package store

import (
	"cmp"
	"encoding/hex"
	"io"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
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
	Owner     string  `json:",omitempty"` // the completed object's owner (an access key)
	Initiated time.Time
	// ChecksumAlgorithm and ChecksumType are what CreateMultipartUpload
	// asked for; "" (neither) is S3's default: a full-object CRC64NVME.
	ChecksumAlgorithm checksum.Algorithm `json:",omitempty"`
	ChecksumType      string             `json:",omitempty"`
	// ObjectLock is the retention and legal hold the object is to get;
	// without a retention the bucket's default applies at completion.
	ObjectLock

	Parts map[int]*Part `json:"-"` // persisted one file per part
}

// Algorithm is the checksum algorithm of the upload's parts and object.
func (u *Upload) Algorithm() checksum.Algorithm {
	return cmp.Or(u.ChecksumAlgorithm, checksum.Default)
}

// Type is the checksum type the object will have.
func (u *Upload) Type() string {
	return cmp.Or(u.ChecksumType, u.Algorithm().DefaultType())
}

// Part is one uploaded part of an Upload.
type Part struct {
	Number   int
	Blob     string
	Size     int64
	ETag     string
	Modified time.Time
	// Checksums holds the part's checksum in the upload's algorithm and,
	// when the request carried another, in that one too.
	Checksums map[checksum.Algorithm]string `json:",omitempty"`
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

// PutPart stores body as part n, replacing any earlier part n, with its
// checksum in the upload's algorithm and in also ("": none), the one the
// request carried.
func (s *Store) PutPart(id, bucket, key string, n int, body io.Reader, size int64, also checksum.Algorithm) (*Part, error) {
	u, err := s.Upload(id, bucket, key)
	if err != nil {
		return nil, err // fail before reading a body nobody wants
	}
	b, err := s.writeBlob(body, u.Algorithm(), also)
	if err != nil {
		return nil, err
	}
	if size >= 0 && b.size != size {
		s.blobs.remove(b.id)
		return nil, s3err.Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
	}
	part := &Part{Number: n, Blob: b.id, Size: b.size, ETag: quoteETag(hex.EncodeToString(b.md5)),
		Modified: s.now().UTC(), Checksums: b.sums}
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

// PartRef names a part in a CompleteMultipartUpload request.
type PartRef struct {
	Number int
	ETag   string
}

// CompleteInput is a CompleteMultipartUpload request.
type CompleteInput struct {
	ID, Bucket, Key string
	Parts           []PartRef // as the request lists them
	// Choose validates the request against the upload and returns the
	// parts to assemble, in order.
	Choose func(*Upload) ([]*Part, error)
	// Verify checks the assembled object (its checksum) before it is
	// committed; nil: nothing to check.
	Verify func(*Object) error
	// Cond is the request's conditional write, checked against the
	// current object when the upload starts completing and again, under
	// the lock, when it commits.
	Cond Precondition
}

// CompleteUpload assembles the parts chosen (and validated) by in.Choose
// into the object. The copy runs without the lock; the commit then checks
// that the upload still exists with the same parts. A retry of a completion
// that succeeded, with the same parts, gets the same answer, as S3 gives.
func (s *Store) CompleteUpload(in CompleteInput) (*Object, error) {
	u, err := s.Upload(in.ID, in.Bucket, in.Key)
	if err != nil {
		if done := s.completedAs(in); done != nil {
			return done, nil
		}
		return nil, err
	}
	parts, err := in.Choose(u)
	if err != nil {
		return nil, err
	}
	if err := s.checkNow(in.Bucket, in.Key, in.Cond); err != nil {
		return nil, err
	}
	rec, err := s.assemble(u, parts)
	if err != nil {
		return nil, err
	}
	if in.Verify != nil {
		if err := in.Verify(rec); err != nil {
			s.blobs.remove(rec.Blob)
			return nil, err
		}
	}
	cond := conflictOnChange(in.Cond)
	unchanged := func(cur *Object) error {
		if err := s.checkUploadParts(in.ID, in.Bucket, in.Key, parts); err != nil {
			return err
		}
		if cond != nil {
			return cond(cur)
		}
		return nil
	}
	if err := s.commitObject(rec, unchanged); err != nil {
		return nil, err
	}
	s.rememberCompletion(in, rec)
	_ = s.AbortUpload(in.ID, in.Bucket, in.Key)
	return rec, nil
}

// assemble writes the parts into a new object record (not yet committed),
// with the upload's checksum: over the whole object, or composite of the
// parts'.
func (s *Store) assemble(u *Upload, parts []*Part) (*Object, error) {
	alg, typ := u.Algorithm(), u.Type()
	blobs, etags, sizes, sums := make([]string, len(parts)), make([]string, len(parts)), make([]int64, len(parts)), make([]string, len(parts))
	for i, p := range parts {
		blobs[i], etags[i], sizes[i], sums[i] = p.Blob, p.ETag, p.Size, p.Checksums[alg]
	}
	whole := alg
	if typ == checksum.Composite {
		whole = ""
	}
	b, err := s.concatBlobs(blobs, whole)
	if err != nil {
		return nil, err
	}
	sum := &Checksum{Algorithm: alg, Type: typ, Value: b.sums[alg]}
	if typ == checksum.Composite {
		sum.Value = alg.CompositeOf(sums)
	}
	return &Object{
		Bucket: u.Bucket, Key: u.Key, Blob: b.id, Size: b.size, ETag: multipartETag(etags),
		Meta: u.Meta, Tags: u.Tags, ACL: u.ACL, Owner: u.Owner, PartSizes: sizes, Checksum: sum, PartChecksums: sums,
		ObjectLock: u.ObjectLock,
	}, nil
}

// completion remembers a completed upload so that a retry of its
// CompleteMultipartUpload is answered as the first one was.
type completion struct {
	bucket, key string
	parts       []PartRef
	object      *Object
}

// maxCompletions bounds how many completions are remembered (in memory
// only: a restart forgets them, and a retry then gets NoSuchUpload).
const maxCompletions = 1000

func (s *Store) rememberCompletion(in CompleteInput, o *Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.completedOrder) == maxCompletions {
		delete(s.completed, s.completedOrder[0])
		s.completedOrder = s.completedOrder[1:]
	}
	s.completed[in.ID] = completion{bucket: in.Bucket, key: in.Key, parts: slices.Clone(in.Parts), object: o}
	s.completedOrder = append(s.completedOrder, in.ID)
}

// completedAs returns the object a finished upload made if in repeats its
// completion exactly (same parts and ETags); nil otherwise.
func (s *Store) completedAs(in CompleteInput) *Object {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.completed[in.ID]
	if !ok || c.bucket != in.Bucket || c.key != in.Key || len(c.parts) != len(in.Parts) {
		return nil
	}
	for i, p := range in.Parts {
		if p.Number != c.parts[i].Number || TrimETag(p.ETag) != TrimETag(c.parts[i].ETag) {
			return nil
		}
	}
	return c.object
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
