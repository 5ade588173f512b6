package s3_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// startLocked starts an emulator on clock with a bucket created with
// Object Lock.
func startLocked(t *testing.T, clock *emulatortest.Clock, opts ...func(*emulator.Options)) (*emulatortest.Server, *s3.Client) {
	t.Helper()
	srv, c := emulatortest.StartS3(t, append([]func(*emulator.Options){func(o *emulator.Options) { o.Now = clock.Now }}, opts...)...)
	createLockedBucket(t, c, "locked")
	return srv, c
}

func createLockedBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}

// withMD5 gives a PutObject the Content-MD5 of body, which S3 wants with a
// lock.
func withMD5(body string) func(*s3.PutObjectInput) {
	sum := md5.Sum([]byte(body))
	return func(in *s3.PutObjectInput) { in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:])) }
}

func withRetention(mode types.ObjectLockMode, until time.Time) func(*s3.PutObjectInput) {
	return func(in *s3.PutObjectInput) { in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until) }
}

func deleteVersion(t *testing.T, c *s3.Client, bucket, key, version string, bypass bool) error {
	t.Helper()
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version)}
	if bypass {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.DeleteObject(t.Context(), in)
	return err
}

func putRetention(t *testing.T, c *s3.Client, key, version string, mode types.ObjectLockRetentionMode, until time.Time, bypass bool) error {
	t.Helper()
	in := &s3.PutObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String(key), VersionId: aws.String(version),
		Retention: &types.ObjectLockRetention{Mode: mode}}
	if !until.IsZero() {
		in.Retention.RetainUntilDate = aws.Time(until)
	}
	if mode == "" && until.IsZero() {
		in.Retention = &types.ObjectLockRetention{}
	}
	if bypass {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.PutObjectRetention(t.Context(), in)
	return err
}

func wantLocked(t *testing.T, err error) {
	t.Helper()
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	if !strings.Contains(err.Error(), "object lock") {
		t.Fatalf("%v does not say the object is locked", err)
	}
}

// A bucket made with Object Lock is versioned for good and has a lock
// configuration whose default rule is validated as S3 validates it.
func TestObjectLockConfiguration(t *testing.T) {
	srv, c := startLocked(t, &emulatortest.Clock{})
	ctx, b := t.Context(), aws.String("locked")
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}); err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning of a locked bucket: %+v %v", v, err)
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	emulatortest.WantAPIError(t, err, 409, "InvalidBucketState")

	got, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	if err != nil || got.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled || got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("GetObjectLockConfiguration of a new locked bucket: %+v %v", got.ObjectLockConfiguration, err)
	}
	put := func(rule *types.ObjectLockRule) error {
		_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: b,
			ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled, Rule: rule}})
		return err
	}
	rule := func(mode types.ObjectLockRetentionMode, days, years *int32) *types.ObjectLockRule {
		return &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: mode, Days: days, Years: years}}
	}
	if err := put(rule(types.ObjectLockRetentionModeCompliance, nil, aws.Int32(2))); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	if d := got.ObjectLockConfiguration.Rule.DefaultRetention; err != nil || d.Mode != types.ObjectLockRetentionModeCompliance || aws.ToInt32(d.Years) != 2 || d.Days != nil {
		t.Fatalf("the default rule came back as %+v %v", got.ObjectLockConfiguration.Rule.DefaultRetention, err)
	}
	for name, c := range map[string]struct {
		rule   *types.ObjectLockRule
		status int
		code   string
	}{
		"days and years": {rule(types.ObjectLockRetentionModeGovernance, aws.Int32(1), aws.Int32(1)), 400, "MalformedXML"},
		"no period":      {rule(types.ObjectLockRetentionModeGovernance, nil, nil), 400, "MalformedXML"},
		"no mode":        {rule("", aws.Int32(1), nil), 400, "MalformedXML"},
		"unknown mode":   {rule("FOREVER", aws.Int32(1), nil), 400, "MalformedXML"},
		"zero days":      {rule(types.ObjectLockRetentionModeGovernance, aws.Int32(0), nil), 400, "InvalidArgument"},
		"too many years": {rule(types.ObjectLockRetentionModeGovernance, nil, aws.Int32(101)), 400, "InvalidArgument"},
		"no retention":   {&types.ObjectLockRule{}, 400, "MalformedXML"},
	} {
		t.Run(name, func(t *testing.T) { emulatortest.WantAPIError(t, put(c.rule), c.status, c.code) })
	}
	// Without a rule the configuration drops the default.
	if err := put(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b}); err != nil || got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("after a put without a rule: %+v %v", got.ObjectLockConfiguration, err)
	}
	// Not Enabled, or no digest: refused.
	srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/locked?object-lock", []byte(`<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>`),
		"", http.Header{"Content-Md5": {md5Of(`<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>`)}})).WantError(t, 400, "MalformedXML")
	srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/locked?object-lock", []byte(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`),
		"", nil)).WantError(t, 400, "InvalidRequest")

	// A bucket made without Object Lock has none, and cannot get one.
	emulatortest.MustCreateBucket(t, c, "plain")
	_, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("plain")})
	emulatortest.WantAPIError(t, err, 404, "ObjectLockConfigurationNotFoundError")
	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("plain"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
	emulatortest.WantAPIError(t, err, 409, "InvalidBucketState")
}

