// Package store is the emulator's object store, shared by its S3 and
// console APIs: buckets, objects, multipart uploads, their bodies (blobs)
// and, with a data directory, their persistence. Its errors are S3 error
// documents (s3err), so a handler can return them as they are.
//
// Records are replaced, never mutated, so a pointer read under the lock is
// a consistent snapshot after the lock is released.
package store

import (
	"encoding/xml"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Bucket is a bucket's record (persisted as JSON). Fields added later are
// omitted when empty, and empty is what a record written before them means.
type Bucket struct {
	Name    string
	Created time.Time
	HasTags bool    // distinguishes "no tag set" (NoSuchTagSet) from an empty one
	Tags    []Tag   `json:",omitempty"`
	ACL     []Grant `json:",omitempty"` // nil: private
	// Versioning is "" for a bucket never versioned, else VersioningEnabled
	// or VersioningSuspended (a bucket cannot go back to "").
	Versioning string `json:",omitempty"`
	// Owner is the access key that created the bucket; "" for buckets made
	// before owners were recorded, which belong to the root account.
	Owner string `json:",omitempty"`
	// Ownership is the ObjectOwnership of the bucket's ownership controls;
	// "" when none were set (objects are then owned by their writer).
	Ownership string `json:",omitempty"`
	// Website and Lifecycle are the configuration documents as GET returns
	// them; "" when there is none.
	Website   string `json:",omitempty"`
	Lifecycle string `json:",omitempty"`
	// ObjectLock is set on a bucket created with Object Lock (lock.go),
	// whose versioning is then enabled for good; nil otherwise.
	ObjectLock *LockConfig `json:",omitempty"`
}

// Object is the record of one version of an object (persisted as JSON);
// its body is the blob Blob. A delete marker is a version without a body.
type Object struct {
	Bucket    string
	Key       string
	VersionID string `json:",omitempty"` // "" is S3's null version
	// DeleteMarker versions have no body, size, ETag or metadata.
	DeleteMarker bool `json:",omitempty"`
	Blob         string
	Size         int64
	ETag         string // quoted, "md5" or "md5-N" for multipart objects
	Meta         map[string]string
	Modified     time.Time
	PartSizes    []int64 `json:",omitempty"` // multipart objects: for GET ?partNumber
	// Checksum is the object's flexible checksum (nil for objects stored
	// before the emulator kept them); PartChecksums are a multipart
	// object's parts' checksums in the same algorithm.
	Checksum      *Checksum `json:",omitempty"`
	PartChecksums []string  `json:",omitempty"`
	Tags          []Tag     `json:",omitempty"`
	ACL           []Grant   `json:",omitempty"`
	Owner         string    `json:",omitempty"` // access key; "" as for Bucket.Owner
	Seq           uint64    // orders versions, and two records of one null version after a crash
	ObjectLock              // retention and legal hold (lock.go); none for records written before them
}

// Checksum is an object's flexible checksum: its algorithm, its type
// (checksum.FullObject or, for multipart objects, checksum.Composite) and
// its base64 value ("<base64>-N" when composite).
type Checksum struct {
	Algorithm checksum.Algorithm
	Type      string
	Value     string
}

// Tag is one S3 tag. It is persisted, and is S3's XML form too.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// Grant is one ACL grant. It is persisted, and is S3's XML form too.
type Grant struct {
	Grantee    Grantee `xml:"Grantee"`
	Permission string  `xml:"Permission"`
}

// Grantee mirrors S3's Grantee, whose type lives in an xsi:type attribute.
type Grantee struct {
	XMLNSXsi     string `xml:"xmlns:xsi,attr,omitempty" json:"-"`
	Type         string `xml:"xsi:type,attr"`
	ID           string `xml:"ID,omitempty"`
	DisplayName  string `xml:"DisplayName,omitempty"`
	URI          string `xml:"URI,omitempty"`
	EmailAddress string `xml:"EmailAddress,omitempty"`
}

// bucketState indexes a bucket's versions twice: every version of each key
// (versions, newest first, delete markers included) for ListObjectVersions
// and version lookups, and the current version of each key whose latest
// version is not a delete marker (objects) for everything else.
type bucketState struct {
	rec      *Bucket
	objects  map[string]*Object
	keys     []string // sorted keys of objects, for listing
	versions map[string][]*Object
	vkeys    []string // sorted keys of versions, for listing versions
}

func newBucketState(rec *Bucket) *bucketState {
	return &bucketState{rec: rec, objects: map[string]*Object{}, versions: map[string][]*Object{}}
}

// Store holds everything; it is safe for concurrent use.
type Store struct {
	mu      sync.RWMutex
	buckets map[string]*bucketState
	uploads map[string]*Upload
	seq     uint64

	completed      map[string]completion // recently completed uploads, by ID
	completedOrder []string              // their IDs, oldest first

	blobs blobStore
	disk  *persister // nil in memory mode
	now   func() time.Time
}

// New opens a store. With dataDir "" everything is kept in memory;
// otherwise the state kept there is loaded (and whatever an interrupted
// write left behind removed). now stamps creation and modification times.
func New(dataDir string, now func() time.Time) (*Store, error) {
	s := &Store{
		buckets:   map[string]*bucketState{},
		uploads:   map[string]*Upload{},
		completed: map[string]completion{},
		now:       now,
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
func (s *Store) load() error {
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
		s.buckets[b.Name] = newBucketState(b)
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

// loadObjects replays the records oldest first, as they were committed, so
// that versions stack up in order and a newer null version replaces an
// older one (the older record is what a crash left behind).
func (s *Store) loadObjects(objs []*Object, present, used map[string]bool) {
	sort.Slice(objs, func(i, j int) bool { return objs[i].Seq < objs[j].Seq })
	for _, o := range objs {
		s.seq = max(s.seq, o.Seq)
		b := s.buckets[o.Bucket]
		if b == nil || (!o.DeleteMarker && !present[o.Blob]) {
			s.disk.removeObject(o)
			continue
		}
		if old := b.push(o); old != nil {
			s.disk.removeObject(old)
			used[old.Blob] = false
		}
		used[o.Blob] = !o.DeleteMarker
	}
}

func (s *Store) loadUploads(ups []*Upload, present, used map[string]bool) {
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

// CreateBucket adds an empty bucket described by b (its creation time is
// the store's), named by QStorage's rules. If the name is taken, sameOwner
// decides between S3's two answers: BucketAlreadyOwnedByYou (409, as S3
// answers outside us-east-1) or BucketAlreadyExists.
func (s *Store) CreateBucket(b Bucket, sameOwner func(existing *Bucket) bool) error {
	name := b.Name
	if err := CheckBucketName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.buckets[name]; ok {
		if sameOwner(old.rec) {
			return s3err.Errorf("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.").WithBucket(name)
		}
		return s3err.Errorf("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").WithBucket(name)
	}
	b.Created = s.now().UTC()
	rec := &b
	if err := s.disk.saveBucket(rec); err != nil {
		return s3err.Internal(err)
	}
	s.buckets[name] = newBucketState(rec)
	return nil
}

// DeleteBucket removes a bucket; unless force is set it must hold no
// objects, object versions or delete markers. Its unfinished multipart
// uploads go with it.
func (s *Store) DeleteBucket(name string, force bool) error {
	s.mu.Lock()
	b, ok := s.buckets[name]
	if !ok {
		s.mu.Unlock()
		return s3err.NoSuchBucket(name)
	}
	if len(b.versions) > 0 && !force {
		s.mu.Unlock()
		msg := "The bucket you tried to delete is not empty"
		if len(b.objects) == 0 {
			msg += ". You must delete all versions in the bucket."
		}
		return s3err.Errorf("BucketNotEmpty", "%s", msg).WithBucket(name)
	}
	var blobs []string
	for _, vs := range b.versions {
		for _, o := range vs {
			s.disk.removeObject(o)
			if !o.DeleteMarker {
				blobs = append(blobs, o.Blob)
			}
		}
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

func (s *Store) removeBlobs(ids []string) {
	for _, id := range ids {
		s.blobs.remove(id)
	}
}

// BucketExists reports whether the bucket exists.
func (s *Store) BucketExists(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.buckets[name]
	return ok
}

// Bucket returns a snapshot of the bucket's record.
func (s *Store) Bucket(name string) (*Bucket, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return nil, s3err.NoSuchBucket(name)
	}
	return b.rec, nil
}

// ListBuckets returns all bucket records sorted by name.
func (s *Store) ListBuckets() []*Bucket {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Bucket, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b.rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// UpdateBucket applies fn to a copy of the bucket record and stores it.
func (s *Store) UpdateBucket(name string, fn func(*Bucket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[name]
	if !ok {
		return s3err.NoSuchBucket(name)
	}
	rec := *b.rec
	if err := fn(&rec); err != nil {
		return err
	}
	if err := s.disk.saveBucket(&rec); err != nil {
		return s3err.Internal(err)
	}
	b.rec = &rec
	return nil
}

// viewBucket runs fn under the read lock.
func (s *Store) viewBucket(name string, fn func(b *bucketState)) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return s3err.NoSuchBucket(name)
	}
	fn(b)
	return nil
}

// Usage counts a bucket's objects and their bytes.
func (s *Store) Usage(name string) (objects, bytes int64, err error) {
	err = s.viewBucket(name, func(b *bucketState) {
		for _, o := range b.objects {
			objects++
			bytes += o.Size
		}
	})
	return objects, bytes, err
}

// Totals counts buckets, objects, their bytes and unfinished uploads.
func (s *Store) Totals() (buckets, objects, bytes, uploads int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.buckets {
		buckets++
		for _, o := range b.objects {
			objects++
			bytes += o.Size
		}
	}
	return buckets, objects, bytes, int64(len(s.uploads))
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
var ipLikeRE = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)

// CheckBucketName applies QStorage's bucket naming rules.
func CheckBucketName(name string) error {
	if !bucketNameRE.MatchString(name) || ipLikeRE.MatchString(name) ||
		strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return s3err.Errorf("InvalidBucketName", "The specified bucket is not valid.").WithBucket(name)
	}
	return nil
}

// UnmarshalXML accepts xsi:type whatever namespace prefix the client used;
// encoding/xml would otherwise match the attribute only by full namespace.
func (g *Grantee) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain struct {
		ID           string `xml:"ID"`
		DisplayName  string `xml:"DisplayName"`
		URI          string `xml:"URI"`
		EmailAddress string `xml:"EmailAddress"`
	}
	var p plain
	if err := d.DecodeElement(&p, &start); err != nil {
		return err
	}
	*g = Grantee{ID: p.ID, DisplayName: p.DisplayName, URI: p.URI, EmailAddress: p.EmailAddress}
	for _, a := range start.Attr {
		if a.Name.Local == "type" {
			g.Type = a.Value
		}
	}
	return nil
}
