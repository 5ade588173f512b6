package s3_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestBucketLifecycleAndErrors(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 409, "BucketAlreadyOwnedByYou")
	_, err = c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	emulatortest.WantAPIError(t, err, 400, "InvalidBucketName")
	loc, err := c.GetBucketLocation(t.Context(), &s3.GetBucketLocationInput{Bucket: aws.String("bkt")})
	if err != nil || string(loc.LocationConstraint) != "q-world-1" {
		t.Fatalf("location %+v %v", loc, err)
	}
	emulatortest.MustPut(t, c, "bkt", "obj", "x")
	_, err = c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 409, "BucketNotEmpty")
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("bkt")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 404, "")

	d := srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt?list-type=2", nil, "", nil)).WantError(t, 404, "NoSuchBucket")
	if d.BucketName != "bkt" {
		t.Fatalf("error document %+v lacks BucketName", d)
	}
	d = srv.Do(t, srv.SignedRequest(t, http.MethodDelete, "/bkt", nil, "", nil)).WantError(t, 404, "NoSuchBucket")
	if d.BucketName != "bkt" {
		t.Fatalf("delegated error document %+v lacks BucketName", d)
	}
}

// TestDeleteBucketIgnoresMinIOForceDelete: gofakes3, which once served
// DeleteBucket, emptied a bucket for MinIO's x-minio-force-delete header;
// S3 has no such header.
func TestDeleteBucketIgnoresMinIOForceDelete(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "x")
	req := srv.SignedRequest(t, http.MethodDelete, "/bkt", nil, "", http.Header{"X-Minio-Force-Delete": {"true"}})
	srv.Do(t, req).WantError(t, 409, "BucketNotEmpty")
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != "x" {
		t.Fatalf("object after refused delete: %q", got)
	}
}
