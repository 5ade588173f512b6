package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
)

// Issue 11 D22: errors of calls made through S3() become the package's
// typed errors with WrapError.
func TestWrapErrorForTheEscapeHatch(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "raw")
	_, raw := c.S3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("raw"), Key: aws.String("missing")})
	if errors.Is(raw, client.ErrNoSuchKey) {
		t.Fatal("the SDK's own error already matches; the test proves nothing")
	}
	err := client.WrapError("", raw)
	var se *client.Error
	if !errors.Is(err, client.ErrNoSuchKey) || !errors.As(err, &se) || se.Op != "HeadObject" || se.StatusCode != 404 {
		t.Errorf("WrapError = %v (%T)", err, err)
	}
	if again := client.WrapError("Other", err); again != err {
		t.Errorf("wrapping twice changed the error: %v", again)
	}
	_, raw = c.S3().GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")})
	if err := client.WrapError("GetObjectAcl", raw); !errors.Is(err, client.ErrNoSuchBucket) || !strings.HasPrefix(err.Error(), "GetObjectAcl: NoSuchBucket") {
		t.Errorf("GetObjectAcl: %v", err)
	}
	if client.WrapError("X", nil) != nil {
		t.Error("WrapError(nil) is not nil")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, raw = c.S3().ListBuckets(cctx, &s3.ListBucketsInput{})
	if err := client.WrapError("", raw); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestWrapErrorConnectionFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := client.New(client.Config{Endpoint: "https://" + addr, Credentials: client.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, raw := c.S3().HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("b-1")})
	err = client.WrapError("", raw)
	var ce *client.ConnectionError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), fmt.Sprintf("HeadBucket: cannot reach https://%s", addr)) {
		t.Errorf("got %v", err)
	}
}
