package client

import (
	"context"
	"iter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
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
//
// Every page is checked before it is yielded, since callers delete on its
// word: keys are asked for URL-encoded and decoded, so that any key
// round-trips exactly; each key and common prefix must start with Prefix
// and sort strictly after everything before it (and StartAfter); a page
// that says the listing goes on must lead somewhere new; and a page's
// answer is read up to a bounded size. A page breaking any of these rules
// yields a *ProtocolError naming the listing and what was wrong, and the
// iteration ends.
func (c *Client) ListObjects(ctx context.Context, in ListObjectsInput) iter.Seq2[*ObjectPage, error] {
	return func(yield func(*ObjectPage, error) bool) {
		if err := ValidateBucketName(in.Bucket); err != nil {
			yield(nil, err)
			return
		}
		fail := protocolFailure("ListObjectsV2", in.Bucket, in.Prefix)
		token := in.ContinuationToken
		guard := newPageGuard(fail, token)
		order := &keyOrder{noun: "key", prefix: in.Prefix, floor: in.StartAfter, fail: fail}
		for {
			page, truncated, err := c.listPage(ctx, in, token, fail)
			if err == nil {
				err = order.page(objectKeys(page.Objects), page.CommonPrefixes)
			}
			if err == nil {
				token, err = guard.next(truncated, page.NextContinuationToken, len(page.Objects)+len(page.CommonPrefixes))
			}
			if err != nil {
				yield(nil, err)
				return
			}
			page.NextContinuationToken = token
			if !yield(page, nil) || token == "" {
				return
			}
		}
	}
}

func objectKeys(objs []Object) []string {
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return keys
}

// listPage fetches one page with its keys decoded; truncated is the
// answer's IsTruncated.
func (c *Client) listPage(ctx context.Context, in ListObjectsInput, token string, fail func(string) error) (*ObjectPage, bool, error) {
	req := &s3.ListObjectsV2Input{
		Bucket: aws.String(in.Bucket), Prefix: optString(in.Prefix), Delimiter: optString(in.Delimiter),
		StartAfter: optString(in.StartAfter), ContinuationToken: optString(token), MaxKeys: optInt32(in.MaxKeys),
		EncodingType: types.EncodingTypeUrl,
	}
	out, err := c.s3.ListObjectsV2(ctx, req, capAnswer)
	if err != nil {
		return nil, false, c.wrapErr("ListObjectsV2", in.Bucket, in.Prefix, err) // the prefix says which listing
	}
	dec := decoderFor(out.EncodingType, fail)
	page := &ObjectPage{Objects: make([]Object, 0, len(out.Contents)), CommonPrefixes: make([]string, 0, len(out.CommonPrefixes)),
		NextContinuationToken: aws.ToString(out.NextContinuationToken)}
	for _, o := range out.Contents {
		key, err := dec.decode(aws.ToString(o.Key))
		if err != nil {
			return nil, false, err
		}
		page.Objects = append(page.Objects, Object{Key: key, Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag),
			LastModified: aws.ToTime(o.LastModified), StorageClass: string(o.StorageClass)})
	}
	for _, p := range out.CommonPrefixes {
		prefix, err := dec.decode(aws.ToString(p.Prefix))
		if err != nil {
			return nil, false, err
		}
		page.CommonPrefixes = append(page.CommonPrefixes, prefix)
	}
	return page, aws.ToBool(out.IsTruncated), nil
}