func md5Of(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Retention and legal hold protect a version from deletion, and come back
// on GET and HEAD; a DELETE without a version only adds a delete marker.
func TestLockedVersionsCannotBeDeleted(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := startLocked(t, clock)
	ctx := t.Context()
	until := clock.Now().Add(10 * time.Minute).Truncate(time.Second).UTC()
	v := aws.ToString(emulatortest.MustPut(t, c, "locked", "doc", "v1", withMD5("v1"), withRetention(types.ObjectLockModeGovernance, until)).VersionId)

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("doc")})
	if err != nil || head.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(until) || head.ObjectLockLegalHoldStatus != "" {
		t.Fatalf("HEAD of a locked version: %s %v %s, %v", head.ObjectLockMode, head.ObjectLockRetainUntilDate, head.ObjectLockLegalHoldStatus, err)
	}
	ret, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("doc"), VersionId: aws.String(v)})
	if err != nil || ret.Retention.Mode != types.ObjectLockRetentionModeGovernance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(until) {
		t.Fatalf("GetObjectRetention: %+v %v", ret.Retention, err)
	}
	_, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("doc")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchObjectLockConfiguration")

	wantLocked(t, deleteVersion(t, c, "locked", "doc", v, false))
	// A plain delete hides the object behind a marker; the version stays.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("doc")}); err != nil {
		t.Fatalf("a DELETE without a version in a locked bucket: %v", err)
	}
	if got := mustGetVersion(t, c, "locked", "doc", v); got != "v1" {
		t.Fatalf("the locked version after a delete marker: %q", got)
	}

	// A legal hold alone protects, whatever the retention says.
	hold := func(status types.ObjectLockLegalHoldStatus) {
		t.Helper()
		if _, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("doc"), VersionId: aws.String(v),
			LegalHold: &types.ObjectLockLegalHold{Status: status}}); err != nil {
			t.Fatal(err)
		}
	}
	hold(types.ObjectLockLegalHoldStatusOn)
	lh, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("doc"), VersionId: aws.String(v)})
	if err != nil || lh.LegalHold.Status != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("GetObjectLegalHold: %+v %v", lh.LegalHold, err)
	}
	head, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("doc"), VersionId: aws.String(v)})
	if head.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("HEAD shows legal hold %q", head.ObjectLockLegalHoldStatus)
	}
	clock.Advance(11 * time.Minute) // the retention ends (within the signatures' 15 minutes of skew)
	wantLocked(t, deleteVersion(t, c, "locked", "doc", v, true))
	hold(types.ObjectLockLegalHoldStatusOff)
	if err := deleteVersion(t, c, "locked", "doc", v, false); err != nil {
		t.Fatalf("a version whose retention ended and whose hold was lifted: %v", err)
	}
}

