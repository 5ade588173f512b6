package s3_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func ownership(t *testing.T, c *s3.Client, bucket string) (types.ObjectOwnership, error) {
	t.Helper()
	out, err := c.GetBucketOwnershipControls(t.Context(), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", err
	}
	if out.OwnershipControls == nil || len(out.OwnershipControls.Rules) != 1 {
		t.Fatalf("ownership controls %+v", out.OwnershipControls)
	}
	return out.OwnershipControls.Rules[0].ObjectOwnership, nil
}

func TestOwnershipControls(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	ctx := t.Context()
	emulatortest.MustCreateBucket(t, c, "plain")
	_, err := ownership(t, c, "plain")
	emulatortest.WantAPIError(t, err, 404, "OwnershipControlsNotFoundError")
	put := func(bucket string, v types.ObjectOwnership) error {
		_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: v}}}})
		return err
	}
	if err := put("plain", types.ObjectOwnershipBucketOwnerPreferred); err != nil {
		t.Fatal(err)
	}
	if got, err := ownership(t, c, "plain"); err != nil || got != types.ObjectOwnershipBucketOwnerPreferred {
		t.Fatalf("after put: %s %v", got, err)
	}
	if _, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String("plain")}); err != nil {
		t.Fatal(err)
	}
	_, err = ownership(t, c, "plain")
	emulatortest.WantAPIError(t, err, 404, "OwnershipControlsNotFoundError")
	emulatortest.WantAPIError(t, put("plain", "Nobody"), 400, "MalformedXML")

	// BucketOwnerEnforced turns ACLs off: only bucket-owner-full-control passes.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enforced"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}); err != nil {
		t.Fatal(err)
	}
	if got, err := ownership(t, c, "enforced"); err != nil || got != types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("created enforced: %s %v", got, err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enforced"), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	emulatortest.WantAPIError(t, err, 400, "AccessControlListNotSupported")
	emulatortest.MustPut(t, c, "enforced", "k", "x", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLBucketOwnerFullControl })
	emulatortest.MustPut(t, c, "enforced", "plain", "x")
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("enforced"), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	emulatortest.WantAPIError(t, err, 400, "AccessControlListNotSupported")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("enforced"), ACL: types.BucketCannedACLPublicRead})
	emulatortest.WantAPIError(t, err, 400, "AccessControlListNotSupported")
	if _, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("enforced"), Key: aws.String("k")}); err != nil {
		t.Fatalf("GetObjectAcl with ACLs off: %v", err)
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enforced-public"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced,
		ACL: types.BucketCannedACLPublicRead})
	emulatortest.WantAPIError(t, err, 400, "InvalidBucketAclWithObjectOwnership")

	// ACLs off also means a public-read ACL set before no longer applies,
	// and a bucket whose own ACL is public cannot turn them off.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("was-public"), ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	emulatortest.WantAPIError(t, put("was-public", types.ObjectOwnershipBucketOwnerEnforced), 400, "InvalidBucketAclWithObjectOwnership")
	emulatortest.MustPut(t, c, "plain", "pub", "x", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead })
	wantStatus(t, anon(t, srv, http.MethodGet, "/plain/pub", ""), 200, "public-read object")
	if err := put("plain", types.ObjectOwnershipBucketOwnerEnforced); err != nil {
		t.Fatal(err)
	}
	anon(t, srv, http.MethodGet, "/plain/pub", "").WantError(t, 403, "AccessDenied")

	req := srv.SignedRequest(t, http.MethodPut, "/bad-ownership", nil, "", http.Header{"X-Amz-Object-Ownership": {"Everyone"}})
	srv.Do(t, req).WantError(t, 400, "InvalidArgument")
}

// TestBucketOwnerPreferred: an object another credential writes with
// bucket-owner-full-control goes to the bucket owner; one written without
// stays its writer's.
func TestBucketOwnerPreferred(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, withConsole)
	alice, aliceID := newCredential(t, srv, "alice")
	bob, bobID := newCredential(t, srv, "bob")
	ctx := t.Context()
	if _, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pref"), ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred,
		GrantWrite: aws.String("id=" + bobID)}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustPut(t, bob, "pref", "handed", "h", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLBucketOwnerFullControl })
	emulatortest.MustPut(t, bob, "pref", "kept", "k")
	acl, err := alice.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("pref"), Key: aws.String("handed")})
	if err != nil || aws.ToString(acl.Owner.ID) != aliceID {
		t.Fatalf("handed over: %+v %v", acl, err)
	}
	_, err = alice.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pref"), Key: aws.String("kept")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pref"), Key: aws.String("handed")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
}
