package store

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Versioning, as S3 has it: every key holds a stack of versions, newest
// first. A bucket that was never versioned, or whose versioning is
// suspended, writes the null version (VersionID ""), replacing the key's
// previous null version wherever it sits in the stack; a versioned bucket
// pushes a new version with a fresh ID. A simple DELETE of a versioned (or
// suspended) bucket's key pushes a delete marker; a DELETE naming a version
// removes that version for good.

// Bucket versioning states (Bucket.Versioning).
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// NullVersion is how S3 names the null version in requests and answers.
const NullVersion = "null"

// Version is the version ID as S3 answers it: "null" for the null version.
func (o *Object) Version() string {
	if o.VersionID == "" {
		return NullVersion
	}
	return o.VersionID
}

// newVersionID makes the ID of the version committed as seq: 32 hex digits,
// safe in a URL like S3's, the first 16 the sequence number, so that a
// listing can resume after a version that has since been deleted (rb
// --force deletes what it lists), the rest random.
func newVersionID(seq uint64) string {
	return fmt.Sprintf("%016x", seq) + newBlobID()[:16]
}

// versionSeq is the sequence number a version ID carries (0 for "null").
func versionSeq(id string) uint64 {
	if len(id) != 32 {
		return 0
	}
	n, _ := strconv.ParseUint(id[:16], 16, 64)
	return n
}

// CheckVersionID refuses what cannot be a version ID ("" means none): S3
// answers 400 InvalidArgument to those, and NoSuchVersion only to IDs that
// could exist.
func CheckVersionID(id string) error {
	if id == "" || id == NullVersion {
		return nil
	}
	if _, err := hex.DecodeString(id); err != nil || len(id) != 32 {
		return s3err.Errorf("InvalidArgument", "Invalid version id specified").
			With("ArgumentName", "versionId").With("ArgumentValue", id)
	}
	return nil
}

// internalVersion maps a requested version ID to the stored one ("null" is
// stored as "").
func internalVersion(id string) string {
	if id == NullVersion {
		return ""
	}
	return id
}

func insertSorted(keys []string, k string) []string {
	i, found := slices.BinarySearch(keys, k)
	if found {
		return keys
	}
	return slices.Insert(keys, i, k)
}

func deleteSorted(keys []string, k string) []string {
	if i, found := slices.BinarySearch(keys, k); found {
		return slices.Delete(keys, i, i+1)
	}
	return keys
}

// push makes o the latest version of its key. A null version replaces the
// key's previous null version, which push returns (to be deleted).
func (b *bucketState) push(o *Object) (replaced *Object) {
	stack := b.versions[o.Key]
	if o.VersionID == "" {
		if i := indexOfVersion(stack, ""); i >= 0 {
			replaced = stack[i]
			stack = slices.Delete(slices.Clone(stack), i, i+1)
		}
	}
	b.versions[o.Key] = append([]*Object{o}, stack...)
	b.refresh(o.Key)
	return replaced
}

// removeVersion forgets one version of key; nil if there is none.
func (b *bucketState) removeVersion(key, versionID string) *Object {
	stack := b.versions[key]
	i := indexOfVersion(stack, versionID)
	if i < 0 {
		return nil
	}
	o := stack[i]
	b.versions[key] = slices.Delete(slices.Clone(stack), i, i+1)
	b.refresh(key)
	return o
}

// replace puts an updated record in the place of the version it updates.
func (b *bucketState) replace(o *Object) {
	stack := slices.Clone(b.versions[o.Key])
	if i := indexOfVersion(stack, o.VersionID); i >= 0 {
		stack[i] = o
		b.versions[o.Key] = stack
		b.refresh(o.Key)
	}
}

// refresh brings the current-version index in line with key's stack.
func (b *bucketState) refresh(key string) {
	stack := b.versions[key]
	if len(stack) == 0 {
		delete(b.versions, key)
		b.vkeys = deleteSorted(b.vkeys, key)
	} else {
		b.vkeys = insertSorted(b.vkeys, key)
	}
	if len(stack) == 0 || stack[0].DeleteMarker {
		delete(b.objects, key)
		b.keys = deleteSorted(b.keys, key)
		return
	}
	b.objects[key] = stack[0]
	b.keys = insertSorted(b.keys, key)
}