// GOVERNANCE gives way to the root keys' bypass; COMPLIANCE to nothing,
// and may only be extended.
func TestRetentionModes(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := startLocked(t, clock)
	until := clock.Now().Add(time.Hour).UTC()
	later, sooner := until.Add(time.Hour), until.Add(-30*time.Minute)
	gov := aws.ToString(emulatortest.MustPut(t, c, "locked", "gov", "g", withMD5("g"), withRetention(types.ObjectLockModeGovernance, until)).VersionId)
	comp := aws.ToString(emulatortest.MustPut(t, c, "locked", "comp", "c", withMD5("c"), withRetention(types.ObjectLockModeCompliance, until)).VersionId)
	const G, C = types.ObjectLockRetentionModeGovernance, types.ObjectLockRetentionModeCompliance

	wantLocked(t, putRetention(t, c, "gov", gov, G, sooner, false))
	if err := putRetention(t, c, "gov", gov, G, later, false); err != nil {
		t.Fatalf("extending GOVERNANCE: %v", err)
	}
	if err := putRetention(t, c, "gov", gov, G, sooner, true); err != nil {
		t.Fatalf("shortening GOVERNANCE with the bypass: %v", err)
	}
	wantLocked(t, putRetention(t, c, "gov", gov, "", time.Time{}, false))
	if err := putRetention(t, c, "gov", gov, "", time.Time{}, true); err != nil {
		t.Fatalf("removing GOVERNANCE with the bypass: %v", err)
	}
	_, err := c.GetObjectRetention(t.Context(), &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("gov")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchObjectLockConfiguration")
	if err := putRetention(t, c, "gov", gov, G, until, false); err != nil {
		t.Fatal(err)
	}
	if err := deleteVersion(t, c, "locked", "gov", gov, true); err != nil {
		t.Fatalf("deleting a GOVERNANCE version with the bypass: %v", err)
	}

	for name, r := range map[string]struct {
		mode  types.ObjectLockRetentionMode
		until time.Time
	}{"shortened": {C, sooner}, "to GOVERNANCE": {G, later}, "removed": {"", time.Time{}}} {
		t.Run(name, func(t *testing.T) { wantLocked(t, putRetention(t, c, "comp", comp, r.mode, r.until, true)) })
	}
	wantLocked(t, deleteVersion(t, c, "locked", "comp", comp, true))
	if err := putRetention(t, c, "comp", comp, C, later, false); err != nil {
		t.Fatalf("extending COMPLIANCE: %v", err)
	}
	// A GOVERNANCE retention may be raised to COMPLIANCE without the bypass.
	g2 := aws.ToString(emulatortest.MustPut(t, c, "locked", "gov2", "g", withMD5("g"), withRetention(types.ObjectLockModeGovernance, until)).VersionId)
	if err := putRetention(t, c, "gov2", g2, C, until, false); err != nil {
		t.Fatalf("GOVERNANCE to COMPLIANCE: %v", err)
	}

	// A date not in the future, or half a retention, is refused.
	emulatortest.WantAPIError(t, putRetention(t, c, "comp", comp, C, clock.Now().Add(-time.Minute), false), 400, "InvalidArgument")
	emulatortest.WantAPIError(t, putRetention(t, c, "comp", comp, C, time.Time{}, false), 400, "MalformedXML")
}

// The root keys may bypass GOVERNANCE; other keys, even the bucket's
// owner, hold no such permission in the emulator.
func TestOnlyRootBypassesGovernance(t *testing.T) {
	_, root, alice, _ := startWithUsers(t, "")
	createLockedBucket(t, alice, "alices")
	until := time.Now().Add(time.Hour)
	v := aws.ToString(emulatortest.MustPut(t, alice, "alices", "k", "x", withMD5("x"), withRetention(types.ObjectLockModeGovernance, until)).VersionId)
	wantLocked(t, deleteVersion(t, alice, "alices", "k", v, true))
	if err := deleteVersion(t, root, "alices", "k", v, true); err != nil {
		t.Fatalf("the root key's bypass: %v", err)
	}
}

// DeleteObjects deletes the versions it may and reports the locked ones.
func TestDeleteObjectsReportsLockedVersions(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := startLocked(t, clock)
	until := clock.Now().Add(time.Hour)
	locked := aws.ToString(emulatortest.MustPut(t, c, "locked", "a", "a", withMD5("a"), withRetention(types.ObjectLockModeGovernance, until)).VersionId)
	free := aws.ToString(emulatortest.MustPut(t, c, "locked", "b", "b").VersionId)
	del := func(bypass bool) *s3.DeleteObjectsOutput {
		in := &s3.DeleteObjectsInput{Bucket: aws.String("locked"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
			{Key: aws.String("a"), VersionId: aws.String(locked)}, {Key: aws.String("b"), VersionId: aws.String(free)}}}}
		if bypass {
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		out, err := c.DeleteObjects(t.Context(), in, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported })
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := del(false)
	if len(out.Errors) != 1 || aws.ToString(out.Errors[0].Key) != "a" || aws.ToString(out.Errors[0].Code) != "AccessDenied" ||
		!strings.Contains(aws.ToString(out.Errors[0].Message), "object lock") || len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "b" {
		t.Fatalf("DeleteObjects of a locked and a free version: %+v", out)
	}
	if out := del(true); len(out.Errors) != 0 {
		t.Fatalf("DeleteObjects with the bypass: %+v", out.Errors)
	}
}

// The bucket's default retention reaches every new version that names
// none, counted from its creation: PutObject, CopyObject, multipart.
func TestDefaultRetention(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := startLocked(t, clock)
	ctx := t.Context()
	if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	// S3 wants a digest with any upload the bucket's rule locks.
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("locked"), Key: aws.String("nodigest"), Body: strings.NewReader("x")})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")

	emulatortest.MustPut(t, c, "locked", "put", "p", withMD5("p"))
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("locked"), Key: aws.String("copy"), CopySource: aws.String("locked/put")}); err != nil {
		t.Fatal(err)
	}
	// So does it with each part of a multipart upload the rule locks.
	id := emulatortest.CreateUpload(t, c, "locked", "multi")
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("locked"), Key: aws.String("multi"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), Body: strings.NewReader("m")})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
	if err := emulatortest.Complete(t, c, "locked", "multi", id, emulatortest.PutParts(t, c, "locked", "multi", id, [][]byte{[]byte("m")})); err != nil {
		t.Fatal(err)
	}
	// Named in the request, the mode and date win; a legal hold alone
	// keeps the default.
	explicit := clock.Now().Add(time.Hour).Truncate(time.Second).UTC()
	emulatortest.MustPut(t, c, "locked", "explicit", "e", withMD5("e"), withRetention(types.ObjectLockModeCompliance, explicit))
	emulatortest.MustPut(t, c, "locked", "held", "h", withMD5("h"), func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn })

	for _, key := range []string{"put", "copy", "multi", "held"} {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		want := aws.ToTime(head.LastModified).Add(24 * time.Hour)
		if head.ObjectLockMode != types.ObjectLockModeGovernance || aws.ToTime(head.ObjectLockRetainUntilDate).Sub(want).Abs() > time.Second {
			t.Errorf("%s: %s until %v, want GOVERNANCE until %v", key, head.ObjectLockMode, head.ObjectLockRetainUntilDate, want)
		}
	}
	head, _ := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("explicit")})
	if head.ObjectLockMode != types.ObjectLockModeCompliance || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(explicit) {
		t.Errorf("explicit retention came back as %s %v", head.ObjectLockMode, head.ObjectLockRetainUntilDate)
	}
	head, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("held")})
	if head.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Errorf("legal hold %q", head.ObjectLockLegalHoldStatus)
	}
}

