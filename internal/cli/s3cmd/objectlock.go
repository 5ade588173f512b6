package s3cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Object Lock in the commands that delete. S3 refuses to delete a version
// that a retention or a legal hold protects; a delete without a version
// only adds a delete marker, which it allows. Where qcli deletes versions
// (rm --version-id, rb --force), or a server refuses a plain delete (mv's
// source) for Object Lock, a refusal names the object and what protects
// it, read from the version's HEAD; rb --force looks for protected
// versions before it deletes anything.

// bypassFlag is the flag of rm and rb that asks to bypass GOVERNANCE
// retention.
const bypassFlag = "bypass-governance-retention"

// deleteOptions are the client's options for a delete that may bypass
// GOVERNANCE retention.
func deleteOptions(bypass bool) []client.DeleteOption {
	if bypass {
		return []client.DeleteOption{client.WithBypassGovernanceRetention()}
	}
	return nil
}

// describeLock says what protects a version as its HEAD shows it
// ("GOVERNANCE retention until 2030-01-02T03:04:05Z, legal hold on") and
// what would let it go.
func describeLock(info client.ObjectInfo, now time.Time, bypass bool) (what, hint string) {
	var parts, hints []string
	if info.LockMode != "" && now.Before(info.LockRetainUntil) {
		parts = append(parts, fmt.Sprintf("%s retention until %s", info.LockMode, info.LockRetainUntil.UTC().Format(time.RFC3339)))
		switch {
		case info.LockMode == client.RetentionCompliance:
			hints = append(hints, "COMPLIANCE retention cannot be shortened or lifted before it ends")
		case bypass && info.LegalHold == client.LegalHoldOn: // the hold is what stopped it
		case bypass:
			hints = append(hints, "the service did not let these credentials bypass GOVERNANCE retention")
		default:
			hints = append(hints, "--"+bypassFlag+" lifts GOVERNANCE retention for a user allowed to bypass it")
		}
	}
	if info.LegalHold == client.LegalHoldOn {
		parts = append(parts, "legal hold on")
		hints = append(hints, "a legal hold must be turned off first (qcli s3api put-object-legal-hold --legal-hold Status=OFF)")
	}
	return strings.Join(parts, ", "), strings.Join(hints, "; ")
}

// lockRefusal explains a delete the service refused (code and message),
// when Object Lock is why: "s3://b/k (version v) is protected by Object
// Lock (COMPLIANCE retention until …); not deleted: …". ok is false for
// any other refusal.
func lockRefusal(ctx context.Context, c *client.Client, bucket string, id client.ObjectID, code client.ErrorCode, message string, bypass bool) (string, bool) {
	if code != client.ErrAccessDenied {
		return "", false
	}
	named := client.DeleteFailure{Code: code, Message: message}.ObjectLocked()
	what, hint := "", ""
	if info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: bucket, Key: id.Key, VersionID: id.VersionID}); err == nil {
		what, hint = describeLock(info, time.Now(), bypass)
	}
	if what == "" && !named {
		return "", false // denied for another reason
	}
	msg := protectedBy(bucket, id, what) + "; not deleted"
	if hint != "" {
		msg += ": " + hint
	}
	return msg, true
}

// protectedBy names a version Object Lock keeps, and how when what says:
// "s3://b/k (version v) is protected by Object Lock (what)".
func protectedBy(bucket string, id client.ObjectID, what string) string {
	msg := fmt.Sprintf("s3://%s/%s%s is protected by Object Lock", bucket, id.Key, versionSuffix(id.VersionID))
	if what != "" {
		msg += " (" + what + ")"
	}
	return msg
}

// lockedDeleteError is lockRefusal for a DeleteObject's error; other
// errors come back as they are.
func lockedDeleteError(ctx context.Context, c *client.Client, bucket string, id client.ObjectID, err error, bypass bool) error {
	var se *client.Error
	if !errors.As(err, &se) {
		return err
	}
	if msg, ok := lockRefusal(ctx, c, bucket, id, se.Code, se.Message, bypass); ok {
		return errors.New(msg)
	}
	return err
}

// lockChecks is how many versions' HEADs findLockedVersion has in flight.
const lockChecks = 8

// findLockedVersion looks, in a bucket with Object Lock, for a version
// that Object Lock keeps from being deleted, and explains the first it
// finds ("" when there is none, or the bucket has no Object Lock). Delete
// markers cannot be locked and are not asked about.
func findLockedVersion(ctx context.Context, c *client.Client, bucket string, pageSize int32, bypass bool) (string, error) {
	if _, err := c.GetObjectLockConfiguration(ctx, bucket); err != nil {
		if errors.Is(err, client.ErrObjectLockConfigurationNotFound) || errors.Is(err, client.ErrNotImplemented) {
			return "", nil
		}
		return "", err
	}
	now := time.Now()
	for page, err := range c.ListObjectVersions(ctx, client.ListObjectVersionsInput{Bucket: bucket, MaxKeys: pageSize}) {
		if err != nil {
			return "", err
		}
		found, err := lockedInPage(ctx, c, bucket, page.Versions, now, bypass)
		if found != "" || err != nil {
			return found, err
		}
	}
	return "", nil
}

// lockedInPage HEADs a page's versions, lockChecks at a time, and explains
// the first locked one in listing order.
func lockedInPage(ctx context.Context, c *client.Client, bucket string, versions []client.ObjectVersion, now time.Time, bypass bool) (string, error) {
	found := make([]string, len(versions))
	errs := make([]error, len(versions))
	slots := make(chan struct{}, lockChecks)
	var wg sync.WaitGroup
	for i, v := range versions {
		if v.DeleteMarker {
			continue
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: bucket, Key: v.Key, VersionID: v.VersionID})
			if err != nil {
				if !client.IsNotFound(err) { // gone since it was listed: nothing to keep
					errs[i] = err
				}
				return
			}
			if info.ObjectLocked(now, bypass) {
				what, hint := describeLock(info, now, bypass)
				found[i] = protectedBy(bucket, client.ObjectID{Key: v.Key, VersionID: v.VersionID}, what) + ": " + hint
			}
		})
	}
	wg.Wait()
	for i := range versions {
		if found[i] != "" || errs[i] != nil {
			return found[i], errs[i]
		}
	}
	return "", nil
}
