package s3_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

const consoleKey = "s3-test-console-key"

func withConsole(o *emulator.Options) { o.ConsoleAPIKey = consoleKey }

// newCredential makes a credential through the emulator's console, as a
// QStorage user would, and returns a client signing with it and its access
// key (which is its canonical user ID).
func newCredential(t *testing.T, srv *emulatortest.Server, name string) (*s3.Client, string) {
	t.Helper()
	c, key, _ := newCredentialKeys(t, srv, name)
	return c, key
}

// newCredentialKeys is newCredential that also returns the secret.
func newCredentialKeys(t *testing.T, srv *emulatortest.Server, name string) (c *s3.Client, key, secret string) {
	t.Helper()
	cc, err := console.New(console.Config{Endpoint: srv.URL, APIKey: consoleKey, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := cc.CreateCredential(t.Context(), console.CreateCredentialInput{UserName: name})
	if err != nil {
		t.Fatalf("console CreateCredential: %v", err)
	}
	c = srv.S3Client(emulatortest.WithCredentials(cred.AccessKey, cred.SecretKey), func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	return c, cred.AccessKey, cred.SecretKey
}

// anon sends an unsigned request, as a browser or curl does.
func anon(t *testing.T, srv *emulatortest.Server, method, path, body string) emulatortest.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return srv.Do(t, req)
}

func wantStatus(t *testing.T, r emulatortest.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d (%s), want %d", what, r.Status, r.Body, status)
	}
}

func TestAnonymousAccessFollowsACLs(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	for name, acl := range map[string]types.BucketCannedACL{"pub": types.BucketCannedACLPublicRead, "priv": "", "drop": types.BucketCannedACLPublicReadWrite} {
		if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name), ACL: acl}); err != nil {
			t.Fatal(err)
		}
	}
	public := func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead }
	emulatortest.MustPut(t, c, "pub", "open", "for everyone", public)
	emulatortest.MustPut(t, c, "pub", "closed", "not for you")
	emulatortest.MustPut(t, c, "priv", "open", "public object, private bucket", public)

	if r := anon(t, srv, http.MethodGet, "/pub/open", ""); r.Status != 200 || string(r.Body) != "for everyone" {
		t.Fatalf("anonymous GET of a public-read object: %d %q", r.Status, r.Body)
	}
	wantStatus(t, anon(t, srv, http.MethodHead, "/pub/open", ""), 200, "anonymous HEAD of a public-read object")
	wantStatus(t, anon(t, srv, http.MethodGet, "/pub/open?v=123", ""), 200, "a public URL with a cache-busting parameter")
	wantStatus(t, anon(t, srv, http.MethodGet, "/priv/open", ""), 200, "public-read object in a private bucket")
	anon(t, srv, http.MethodGet, "/pub/closed", "").WantError(t, 403, "AccessDenied")
	wantStatus(t, anon(t, srv, http.MethodHead, "/pub/closed", ""), 403, "anonymous HEAD of a private object")

	list := anon(t, srv, http.MethodGet, "/pub?list-type=2", "")
	if list.Status != 200 || !strings.Contains(string(list.Body), "<Key>closed</Key>") {
		t.Fatalf("anonymous ListObjectsV2 of a public-read bucket: %d %s", list.Status, list.Body)
	}
	wantStatus(t, anon(t, srv, http.MethodGet, "/pub", ""), 200, "anonymous ListObjects (v1) of a public-read bucket")
	anon(t, srv, http.MethodGet, "/priv?list-type=2", "").WantError(t, 403, "AccessDenied")
	// S3 tells a missing key from a forbidden one only to those who may list.
	anon(t, srv, http.MethodGet, "/pub/missing", "").WantError(t, 404, "NoSuchKey")
	anon(t, srv, http.MethodGet, "/priv/missing", "").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodGet, "/nowhere/k", "").WantError(t, 404, "NoSuchBucket")

	anon(t, srv, http.MethodPut, "/pub/new", "x").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodDelete, "/pub/open", "").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodGet, "/pub?acl", "").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodGet, "/", "").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodPut, "/anon-bucket", "").WantError(t, 403, "AccessDenied")
	anon(t, srv, http.MethodOptions, "/pub/open", "").WantError(t, 403, "CORSResponse")

	wantStatus(t, anon(t, srv, http.MethodPut, "/drop/in", "dropped"), 200, "anonymous PUT into a public-read-write bucket")
	if got := emulatortest.MustGet(t, c, "drop", "in"); got != "dropped" {
		t.Fatalf("anonymous upload stored %q", got)
	}
	if got := emulatortest.MustGet(t, c, "pub", "closed"); got != "not for you" {
		t.Fatalf("the root key reads %q", got)
	}
}

