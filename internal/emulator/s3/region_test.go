package s3_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestHeadBucketNamesTheRegion(t *testing.T) {
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.Region = "eu-test-1" })
	emulatortest.MustCreateBucket(t, c, "bkt")
	out, err := c.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("bkt")})
	if err != nil || aws.ToString(out.BucketRegion) != "eu-test-1" {
		t.Fatalf("HeadBucket %+v %v, want region eu-test-1", out, err)
	}
}

// bucketRegionOf is the x-amz-bucket-region of a failed call's answer.
func bucketRegionOf(t *testing.T, err error) string {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want an HTTP error", err)
	}
	return re.Response.Header.Get("X-Amz-Bucket-Region")
}

// TestHeadErrorsNameTheBucketRegion: a HEAD signed for the wrong region
// gets a bare 400 (HEAD has no body for <Region>), so the header is what
// lets a client find the region and sign again.
func TestHeadErrorsNameTheBucketRegion(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "x")
	wrong := srv.S3Client(func(o *s3.Options) { o.Region, o.RetryMaxAttempts = "us-east-1", 1 })

	_, err := wrong.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	emulatortest.WantAPIError(t, err, 400, "")
	if got := bucketRegionOf(t, err); got != srv.Region {
		t.Errorf("HeadObject signed for us-east-1: x-amz-bucket-region %q, want %q", got, srv.Region)
	}
	_, err = wrong.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("bkt")})
	if got := bucketRegionOf(t, err); got != srv.Region {
		t.Errorf("HeadBucket signed for us-east-1: x-amz-bucket-region %q, want %q", got, srv.Region)
	}
	_, err = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")})
	if got := bucketRegionOf(t, err); got != srv.Region {
		t.Errorf("HeadObject of a missing key: x-amz-bucket-region %q, want %q", got, srv.Region)
	}
	_, err = wrong.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("obj")})
	if got := bucketRegionOf(t, err); got != "" {
		t.Errorf("a bucket that does not exist has a region: %q", got)
	}
}
