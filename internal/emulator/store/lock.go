package store

import (
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Object Lock, as S3 has it. A bucket created with Object Lock has
// versioning enabled for good and may carry a default retention rule. Each
// version may carry a retention (a mode and a date) and a legal hold; while
// either protects it, the version cannot be deleted (AccessDenied). A
// DELETE without versionId still pushes a delete marker: that hides the
// object and deletes nothing, so S3 allows it. GOVERNANCE retention may be
// lifted or shortened by whoever may bypass it; COMPLIANCE can only be
// extended until it ends; a legal hold stays until it is turned off.

// Retention modes and legal hold statuses, as S3 names them.
const (
	LockGovernance = "GOVERNANCE"
	LockCompliance = "COMPLIANCE"
	LegalHoldOn    = "ON"
	LegalHoldOff   = "OFF"
)

// LockConfig is the Object Lock configuration of a bucket created with
// Object Lock: its default retention rule, if any (persisted as JSON).
type LockConfig struct {
	DefaultMode  string `json:",omitempty"` // "": no default retention
	DefaultDays  int    `json:",omitempty"` // one of DefaultDays and DefaultYears is set with DefaultMode
	DefaultYears int    `json:",omitempty"`
}

// defaultRetention is the retention a version created at t gets when its
// request names none; nil without a default rule.
func (c *LockConfig) defaultRetention(t time.Time) *Retention {
	if c == nil || c.DefaultMode == "" {
		return nil
	}
	return &Retention{Mode: c.DefaultMode, Until: t.AddDate(c.DefaultYears, 0, c.DefaultDays).UTC()}
}

// HasDefaultRetention reports whether new versions get a retention when
// their request names none.
func (c *LockConfig) HasDefaultRetention() bool { return c != nil && c.DefaultMode != "" }

// Retention is a version's Object Lock retention: its mode and the time
// until which it protects the version.
type Retention struct {
	Mode  string
	Until time.Time
}

// ObjectLock is what protects a version: its retention (nil: none) and its
// legal hold (LegalHoldOn, LegalHoldOff, or "" for never set). Writes
// carry the lock their request asked for (PutInput, Upload).
type ObjectLock struct {
	Retention *Retention `json:",omitempty"`
	LegalHold string     `json:",omitempty"`
}

// protects reports whether the lock forbids deleting the version at now;
// bypassGovernance lifts a GOVERNANCE retention (never a COMPLIANCE one,
// nor a legal hold).
func (l ObjectLock) protects(now time.Time, bypassGovernance bool) bool {
	if l.LegalHold == LegalHoldOn {
		return true
	}
	r := l.Retention
	return r != nil && now.Before(r.Until) && !(bypassGovernance && r.Mode == LockGovernance)
}

// ErrLocked is S3's answer to deleting, or shortening the retention of, a
// version that Object Lock protects.
func ErrLocked() *s3err.Error {
	return s3err.Errorf("AccessDenied", "Access Denied because object protected by object lock.")
}

// ErrNoLockConfiguration is S3's answer to an Object Lock request on a
// bucket created without Object Lock.
func ErrNoLockConfiguration() *s3err.Error {
	return s3err.Errorf("InvalidRequest", "Bucket is missing Object Lock Configuration")
}

// errLockedVersioning refuses to change the versioning of a bucket with
// Object Lock.
func errLockedVersioning(bucket string) error {
	return s3err.Errorf("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.").WithBucket(bucket)
}

// SetLockConfig replaces the Object Lock configuration of a bucket created
// with Object Lock; any other bucket is InvalidBucketState, as S3 answers
// when the bucket was not made with Object Lock.
func (s *Store) SetLockConfig(bucket string, c LockConfig) error {
	return s.UpdateBucket(bucket, func(b *Bucket) error {
		if b.ObjectLock == nil {
			return s3err.Errorf("InvalidBucketState", "Object Lock configuration cannot be enabled on existing buckets").WithBucket(bucket)
		}
		b.ObjectLock = &c
		return nil
	})
}

// SetRetention sets a version's retention ("" the current version); nil
// removes it. What protects the version may only grow, as S3 rules: a
// COMPLIANCE retention in force may only be extended, keeping its mode; a
// GOVERNANCE one may become COMPLIANCE or be extended, and only with
// bypassGovernance be shortened or removed.
func (s *Store) SetRetention(bucket, key, versionID string, r *Retention, bypassGovernance bool) error {
	return s.updateVersion(bucket, key, versionID, func(b *Bucket, o *Object) error {
		if b.ObjectLock == nil {
			return ErrNoLockConfiguration()
		}
		if !retentionMayBecome(o.Retention, r, s.now(), bypassGovernance) {
			return ErrLocked()
		}
		o.Retention = r
		return nil
	})
}

// retentionMayBecome reports whether a retention cur may be replaced by
// next (nil: none) at now.
func retentionMayBecome(cur, next *Retention, now time.Time, bypassGovernance bool) bool {
	switch {
	case cur == nil || !now.Before(cur.Until):
		return true // nothing in force
	case cur.Mode == LockGovernance && bypassGovernance:
		return true
	case next == nil || next.Until.Before(cur.Until):
		return false
	}
	return cur.Mode == LockGovernance || next.Mode == LockCompliance
}

// SetLegalHold turns a version's legal hold on or off ("" the current
// version), independently of its retention.
func (s *Store) SetLegalHold(bucket, key, versionID string, status string) error {
	return s.updateVersion(bucket, key, versionID, func(b *Bucket, o *Object) error {
		if b.ObjectLock == nil {
			return ErrNoLockConfiguration()
		}
		o.LegalHold = status
		return nil
	})
}

// checkDeletableLocked refuses to remove a version that Object Lock
// protects; a version that does not exist is not refused (its deletion
// succeeds, as in S3).
func (s *Store) checkDeletableLocked(b *bucketState, key, versionID string, bypassGovernance bool) error {
	stack := b.versions[key]
	if i := indexOfVersion(stack, versionID); i >= 0 && stack[i].protects(s.now(), bypassGovernance) {
		return ErrLocked()
	}
	return nil
}

// applyDefaultRetention gives a new version of a bucket with a default
// retention rule that retention, counted from the version's creation,
// unless its request named one.
func applyDefaultRetention(b *Bucket, rec *Object) {
	if rec.DeleteMarker || rec.Retention != nil {
		return
	}
	rec.Retention = b.ObjectLock.defaultRetention(rec.Modified)
}