func TestSecondCredentialNeedsGrants(t *testing.T) {
	srv, root := emulatortest.StartS3(t, withConsole)
	alice, aliceID := newCredential(t, srv, "alice")
	bob, bobID := newCredential(t, srv, "bob")
	emulatortest.MustCreateBucket(t, alice, "alices")
	emulatortest.MustPut(t, alice, "alices", "secret", "alice's")

	ctx := t.Context()
	bucket := aws.String("alices")
	_, err := bob.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("secret")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("bobs"), Body: strings.NewReader("x")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("secret")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 403, "")
	_, err = bob.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket,
		WebsiteConfiguration: &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("i.html")}}})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("secret")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = bob.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyExists")
	_, err = alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyOwnedByYou")
	if names := bucketNames(t, bob); len(names) != 0 {
		t.Fatalf("bob lists %v", names)
	}
	if names := bucketNames(t, alice); !slices.Equal(names, []string{"alices"}) {
		t.Fatalf("alice lists %v", names)
	}

	// A grant of READ on the bucket lets bob list it, not read its objects.
	if _, err := alice.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: bucket, GrantRead: aws.String(`id="` + bobID + `"`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil {
		t.Fatalf("bob lists after a READ grant: %v", err)
	}
	_, err = bob.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("secret")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	if _, err := alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: bucket, Key: aws.String("secret"), GrantRead: aws.String("id=" + bobID)}); err != nil {
		t.Fatal(err)
	}
	if got := emulatortest.MustGet(t, bob, "alices", "secret"); got != "alice's" {
		t.Fatalf("bob reads %q after a grant", got)
	}

	// WRITE lets bob upload; the object is his (ObjectWriter) unless he
	// hands it to the bucket owner.
	if _, err := alice.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: bucket, GrantWrite: aws.String("id=" + bobID), GrantRead: aws.String("id=" + bobID)}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustPut(t, bob, "alices", "from-bob", "b")
	_, err = alice.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("from-bob")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	emulatortest.MustPut(t, bob, "alices", "for-alice", "a", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLBucketOwnerFullControl })
	if got := emulatortest.MustGet(t, alice, "alices", "for-alice"); got != "a" {
		t.Fatalf("alice reads %q", got)
	}
	acl, err := alice.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: bucket, Key: aws.String("for-alice")})
	if err != nil || aws.ToString(acl.Owner.ID) != bobID || len(acl.Grants) != 2 || aws.ToString(acl.Grants[1].Grantee.ID) != aliceID {
		t.Fatalf("bucket-owner-full-control ACL %+v %v", acl, err)
	}

	// The root key may do everything, and sees every bucket.
	if got := emulatortest.MustGet(t, root, "alices", "secret"); got != "alice's" {
		t.Fatalf("root reads %q", got)
	}
	if names := bucketNames(t, root); !slices.Contains(names, "alices") {
		t.Fatalf("root lists %v", names)
	}
	// Bob's own bucket is his; alice, given nothing, sees nothing in it.
	emulatortest.MustCreateBucket(t, bob, "bobs")
	_, err = alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bobs")})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
}

func bucketNames(t *testing.T, c *s3.Client) []string {
	t.Helper()
	out, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	return names
}

