package s3_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// startWithUsers starts an emulator on dir with two non-root keys, ALICE
// and BOB, which (like console credentials) are not kept across restarts.
func startWithUsers(t *testing.T, dir string) (srv *emulatortest.Server, root, alice, bob *s3.Client) {
	t.Helper()
	srv, root = emulatortest.StartS3(t, func(o *emulator.Options) { o.DataDir = dir })
	clients := map[string]*s3.Client{}
	for _, name := range []string{"ALICE", "BOB"} {
		srv.Emulator.SetCredential(name, name+"-secret")
		clients[name] = srv.S3Client(emulatortest.WithCredentials(name, name+"-secret"), func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	}
	return srv, root, clients["ALICE"], clients["BOB"]
}

func TestOwnersAndConfigurationSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	srv, _, alice, _ := startWithUsers(t, dir)
	ctx, b := t.Context(), aws.String("alices")
	if _, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustPut(t, alice, "alices", "public", "p", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead })
	emulatortest.MustPut(t, alice, "alices", "private", "q")
	if _, err := alice.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b,
		WebsiteConfiguration: &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("r"),
			Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(5)}}}}}); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	srv, root, alice, bob := startWithUsers(t, dir)
	acl, err := root.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || aws.ToString(acl.Owner.ID) != "ALICE" {
		t.Fatalf("bucket owner after restart: %+v %v", acl, err)
	}
	if got, err := ownership(t, alice, "alices"); err != nil || got != types.ObjectOwnershipBucketOwnerPreferred {
		t.Fatalf("ownership after restart: %s %v", got, err)
	}
	if w, err := alice.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b}); err != nil || aws.ToString(w.IndexDocument.Suffix) != "index.html" {
		t.Fatalf("website after restart: %+v %v", w, err)
	}
	if l, err := alice.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b}); err != nil || len(l.Rules) != 1 {
		t.Fatalf("lifecycle after restart: %+v %v", l, err)
	}
	wantStatus(t, anon(t, srv, http.MethodGet, "/alices/public", ""), 200, "public-read object after restart")
	anon(t, srv, http.MethodGet, "/alices/private", "").WantError(t, 403, "AccessDenied")
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyOwnedByYou")
}

// TestOldDataDirBelongsToRoot: a bucket written before owners were
// recorded loads, and belongs to the root account.
func TestOldDataDirBelongsToRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "buckets"), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"Name":"old","Created":"2025-01-02T03:04:05Z","HasTags":true,"Tags":[{"Key":"k","Value":"v"}],` +
		`"ACL":[{"Grantee":{"Type":"CanonicalUser","ID":"71656d756c61746f72","DisplayName":"qcli-emulator"},"Permission":"FULL_CONTROL"}]}`
	if err := os.WriteFile(filepath.Join(dir, "buckets", "old.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	_, root, alice, _ := startWithUsers(t, dir)
	ctx, b := t.Context(), aws.String("old")
	acl, err := root.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || aws.ToString(acl.Owner.ID) != access.RootID || len(acl.Grants) != 1 {
		t.Fatalf("old bucket's ACL: %+v %v", acl, err)
	}
	if _, err := root.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	emulatortest.WantAPIError(t, err, 403, "AccessDenied")
	_, err = alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyExists")
	_, err = root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyOwnedByYou")
}
