package client

import (
	"context"
	"iter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Object is one entry of a listing.
type Object struct {
	Key          string    `json:"key"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"`
	LastModified time.Time `json:"last_modified"`
	StorageClass string    `json:"storage_class,omitempty"`
	// IsPrefix marks a common prefix (a "directory") that List yields when
	// given a delimiter; only Key is set.
	IsPrefix bool `json:"is_prefix,omitempty"`
}

// ListObjectsInput selects what ListObjects returns. Bucket is required.
type ListObjectsInput struct {
	Bucket     string
	Prefix     string
	Delimiter  string // "/" groups keys into CommonPrefixes, like directories
	StartAfter string
	// MaxKeys is the page size (the service caps it at 1000).
	MaxKeys           int32
	ContinuationToken string // resume where an earlier listing stopped
}

// ObjectPage is one ListObjectsV2 response.
type ObjectPage struct {
	Objects        []Object
	CommonPrefixes []string
	// NextContinuationToken resumes the listing after this page; empty on the last.
	NextContinuationToken string
}

// ListObjects yields the bucket's listing page by page, so that a bucket of
// millions of keys is never held in memory. A failed page yields its error
// once and ends the iteration.
func (c *Client) ListObjects(ctx context.Context, in ListObjectsInput) iter.Seq2[*ObjectPage, error] {
	return func(yield func(*ObjectPage, error) bool) {
		if err := ValidateBucketName(in.Bucket); err != nil {
			yield(nil, err)
			return
		}
		token := in.ContinuationToken
		for {
			page, err := c.listPage(ctx, in, token)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || page.NextContinuationToken == "" || page.NextContinuationToken == token {
				return
			}
			token = page.NextContinuationToken
		}
	}
}

func (c *Client) listPage(ctx context.Context, in ListObjectsInput, token string) (*ObjectPage, error) {
	req := &s3.ListObjectsV2Input{
		Bucket: aws.String(in.Bucket), Prefix: optString(in.Prefix), Delimiter: optString(in.Delimiter),
		StartAfter: optString(in.StartAfter), ContinuationToken: optString(token), MaxKeys: optInt32(in.MaxKeys),
	}
	out, err := c.s3.ListObjectsV2(ctx, req)
	if err != nil {
		return nil, c.wrapErr("ListObjectsV2", in.Bucket, in.Prefix, err) // the prefix says which listing
	}
	page := &ObjectPage{Objects: make([]Object, 0, len(out.Contents)), CommonPrefixes: make([]string, 0, len(out.CommonPrefixes))}
	for _, o := range out.Contents {
		page.Objects = append(page.Objects, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag),
			LastModified: aws.ToTime(o.LastModified), StorageClass: string(o.StorageClass)})
	}
	for _, p := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, aws.ToString(p.Prefix))
	}
	if aws.ToBool(out.IsTruncated) {
		page.NextContinuationToken = aws.ToString(out.NextContinuationToken)
	}
	return page, nil
}