func TestGrantsOnWritesAndAuthenticatedRead(t *testing.T) {
	srv, root := emulatortest.StartS3(t, withConsole)
	alice, aliceID := newCredential(t, srv, "alice")
	bob, bobID := newCredential(t, srv, "bob")
	ctx := t.Context()
	if _, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared"), GrantRead: aws.String("id=" + bobID)}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustPut(t, alice, "shared", "by-grant", "g", func(in *s3.PutObjectInput) { in.GrantRead = aws.String(`id="` + bobID + `"`) })
	emulatortest.MustPut(t, alice, "shared", "auth-read", "a", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLAuthenticatedRead })
	if _, err := alice.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("shared"), Key: aws.String("copied"),
		CopySource: aws.String("shared/by-grant"), GrantRead: aws.String("id=" + bobID)}); err != nil {
		t.Fatal(err)
	}
	up, err := alice.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("shared"), Key: aws.String("multi"),
		GrantFullControl: aws.String("id=" + bobID)})
	if err != nil {
		t.Fatal(err)
	}
	parts := emulatortest.PutParts(t, alice, "shared", "multi", aws.ToString(up.UploadId), [][]byte{[]byte("mp")})
	if err := emulatortest.Complete(t, alice, "shared", "multi", aws.ToString(up.UploadId), parts); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"by-grant", "auth-read", "copied", "multi"} {
		emulatortest.MustGet(t, bob, "shared", key)
	}
	anon(t, srv, http.MethodGet, "/shared/auth-read", "").WantError(t, 403, "AccessDenied")
	// Bob's FULL_CONTROL on "multi" includes WRITE_ACP; READ on "copied" does not.
	if _, err := bob.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("multi"), ACL: types.ObjectCannedACLPrivate}); err != nil {
		t.Fatalf("FULL_CONTROL grantee sets the ACL: %v", err)
	}
	_, err = bob.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), ACL: types.ObjectCannedACLPublicRead})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")

	// Grants name known canonical IDs only; e-mail grantees are unknown.
	_, err = alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), GrantRead: aws.String("id=NOSUCHKEY")})
	emulatortest.WantAPIError(t, err, 400, "InvalidArgument")
	_, err = alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), GrantRead: aws.String(`emailAddress="x@example.com"`)})
	emulatortest.WantAPIError(t, err, 400, "UnresolvableGrantByEmailAddress")
	_, err = alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), GrantRead: aws.String(`uri="http://example.com/group"`)})
	emulatortest.WantAPIError(t, err, 400, "InvalidArgument")
	_, err = alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"),
		ACL: types.ObjectCannedACLPublicRead, GrantRead: aws.String("id=" + bobID)})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")

	// The AccessControlPolicy body form, read back with its owner.
	policy := &types.AccessControlPolicy{
		Owner: &types.Owner{ID: aws.String(aliceID)},
		Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(aliceID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(access.AllUsers)}, Permission: types.PermissionRead},
		},
	}
	if _, err := alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), AccessControlPolicy: policy}); err != nil {
		t.Fatal(err)
	}
	got, err := root.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied")})
	if err != nil || aws.ToString(got.Owner.ID) != aliceID || len(got.Grants) != 2 || aws.ToString(got.Grants[1].Grantee.URI) != access.AllUsers {
		t.Fatalf("ACL from a policy body: %+v %v", got, err)
	}
	wantStatus(t, anon(t, srv, http.MethodGet, "/shared/copied", ""), 200, "object made public by a policy body")
	bad := &types.AccessControlPolicy{Owner: policy.Owner, Grants: []types.Grant{{Grantee: policy.Grants[0].Grantee, Permission: "READ_EVERYTHING"}}}
	_, err = alice.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("copied"), AccessControlPolicy: bad})
	emulatortest.WantAPIError(t, err, 400, "MalformedACLError")
}

// TestAnonymousPostUpload: a browser form with no policy and no signature
// is an anonymous upload, taken only by a bucket granting WRITE to all.
func TestAnonymousPostUpload(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("drop"), ACL: types.BucketCannedACLPublicReadWrite}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustCreateBucket(t, c, "closed")
	fields := map[string]string{"key": "up/${filename}"}
	wantStatus(t, srv.Do(t, emulatortest.PostFormRequest(t, srv.URL+"/drop", fields, "f.txt", "anon")), 204, "anonymous POST to a public-read-write bucket")
	if got := emulatortest.MustGet(t, c, "drop", "up/f.txt"); got != "anon" {
		t.Fatalf("stored %q", got)
	}
	srv.Do(t, emulatortest.PostFormRequest(t, srv.URL+"/closed", fields, "f.txt", "anon")).WantError(t, 403, "AccessDenied")
}

// TestVersionsHaveTheirOwnTagsAndACLs: in a versioned bucket each version
// keeps its own tags and ACL, reached by versionId, and access to a
// version is decided by that version's ACL.
func TestVersionsHaveTheirOwnTagsAndACLs(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	ctx, b := t.Context(), aws.String("ver")
	emulatortest.MustCreateBucket(t, c, "ver")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1 := aws.ToString(emulatortest.MustPut(t, c, "ver", "k", "one", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead }).VersionId)
	emulatortest.MustPut(t, c, "ver", "k", "two")
	wantStatus(t, anon(t, srv, http.MethodGet, "/ver/k?versionId="+v1, ""), 200, "anonymous GET of a public-read version")
	anon(t, srv, http.MethodGet, "/ver/k", "").WantError(t, 403, "AccessDenied")

	put, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v1),
		Tagging: &types.Tagging{TagSet: tags("old", "yes")}})
	if err != nil || aws.ToString(put.VersionId) != v1 {
		t.Fatalf("tagging version 1: %+v %v", put, err)
	}
	got, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil || len(got.TagSet) != 1 || aws.ToString(got.VersionId) != v1 {
		t.Fatalf("version 1's tags: %+v %v", got, err)
	}
	if keys := tagKeys(t, c, "ver", "k"); keys != "" {
		t.Fatalf("the current version has tags %s", keys)
	}
	if _, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("k"), VersionId: aws.String(v1), ACL: types.ObjectCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	anon(t, srv, http.MethodGet, "/ver/k?versionId="+v1, "").WantError(t, 403, "AccessDenied")
}
