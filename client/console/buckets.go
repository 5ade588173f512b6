package console

import (
	"context"

	"github.com/quilibrium/qcli/client"
)

// ListBuckets returns every bucket with its object count and total size.
func (c *Client) ListBuckets(ctx context.Context) ([]Bucket, error) {
	var out BucketList
	if err := c.do(ctx, call{op: OpListBuckets, out: &out}); err != nil {
		return nil, err
	}
	return out.Buckets, nil
}

// CreateBucket creates a bucket owned by the credential in.OwnerID. The
// name is checked against QStorage's rules before any request.
func (c *Client) CreateBucket(ctx context.Context, in CreateBucketInput) (*BucketDetail, error) {
	if err := client.ValidateBucketName(in.Name); err != nil {
		return nil, err
	}
	if err := ValidateID(in.OwnerID); err != nil {
		return nil, err
	}
	var out BucketDetail
	if err := c.do(ctx, call{op: OpCreateBucket, in: in, out: &out, resource: bucketResource(in.Name)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetBucket returns a bucket with its objects.
func (c *Client) GetBucket(ctx context.Context, name string) (*BucketDetail, error) {
	if err := client.ValidateBucketName(name); err != nil {
		return nil, err
	}
	var out BucketDetail
	if err := c.do(ctx, call{op: OpGetBucket, params: Params{Bucket: name}, out: &out, resource: bucketResource(name)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteBucket deletes an empty bucket; a bucket with objects is
// ErrConflict. This call is not in 003 (see Routes).
func (c *Client) DeleteBucket(ctx context.Context, name string) (*Message, error) {
	if err := client.ValidateBucketName(name); err != nil {
		return nil, err
	}
	var out Message
	if err := c.do(ctx, call{op: OpDeleteBucket, params: Params{Bucket: name}, out: &out, resource: bucketResource(name)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListMultipartUploads returns a bucket's unfinished multipart uploads.
func (c *Client) ListMultipartUploads(ctx context.Context, bucket string) ([]Upload, error) {
	if err := client.ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	var out UploadList
	if err := c.do(ctx, call{op: OpListMultipartUploads, params: Params{Bucket: bucket}, out: &out, resource: bucketResource(bucket)}); err != nil {
		return nil, err
	}
	return out.Uploads, nil
}

func bucketResource(name string) string { return "bucket " + name }
