package client_test

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

// putLocked stores body under key with Content-MD5, which S3 wants with a
// lock, and returns its version.
func putLocked(t *testing.T, c *client.Client, bucket, key, body string, lock client.ObjectLock) string {
	t.Helper()
	sum := md5.Sum([]byte(body))
	out, err := c.PutObject(t.Context(), client.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader(body),
		ContentMD5: base64.StdEncoding.EncodeToString(sum[:]), ObjectAttributes: client.ObjectAttributes{Lock: lock}})
	if err != nil {
		t.Fatal(err)
	}
	return out.VersionID
}

// Object Lock end to end over TLS: the bucket's configuration, a version's
// retention and legal hold, and deletes refused, typed, and bypassed.
func TestObjectLockAgainstTheEmulator(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	ctx := t.Context()
	if err := c.CreateBucket(ctx, "vault", client.CreateBucketOptions{ObjectLock: true}); err != nil {
		t.Fatal(err)
	}
	if cfg, err := c.GetObjectLockConfiguration(ctx, "vault"); err != nil || cfg.DefaultRetention != nil {
		t.Fatalf("a new locked bucket: %+v %v", cfg, err)
	}
	want := client.ObjectLockConfiguration{DefaultRetention: &client.DefaultRetention{Mode: client.RetentionGovernance, Days: 7}}
	if err := c.PutObjectLockConfiguration(ctx, "vault", want); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetObjectLockConfiguration(ctx, "vault"); err != nil || *got.DefaultRetention != *want.DefaultRetention {
		t.Fatalf("GetObjectLockConfiguration = %+v, %v", got.DefaultRetention, err)
	}

	v := putLocked(t, c, "vault", "doc", "contents", client.ObjectLock{})
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "vault", Key: "doc"})
	if err != nil || info.LockMode != client.RetentionGovernance || info.LockRetainUntil.Sub(info.LastModified.Add(7*24*time.Hour)).Abs() > time.Second {
		t.Fatalf("the default retention: %s until %v (modified %v), %v", info.LockMode, info.LockRetainUntil, info.LastModified, err)
	}
	obj := client.ObjectRef{Bucket: "vault", Key: "doc", VersionID: v}
	if err := c.PutObjectLegalHold(ctx, obj, true); err != nil {
		t.Fatal(err)
	}
	if on, err := c.GetObjectLegalHold(ctx, obj); err != nil || !on {
		t.Fatalf("GetObjectLegalHold = %v, %v", on, err)
	}

	err = c.DeleteObject(ctx, "vault", "doc", v, client.WithBypassGovernanceRetention())
	if !client.IsObjectLocked(err) || !errors.Is(err, client.ErrAccessDenied) {
		t.Fatalf("deleting a held version: %v, want an Object Lock refusal", err)
	}
	res, err := c.DeleteObjects(ctx, "vault", []client.ObjectID{{Key: "doc", VersionID: v}})
	if err != nil || len(res.Failed) != 1 || !res.Failed[0].ObjectLocked() || len(res.Deleted) != 0 {
		t.Fatalf("DeleteObjects of a held version: %+v %v", res, err)
	}
	if err := c.PutObjectLegalHold(ctx, obj, false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteObject(ctx, "vault", "doc", v); !client.IsObjectLocked(err) {
		t.Fatalf("deleting a version under GOVERNANCE without the bypass: %v", err)
	}
	res, err = c.DeleteObjects(ctx, "vault", []client.ObjectID{{Key: "doc", VersionID: v}}, client.WithBypassGovernanceRetention())
	if err != nil || len(res.Deleted) != 1 {
		t.Fatalf("DeleteObjects with the bypass: %+v %v", res, err)
	}
	bypassed := log.count(func(r *http.Request) bool { return r.Header.Get("X-Amz-Bypass-Governance-Retention") == "true" })
	if bypassed != 2 {
		t.Errorf("%d requests carried the bypass header, want 2 (DeleteObject and DeleteObjects)", bypassed)
	}

	// COMPLIANCE: not even the bypass shortens it.
	until := time.Now().Add(time.Hour).Truncate(time.Second)
	v2 := putLocked(t, c, "vault", "sealed", "s", client.ObjectLock{Mode: client.RetentionCompliance, RetainUntil: until})
	err = c.PutObjectRetention(ctx, client.PutObjectRetentionInput{ObjectRef: client.ObjectRef{Bucket: "vault", Key: "sealed", VersionID: v2},
		Retention: client.Retention{Mode: client.RetentionCompliance, RetainUntil: until.Add(-time.Minute)}, BypassGovernanceRetention: true})
	if !client.IsObjectLocked(err) {
		t.Fatalf("shortening COMPLIANCE: %v", err)
	}
	if r, err := c.GetObjectRetention(ctx, client.ObjectRef{Bucket: "vault", Key: "sealed"}); err != nil || !r.RetainUntil.Equal(until) || r.Mode != client.RetentionCompliance {
		t.Fatalf("GetObjectRetention = %+v, %v", r, err)
	}

	// A bucket made without Object Lock cannot get it.
	if err := c.CreateBucket(ctx, "plain", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetObjectLockConfiguration(ctx, "plain"); !errors.Is(err, client.ErrObjectLockConfigurationNotFound) {
		t.Errorf("GetObjectLockConfiguration of a plain bucket: %v", err)
	}
	if err := c.PutObjectLockConfiguration(ctx, "plain", want); !errors.Is(err, client.ErrInvalidBucketState) {
		t.Errorf("PutObjectLockConfiguration of a plain bucket: %v", err)
	}
}

// A configuration or lock that S3 would refuse is refused before sending.
func TestObjectLockInputsAreValidated(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	for name, d := range map[string]client.DefaultRetention{
		"no mode":        {Days: 1},
		"bad mode":       {Mode: "FOREVER", Days: 1},
		"no period":      {Mode: client.RetentionGovernance},
		"both periods":   {Mode: client.RetentionGovernance, Days: 1, Years: 1},
		"negative":       {Mode: client.RetentionGovernance, Days: -1},
		"too many days":  {Mode: client.RetentionGovernance, Days: client.MaxDefaultRetentionDays + 1},
		"too many years": {Mode: client.RetentionCompliance, Years: client.MaxDefaultRetentionYears + 1},
	} {
		var ve *client.ValidationError
		if err := c.PutObjectLockConfiguration(t.Context(), "vault", client.ObjectLockConfiguration{DefaultRetention: &d}); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	for name, lock := range map[string]client.ObjectLock{
		"mode without date": {Mode: client.RetentionGovernance},
		"date without mode": {RetainUntil: time.Now().Add(time.Hour)},
	} {
		var ve *client.ValidationError
		_, err := c.PutObject(t.Context(), client.PutObjectInput{Bucket: "vault", Key: "k", Body: strings.NewReader("x"),
			ObjectAttributes: client.ObjectAttributes{Lock: lock}})
		if !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if n := log.count(nil); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// ObjectInfo.ObjectLocked is S3's rule as HEAD shows it.
func TestObjectInfoObjectLocked(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, c := range []struct {
		info   client.ObjectInfo
		bypass bool
		want   bool
	}{
		{client.ObjectInfo{}, false, false},
		{client.ObjectInfo{LegalHold: "OFF"}, false, false},
		{client.ObjectInfo{LegalHold: "ON"}, true, true},
		{client.ObjectInfo{LockMode: "GOVERNANCE", LockRetainUntil: later}, false, true},
		{client.ObjectInfo{LockMode: "GOVERNANCE", LockRetainUntil: later}, true, false},
		{client.ObjectInfo{LockMode: "GOVERNANCE", LockRetainUntil: later, LegalHold: "ON"}, true, true},
		{client.ObjectInfo{LockMode: "COMPLIANCE", LockRetainUntil: later}, true, true},
		{client.ObjectInfo{LockMode: "COMPLIANCE", LockRetainUntil: earlier}, false, false},
	} {
		if got := c.info.ObjectLocked(now, c.bypass); got != c.want {
			t.Errorf("%+v bypass %v: %v, want %v", c.info, c.bypass, got, c.want)
		}
	}
}
