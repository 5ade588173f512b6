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

func TestBucketTagging(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	_, err := c.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchTagSet")

	tags := []types.Tag{{Key: aws.String("project"), Value: aws.String("project one")}}
	if _, err := c.PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{Bucket: aws.String("bkt"),
		Tagging: &types.Tagging{TagSet: tags}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("bkt")})
	if err != nil || len(out.TagSet) != 1 || aws.ToString(out.TagSet[0].Value) != "project one" {
		t.Fatalf("tags %+v %v", out, err)
	}
	if _, err := c.DeleteBucketTagging(t.Context(), &s3.DeleteBucketTaggingInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchTagSet")
	_, err = c.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("nope")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchBucket")
}

func objectTags(t *testing.T, c *s3.Client, key string) map[string]string {
	t.Helper()
	out, err := c.GetObjectTagging(t.Context(), &s3.GetObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, tg := range out.TagSet {
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return m
}

func TestObjectTaggingLeavesDataAlone(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "original body", func(in *s3.PutObjectInput) { in.Tagging = aws.String("a=1&b=two%20words") })
	if got := objectTags(t, c, "obj"); got["a"] != "1" || got["b"] != "two words" || len(got) != 2 {
		t.Fatalf("tags from x-amz-tagging: %v", got)
	}
	_, err := c.PutObjectTagging(t.Context(), &s3.PutObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("obj"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("c"), Value: aws.String("3")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := objectTags(t, c, "obj"); got["c"] != "3" || len(got) != 1 {
		t.Fatalf("tags after put: %v", got)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "original body" {
		t.Fatalf("PutObjectTagging changed the object to %q", got)
	}
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil || head.ContentLength == nil || *head.ContentLength != int64(len("original body")) {
		t.Fatalf("head after tagging: %v", err)
	}
	if _, err := c.DeleteObjectTagging(t.Context(), &s3.DeleteObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("obj")}); err != nil {
		t.Fatal(err)
	}
	if got := objectTags(t, c, "obj"); len(got) != 0 {
		t.Fatalf("tags after delete: %v", got)
	}
	_, err = c.PutObjectTagging(t.Context(), &s3.PutObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("missing"),
		Tagging: &types.Tagging{TagSet: []types.Tag{}}})
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
	_, err = c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
}

func hasGrant(acl *s3.GetBucketAclOutput, uri, perm string) bool {
	for _, g := range acl.Grants {
		if g.Grantee != nil && aws.ToString(g.Grantee.URI) == uri && string(g.Permission) == perm {
			return true
		}
	}
	return false
}

func TestBucketAndObjectACL(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("pub"), ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	acl, err := c.GetBucketAcl(t.Context(), &s3.GetBucketAclInput{Bucket: aws.String("pub")})
	if err != nil || acl.Owner == nil || len(acl.Grants) != 2 || acl.Grants[0].Permission != types.PermissionFullControl ||
		!hasGrant(acl, "http://acs.amazonaws.com/groups/global/AllUsers", "READ") {
		t.Fatalf("public-read bucket ACL %+v %v", acl, err)
	}
	if _, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("pub"), ACL: types.BucketCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	acl, _ = c.GetBucketAcl(t.Context(), &s3.GetBucketAclInput{Bucket: aws.String("pub")})
	if len(acl.Grants) != 1 || aws.ToString(acl.Grants[0].Grantee.ID) != aws.ToString(acl.Owner.ID) {
		t.Fatalf("private ACL %+v", acl.Grants)
	}

	emulatortest.MustPut(t, c, "pub", "obj", "body")
	if _, err := c.PutObjectAcl(t.Context(), &s3.PutObjectAclInput{Bucket: aws.String("pub"), Key: aws.String("obj"), ACL: types.ObjectCannedACLAuthenticatedRead}); err != nil {
		t.Fatal(err)
	}
	oacl, err := c.GetObjectAcl(t.Context(), &s3.GetObjectAclInput{Bucket: aws.String("pub"), Key: aws.String("obj")})
	if err != nil || len(oacl.Grants) != 2 || aws.ToString(oacl.Grants[1].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" {
		t.Fatalf("object ACL %+v %v", oacl, err)
	}
	if got := emulatortest.MustGet(t, c, "pub", "obj"); got != "body" {
		t.Fatalf("PutObjectAcl changed the object to %q", got)
	}
}

func TestUnsupportedSubresourcesNeverReachObjects(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "keep me")
	_, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 501, "NotImplemented")
	_, err = c.GetBucketCors(t.Context(), &s3.GetBucketCorsInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 501, "NotImplemented")
	_, err = c.GetBucketEncryption(t.Context(), &s3.GetBucketEncryptionInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 501, "NotImplemented")
	for _, sub := range []string{"lifecycle", "website", "policy", "cors", "encryption", "object-lock", "brand-new-api"} {
		req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj?"+sub, []byte("<X/>"), "", nil)
		srv.Do(t, req).WantError(t, 501, "NotImplemented")
	}
	// Served, and refused in a bucket without Object Lock: never the object's.
	for _, sub := range []string{"retention", "legal-hold"} {
		req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj?"+sub, []byte("<X/>"), "", nil)
		srv.Do(t, req).WantError(t, 400, "InvalidRequest")
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "keep me" {
		t.Fatalf("a sub-resource PUT overwrote the object with %q", got)
	}
	for _, sub := range []string{"versioning", "location", "ownershipControls", "delete"} {
		req := srv.SignedRequest(t, http.MethodPut, "/bkt/obj?"+sub, []byte("<X/>"), "", nil)
		srv.Do(t, req).WantError(t, 501, "NotImplemented")
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "keep me" {
		t.Fatalf("a bucket sub-resource PUT on the object overwrote it with %q", got)
	}
	r := srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt?cors", nil, "", nil))
	if r.Status != 501 || !strings.Contains(string(r.Body), "cors") {
		t.Fatalf("bucket cors: %d %s", r.Status, r.Body)
	}
}
