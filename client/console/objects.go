package console

import (
	"context"
	"net/url"

	"github.com/quilibrium/qcli/client"
)

// ListObjects returns the objects of a bucket whose keys start with prefix
// ("" for all).
func (c *Client) ListObjects(ctx context.Context, bucket, prefix string) ([]Object, error) {
	if err := client.ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	var q url.Values
	if prefix != "" {
		q = url.Values{"prefix": {prefix}}
	}
	var out ObjectList
	if err := c.do(ctx, call{op: OpListObjects, params: Params{Bucket: bucket}, query: q, out: &out, resource: bucketResource(bucket)}); err != nil {
		return nil, err
	}
	return out.Objects, nil
}

// GetObject returns an object's details: metadata, part count, storage path.
func (c *Client) GetObject(ctx context.Context, bucket, key string) (*ObjectDetail, error) {
	if err := validateObject(bucket, key); err != nil {
		return nil, err
	}
	var out ObjectDetail
	if err := c.do(ctx, call{op: OpGetObject, params: Params{Bucket: bucket, Key: key}, out: &out, resource: objectResource(bucket, key)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteObject deletes one object.
func (c *Client) DeleteObject(ctx context.Context, bucket, key string) (*Message, error) {
	if err := validateObject(bucket, key); err != nil {
		return nil, err
	}
	var out Message
	if err := c.do(ctx, call{op: OpDeleteObject, params: Params{Bucket: bucket, Key: key}, out: &out, resource: objectResource(bucket, key)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteObjects deletes keys from bucket in batch requests of at most
// client.MaxDeleteBatch keys (S3's limit; 003 states none) and returns the
// keys the service reports deleted. Keys it leaves out were not deleted,
// typically because they did not exist.
func (c *Client) DeleteObjects(ctx context.Context, bucket string, keys []string) ([]string, error) {
	if err := client.ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := client.ValidateKey(k); err != nil {
			return nil, err
		}
	}
	var deleted []string
	for start := 0; start < len(keys); start += client.MaxDeleteBatch {
		batch := keys[start:min(start+client.MaxDeleteBatch, len(keys))]
		var out DeleteObjectsOutput
		cl := call{op: OpDeleteObjects, params: Params{Bucket: bucket}, in: DeleteObjectsInput{Keys: batch}, out: &out, resource: bucketResource(bucket)}
		if err := c.do(ctx, cl); err != nil {
			return deleted, err
		}
		deleted = append(deleted, out.Deleted...)
	}
	return deleted, nil
}

func validateObject(bucket, key string) error {
	if err := client.ValidateBucketName(bucket); err != nil {
		return err
	}
	return client.ValidateKey(key)
}

func objectResource(bucket, key string) string { return "s3://" + bucket + "/" + key }