// A multipart upload and a copy take the lock their request names.
func TestLockHeadersOnUploadsAndCopies(t *testing.T) {
	clock := &emulatortest.Clock{}
	_, c := startLocked(t, clock)
	ctx := t.Context()
	until := clock.Now().Add(time.Hour).Truncate(time.Second).UTC()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("locked"), Key: aws.String("mp"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
	parts := emulatortest.PutParts(t, c, "locked", "mp", aws.ToString(up.UploadId), [][]byte{[]byte("part")})
	if err := emulatortest.Complete(t, c, "locked", "mp", aws.ToString(up.UploadId), parts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("locked"), Key: aws.String("cp"), CopySource: aws.String("locked/mp"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)}); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string][2]string{"mp": {"COMPLIANCE", "ON"}, "cp": {"GOVERNANCE", ""}} {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String(key)})
		if err != nil || string(head.ObjectLockMode) != want[0] || string(head.ObjectLockLegalHoldStatus) != want[1] || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(until) {
			t.Errorf("%s: %s %v %s %v, want %v", key, head.ObjectLockMode, head.ObjectLockRetainUntilDate, head.ObjectLockLegalHoldStatus, err, want)
		}
	}
}

// The x-amz-object-lock-* headers of a write are checked as S3 checks them.
func TestLockHeadersAreChecked(t *testing.T) {
	clock := &emulatortest.Clock{}
	srv, c := startLocked(t, clock)
	emulatortest.MustCreateBucket(t, c, "plain")
	future := clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for name, tc := range map[string]struct {
		bucket string
		header http.Header
		status int
		code   string
	}{
		"mode without date":     {"locked", http.Header{"X-Amz-Object-Lock-Mode": {"GOVERNANCE"}}, 400, "InvalidArgument"},
		"date without mode":     {"locked", http.Header{"X-Amz-Object-Lock-Retain-Until-Date": {future}}, 400, "InvalidArgument"},
		"unknown mode":          {"locked", http.Header{"X-Amz-Object-Lock-Mode": {"FOREVER"}, "X-Amz-Object-Lock-Retain-Until-Date": {future}}, 400, "InvalidArgument"},
		"date not ISO 8601":     {"locked", http.Header{"X-Amz-Object-Lock-Mode": {"GOVERNANCE"}, "X-Amz-Object-Lock-Retain-Until-Date": {"tomorrow"}}, 400, "InvalidArgument"},
		"date in the past":      {"locked", http.Header{"X-Amz-Object-Lock-Mode": {"GOVERNANCE"}, "X-Amz-Object-Lock-Retain-Until-Date": {"2020-01-01T00:00:00Z"}}, 400, "InvalidArgument"},
		"bad legal hold":        {"locked", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"YES"}}, 400, "InvalidArgument"},
		"no digest":             {"locked", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"ON"}}, 400, "InvalidRequest"},
		"bucket without a lock": {"plain", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"ON"}, "Content-Md5": {md5Of("x")}}, 400, "InvalidRequest"},
	} {
		t.Run(name, func(t *testing.T) {
			srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/"+tc.bucket+"/k", []byte("x"), "", tc.header)).WantError(t, tc.status, tc.code)
		})
	}
	// The retention and legal hold of an object in a bucket without Object Lock.
	emulatortest.MustPut(t, c, "plain", "k", "x")
	_, err := c.GetObjectRetention(t.Context(), &s3.GetObjectRetentionInput{Bucket: aws.String("plain"), Key: aws.String("k")})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
	_, err = c.PutObjectLegalHold(t.Context(), &s3.PutObjectLegalHoldInput{Bucket: aws.String("plain"), Key: aws.String("k"),
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOn}})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
	if _, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("locked")}); err != nil {
		t.Fatal(err)
	}
}