func indexOfVersion(stack []*Object, versionID string) int {
	return slices.IndexFunc(stack, func(o *Object) bool { return o.VersionID == versionID })
}

// lookupVersionLocked finds a version of key ("" or "null": the null
// version). Asked for a delete marker it answers as S3 does: 405, naming
// the marker.
func (s *Store) lookupVersionLocked(bucket, key, versionID string) (*Object, error) {
	b, ok := s.buckets[bucket]
	if !ok {
		return nil, s3err.NoSuchBucket(bucket)
	}
	stack := b.versions[key]
	i := indexOfVersion(stack, internalVersion(versionID))
	if i < 0 {
		e := s3err.Errorf("NoSuchVersion", "The specified version does not exist.").With("VersionId", versionID)
		e.Key = key
		return nil, e
	}
	o := stack[i]
	if o.DeleteMarker {
		return nil, s3err.MethodNotAllowed().
			WithHeader("X-Amz-Delete-Marker", "true").WithHeader("X-Amz-Version-Id", o.Version()).
			WithHeader("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	}
	return o, nil
}

// noSuchKey is the error for a key without a current version; when its
// latest version is a delete marker S3 says so in headers.
func noSuchKey(b *bucketState, key string) error {
	e := s3err.NoSuchKey(key)
	if stack := b.versions[key]; len(stack) > 0 && stack[0].DeleteMarker {
		e.WithHeader("X-Amz-Delete-Marker", "true").WithHeader("X-Amz-Version-Id", stack[0].Version())
	}
	return e
}

// HeadVersion returns a snapshot of a version of key; versionID "" means
// the current version.
func (s *Store) HeadVersion(bucket, key, versionID string) (*Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.lookupLocked(bucket, key, versionID)
}

// SetVersioning enables or suspends versioning on a bucket; a bucket with
// Object Lock keeps it enabled.
func (s *Store) SetVersioning(bucket, status string) error {
	return s.UpdateBucket(bucket, func(b *Bucket) error {
		if b.ObjectLock != nil && status != VersioningEnabled {
			return errLockedVersioning(bucket)
		}
		b.Versioning = status
		return nil
	})
}

// DeleteResult says what a DELETE did, in the terms of S3's answer.
type DeleteResult struct {
	// VersionID is the version removed or the delete marker created ("null"
	// for the null version); "" when the bucket was never versioned.
	VersionID string
	// DeleteMarker: a delete marker was created, or the version removed
	// was one.
	DeleteMarker bool
}

// Delete removes a version of key for good (versionID set), or else
// deletes key as S3 does for the bucket's versioning state: unversioned,
// the object goes; otherwise a delete marker becomes the latest version
// (a null one when versioning is suspended, replacing the null version).
// Deleting what does not exist is not an error, as in S3. A version that
// Object Lock protects is not removed (ErrLocked); bypassGovernance lifts
// a GOVERNANCE retention.
func (s *Store) Delete(bucket, key, versionID string, bypassGovernance bool) (DeleteResult, error) {
	if err := CheckVersionID(versionID); err != nil {
		return DeleteResult{}, err
	}
	s.mu.Lock()
	b, ok := s.buckets[bucket]
	if !ok {
		s.mu.Unlock()
		return DeleteResult{}, s3err.NoSuchBucket(bucket)
	}
	var res DeleteResult
	var drop *Object
	var err error
	switch {
	case versionID != "":
		if err := s.checkDeletableLocked(b, key, internalVersion(versionID), bypassGovernance); err != nil {
			s.mu.Unlock()
			return DeleteResult{}, err
		}
		drop = b.removeVersion(key, internalVersion(versionID))
		res = DeleteResult{VersionID: versionID, DeleteMarker: drop != nil && drop.DeleteMarker}
	case b.rec.Versioning == "":
		drop = b.removeVersion(key, "")
	default:
		marker := &Object{Bucket: bucket, Key: key, DeleteMarker: true}
		drop, err = s.commitLocked(b, marker)
		res = DeleteResult{VersionID: marker.Version(), DeleteMarker: true}
	}
	s.mu.Unlock()
	s.dropObject(drop)
	return res, err
}

// DeleteObject deletes key as a simple DELETE does (see Delete).
func (s *Store) DeleteObject(bucket, key string) error {
	_, err := s.Delete(bucket, key, "", false)
	return err
}

// VersionQuery selects one page of a bucket's versions.
type VersionQuery struct {
	Prefix, Delimiter string
	// KeyMarker and VersionIDMarker: the page starts after this version of
	// this key, or after every version of KeyMarker when VersionIDMarker
	// is "" (KeyMarker may also be a common prefix).
	KeyMarker, VersionIDMarker string
	MaxKeys                    int // versions, delete markers and prefixes per page
}

// VersionPage is one page of ListObjectVersions.
type VersionPage struct {
	Versions  []VersionEntry
	Prefixes  []string
	Truncated bool
	// NextKeyMarker and NextVersionIDMarker resume after the last item
	// (NextVersionIDMarker is "" when that was a common prefix).
	NextKeyMarker, NextVersionIDMarker string
}

// VersionEntry is a version (or delete marker) and whether it is the
// latest of its key.
type VersionEntry struct {
	*Object
	IsLatest bool
}

// ListVersions returns one page of the bucket's versions: keys in order,
// each key's versions newest first, with the listing rule of List.
func (s *Store) ListVersions(bucket string, q VersionQuery) (VersionPage, error) {
	if q.VersionIDMarker != "" && q.KeyMarker == "" {
		return VersionPage{}, s3err.Errorf("InvalidArgument", "A version-id marker cannot be specified without a key marker.").
			With("ArgumentName", "version-id-marker").With("ArgumentValue", q.VersionIDMarker)
	}
	if err := CheckVersionID(q.VersionIDMarker); err != nil {
		return VersionPage{}, err
	}
	var page VersionPage
	err := s.viewBucket(bucket, func(b *bucketState) { page = listVersions(b, q) })
	return page, err
}

// resumeAfter is the index in a key's stack (newest first) of the first
// version after versionID: after every version when versionID is "", and
// after the versions at least as new as versionID when it is gone.
func resumeAfter(stack []*Object, versionID string) int {
	if versionID == "" {
		return len(stack)
	}
	if j := indexOfVersion(stack, internalVersion(versionID)); j >= 0 {
		return j + 1
	}
	seq := versionSeq(versionID)
	if seq == 0 {
		return len(stack) // a deleted null version: its place is unknown
	}
	return sort.Search(len(stack), func(j int) bool { return stack[j].Seq < seq })
}

func listVersions(b *bucketState, q VersionQuery) VersionPage {
	var page VersionPage
	if q.MaxKeys <= 0 {
		return page
	}
	full := func() bool { return len(page.Versions)+len(page.Prefixes) == q.MaxKeys }
	keys := b.vkeys
	for i := sort.SearchStrings(keys, max(q.Prefix, q.KeyMarker)); i < len(keys); {
		k := keys[i]
		if !strings.HasPrefix(k, q.Prefix) {
			break
		}
		if cp := CommonPrefix(k, q.Prefix, q.Delimiter); cp != "" {
			next := endOfPrefix(keys, i, cp)
			if cp != q.KeyMarker {
				if full() {
					page.Truncated = true
					return page
				}
				page.Prefixes = append(page.Prefixes, cp)
				page.NextKeyMarker, page.NextVersionIDMarker = cp, ""
			}
			i = next
			continue
		}
		stack := b.versions[k]
		from := 0
		if k == q.KeyMarker {
			from = resumeAfter(stack, q.VersionIDMarker)
		}
		for j := from; j < len(stack); j++ {
			if full() {
				page.Truncated = true
				return page
			}
			page.Versions = append(page.Versions, VersionEntry{Object: stack[j], IsLatest: j == 0})
			page.NextKeyMarker, page.NextVersionIDMarker = k, stack[j].Version()
		}
		i++
	}
	page.NextKeyMarker, page.NextVersionIDMarker = "", ""
	return page
}
