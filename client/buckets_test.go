package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestBucketLifecycle(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "photos", client.CreateBucketOptions{ACL: "private"}); err != nil {
		t.Fatal(err)
	}
	if err := c.HeadBucket(ctx, "photos"); err != nil {
		t.Fatalf("HeadBucket: %v", err)
	}
	err := c.CreateBucket(ctx, "photos", client.CreateBucketOptions{})
	if !errors.Is(err, client.ErrBucketAlreadyOwnedByYou) && !errors.Is(err, client.ErrBucketAlreadyExists) {
		t.Errorf("second CreateBucket: %v, want BucketAlreadyOwnedByYou or BucketAlreadyExists", err)
	}
	if err := c.DeleteBucket(ctx, "photos"); err != nil {
		t.Fatal(err)
	}
	err = c.HeadBucket(ctx, "photos")
	var se *client.Error
	if !errors.Is(err, client.ErrNoSuchBucket) || !errors.As(err, &se) || se.StatusCode != 404 {
		t.Fatalf("HeadBucket after delete: %v, want NoSuchBucket 404", err)
	}
}

func TestDeleteBucketNotEmpty(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "full")
	if _, err := c.Upload(ctx, "full", "a.txt", []byte("a")); err != nil {
		t.Fatal(err)
	}
	err := c.DeleteBucket(ctx, "full")
	var se *client.Error
	if !errors.Is(err, client.ErrBucketNotEmpty) || !errors.As(err, &se) {
		t.Fatalf("got %v, want BucketNotEmpty", err)
	}
	if se.Bucket != "full" || se.RequestID == "" || se.StatusCode != 409 || se.Op != "DeleteBucket" {
		t.Errorf("error fields: %+v", se)
	}
}

func TestListBucketsPagesThroughEverything(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("bucket-%02d", i)
		mustCreate(t, c, name)
		want = append(want, name)
	}
	mustCreate(t, c, "other")
	var got []string
	for b, err := range c.ListBuckets(context.Background(), client.ListBucketsInput{Prefix: "bucket-", MaxBuckets: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if b.CreationDate.IsZero() {
			t.Errorf("%s has no creation date", b.Name)
		}
		got = append(got, b.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := log.count(isListBuckets); n != 3 {
		t.Errorf("%d ListBuckets requests, want 3 pages of at most 2", n)
	}
}

func TestBucketTaggingAndACL(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "tagged")
	if _, err := c.GetBucketTagging(ctx, "tagged"); !errors.Is(err, client.ErrNoSuchTagSet) {
		t.Fatalf("tags of an untagged bucket: %v, want NoSuchTagSet", err)
	}
	tags := []client.Tag{{Key: "project", Value: "one"}, {Key: "env", Value: "prod"}}
	if err := c.PutBucketTagging(ctx, "tagged", tags); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketTagging(ctx, "tagged")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b client.Tag) int { return strings.Compare(a.Key, b.Key) })
	if !slices.Equal(got, []client.Tag{{Key: "env", Value: "prod"}, {Key: "project", Value: "one"}}) {
		t.Errorf("tags = %v", got)
	}
	if err := c.DeleteBucketTagging(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBucketTagging(ctx, "tagged"); !errors.Is(err, client.ErrNoSuchTagSet) {
		t.Errorf("after delete: %v, want NoSuchTagSet", err)
	}
	acl, err := c.GetBucketACL(ctx, "tagged")
	if err != nil {
		t.Fatal(err)
	}
	if acl.Owner.ID == "" || len(acl.Grants) == 0 || acl.Grants[0].Permission != "FULL_CONTROL" {
		t.Errorf("acl = %+v, want the owner with FULL_CONTROL", acl)
	}
}

func TestInvalidBucketNamesNeverReachTheService(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	for _, name := range []string{"ab", string(make([]byte, 64)), "UPPER", "Upper-case", "192.168.5.4", "-lead", "trail-", "a..b", "under_score", ""} {
		err := c.CreateBucket(context.Background(), name, client.CreateBucketOptions{})
		var ve *client.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("CreateBucket(%q) = %v, want *ValidationError", name, err)
		}
	}
	if n := log.count(nil); n != 0 {
		t.Errorf("%d requests reached the service", n)
	}
}

func mustCreate(t *testing.T, c *client.Client, name string) {
	t.Helper()
	if err := c.CreateBucket(context.Background(), name, client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
}