// Object Lock persists with a data directory.
func TestObjectLockSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clock := &emulatortest.Clock{}
	srv, c := startLocked(t, clock, func(o *emulator.Options) { o.DataDir = dir })
	ctx := t.Context()
	if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(3)}}}}); err != nil {
		t.Fatal(err)
	}
	v := aws.ToString(emulatortest.MustPut(t, c, "locked", "k", "x", withMD5("x"), func(in *s3.PutObjectInput) {
		in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
	}).VersionId)
	id := emulatortest.CreateUpload(t, c, "locked", "pending")
	srv.Close()

	_, c = emulatortest.StartS3(t, func(o *emulator.Options) { o.DataDir, o.Now = dir, clock.Now })
	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("locked")})
	if err != nil || aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 3 {
		t.Fatalf("lock configuration after a restart: %+v %v", cfg.ObjectLockConfiguration, err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	if err != nil || head.ObjectLockMode != types.ObjectLockModeCompliance || head.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("the version's lock after a restart: %+v %v", head, err)
	}
	wantLocked(t, deleteVersion(t, c, "locked", "k", v, true))
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("locked"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	emulatortest.WantAPIError(t, err, 409, "InvalidBucketState")
	ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("locked")})
	if err != nil || len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].UploadId) != id {
		t.Fatalf("uploads after a restart: %+v %v", ups, err)
	}
}

// A data directory written before Object Lock loads: its buckets have no
// lock, its objects none either.
func TestOldDataDirHasNoObjectLock(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "buckets"), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"Name":"old","Created":"2025-01-02T03:04:05Z","HasTags":false,"Versioning":"Enabled"}`
	if err := os.WriteFile(filepath.Join(dir, "buckets", "old.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.DataDir = dir })
	_, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("old")})
	emulatortest.WantAPIError(t, err, 404, "ObjectLockConfigurationNotFoundError")
	v := aws.ToString(emulatortest.MustPut(t, c, "old", "k", "x").VersionId)
	if err := deleteVersion(t, c, "old", "k", v, false); err != nil {
		t.Fatal(err)
	}
}

// TestBoto3ObjectLock: boto3 makes a locked bucket, sets its default
// retention, puts locked versions, reads their retention and legal hold,
// and is refused deleting them (and shortening COMPLIANCE), as by S3.
func TestBoto3ObjectLock(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	runBoto3(t, srv, `
import datetime
v = "vault"
s3.create_bucket(Bucket=v, ObjectLockEnabledForBucket=True)
check(s3.get_bucket_versioning(Bucket=v).get("Status") == "Enabled", "a locked bucket is versioned")
s3.put_object_lock_configuration(Bucket=v, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
cfg = s3.get_object_lock_configuration(Bucket=v)["ObjectLockConfiguration"]
check(cfg["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 1}, "configuration %r" % cfg)
check(code(s3.get_object_lock_configuration, Bucket=b) == ("ObjectLockConfigurationNotFoundError", 404), "a plain bucket's configuration")
check(code(s3.put_object_retention, Bucket=b, Key="k", Retention={"Mode": "GOVERNANCE",
    "RetainUntilDate": datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)}) == ("InvalidRequest", 400), "retention in a plain bucket")

gov = s3.put_object(Bucket=v, Key="gov", Body=b"g")["VersionId"]
h = s3.head_object(Bucket=v, Key="gov")
check(h.get("ObjectLockMode") == "GOVERNANCE" and h.get("ObjectLockRetainUntilDate") is not None, "default retention on HEAD %r" % h)
until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=2)
comp = s3.put_object(Bucket=v, Key="comp", Body=b"c", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until,
    ObjectLockLegalHoldStatus="ON")["VersionId"]
r = s3.get_object_retention(Bucket=v, Key="comp", VersionId=comp)["Retention"]
check(r["Mode"] == "COMPLIANCE" and r["RetainUntilDate"] == until, "retention %r, want until %r" % (r, until))
check(s3.get_object_legal_hold(Bucket=v, Key="comp")["LegalHold"]["Status"] == "ON", "legal hold")
check(code(s3.put_object_retention, Bucket=v, Key="comp", VersionId=comp, BypassGovernanceRetention=True,
    Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until - datetime.timedelta(days=1)}) == ("AccessDenied", 403), "shortening COMPLIANCE")
check(code(s3.delete_object, Bucket=v, Key="comp", VersionId=comp) == ("AccessDenied", 403), "deleting a COMPLIANCE version")
check(code(s3.delete_object, Bucket=v, Key="gov", VersionId=gov) == ("AccessDenied", 403), "deleting a GOVERNANCE version")
check(s3.delete_object(Bucket=v, Key="comp").get("DeleteMarker") is True, "a delete marker over a locked version")
res = s3.delete_objects(Bucket=v, Delete={"Objects": [{"Key": "gov", "VersionId": gov}, {"Key": "comp", "VersionId": comp}]})
check(sorted(e["Code"] for e in res.get("Errors", [])) == ["AccessDenied", "AccessDenied"], "DeleteObjects of locked versions %r" % res)
res = s3.delete_objects(Bucket=v, BypassGovernanceRetention=True, Delete={"Objects": [{"Key": "gov", "VersionId": gov}]})
check([d["VersionId"] for d in res.get("Deleted", [])] == [gov] and not res.get("Errors"), "the bypass deletes GOVERNANCE %r" % res)
check(code(s3.delete_bucket, Bucket=v) == ("BucketNotEmpty", 409), "a bucket holding a locked version stays")
`)
}
