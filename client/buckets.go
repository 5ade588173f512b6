package client

import (
	"context"
	"iter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Bucket is one entry of ListBuckets.
type Bucket struct {
	Name         string
	CreationDate time.Time
	Region       string // empty when the service does not say
}

// ListBucketsInput filters and pages ListBuckets. All fields are optional.
type ListBucketsInput struct {
	Prefix            string
	MaxBuckets        int32  // page size; the service's default is 1000
	ContinuationToken string // resume a listing where an earlier one stopped
}

// ListBuckets yields every bucket, fetching pages as the loop advances. A
// failed page yields its error once and ends the iteration. Pages are
// checked as ListObjects checks them (names under Prefix and in order,
// paging that leads on, a bounded answer); a page breaking a rule yields a
// *ProtocolError.
func (c *Client) ListBuckets(ctx context.Context, in ListBucketsInput) iter.Seq2[Bucket, error] {
	return func(yield func(Bucket, error) bool) {
		fail := protocolFailure("ListBuckets", "", "")
		token := in.ContinuationToken
		guard := newPageGuard(fail, token)
		order := &keyOrder{noun: "bucket", prefix: in.Prefix, fail: fail}
		for {
			req := &s3.ListBucketsInput{ContinuationToken: optString(token), Prefix: optString(in.Prefix)}
			if in.MaxBuckets > 0 {
				req.MaxBuckets = aws.Int32(in.MaxBuckets)
			}
			out, err := c.s3.ListBuckets(ctx, req, capAnswer)
			if err != nil {
				yield(Bucket{}, c.wrapErr("ListBuckets", "", "", err))
				return
			}
			names := make([]string, len(out.Buckets))
			for i, b := range out.Buckets {
				names[i] = aws.ToString(b.Name)
			}
			err = order.page(names)
			if err == nil {
				// ListBuckets has no IsTruncated: a token is the only sign of more.
				next := aws.ToString(out.ContinuationToken)
				token, err = guard.next(next != "", next, len(names))
			}
			if err != nil {
				yield(Bucket{}, err)
				return
			}
			for _, b := range out.Buckets {
				if !yield(Bucket{Name: aws.ToString(b.Name), CreationDate: aws.ToTime(b.CreationDate), Region: aws.ToString(b.BucketRegion)}, nil) {
					return
				}
			}
			if token == "" {
				return
			}
		}
	}
}

// CreateBucketOptions are CreateBucket's optional settings.
type CreateBucketOptions struct {
	ACL             string // canned ACL: private, public-read, public-read-write, authenticated-read
	ObjectLock      bool   // enable Object Lock; only possible at creation
	ObjectOwnership string // BucketOwnerPreferred, ObjectWriter or BucketOwnerEnforced
}

// CreateBucket creates a bucket after checking its name.
func (c *Client) CreateBucket(ctx context.Context, bucket string, opts CreateBucketOptions) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if opts.ObjectOwnership != "" {
		if err := validateOwnership(opts.ObjectOwnership); err != nil {
			return err
		}
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACL(opts.ACL),
		ObjectOwnership: types.ObjectOwnership(opts.ObjectOwnership)}
	if opts.ObjectLock {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	_, err := c.s3.CreateBucket(ctx, in)
	return c.wrapErr("CreateBucket", bucket, "", err)
}

// DeleteBucket deletes an empty bucket.
func (c *Client) DeleteBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	return c.wrapErr("DeleteBucket", bucket, "", err)
}

// HeadBucket reports whether the bucket exists and is reachable with these
// credentials: nil, or an error matching ErrNoSuchBucket or ErrForbidden.
func (c *Client) HeadBucket(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	return c.wrapErr("HeadBucket", bucket, "", err)
}

// Tag is a key-value pair on a bucket or object.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// GetBucketTagging returns the bucket's tags; a bucket with none gives an
// error matching ErrNoSuchTagSet.
func (c *Client) GetBucketTagging(ctx context.Context, bucket string) ([]Tag, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	out, err := c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, c.wrapErr("GetBucketTagging", bucket, "", err)
	}
	return tagsFrom(out.TagSet), nil
}

// PutBucketTagging replaces the bucket's tags.
func (c *Client) PutBucketTagging(ctx context.Context, bucket string, tags []Tag) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if err := ValidateTags(tags, MaxBucketTags); err != nil {
		return err
	}
	_, err := c.s3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &types.Tagging{TagSet: sdkTags(tags)}},
		withContentMD5)
	return c.wrapErr("PutBucketTagging", bucket, "", err)
}

// DeleteBucketTagging removes every tag from the bucket.
func (c *Client) DeleteBucketTagging(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(bucket)})
	return c.wrapErr("DeleteBucketTagging", bucket, "", err)
}

// Owner identifies the owner of a bucket or object.
type Owner struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name,omitempty"`
}

// Grant is one entry of an access control list.
type Grant struct {
	Grantee    string `json:"grantee"` // an owner ID, a group URI or an e-mail address
	Type       string `json:"type"`    // CanonicalUser, Group or AmazonCustomerByEmail
	Permission string `json:"permission"`
}

// ACL is a bucket's or an object's access control list.
type ACL struct {
	Owner  Owner   `json:"owner"`
	Grants []Grant `json:"grants"`
}

// GetBucketACL returns the bucket's access control list.
func (c *Client) GetBucketACL(ctx context.Context, bucket string) (ACL, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ACL{}, err
	}
	out, err := c.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		return ACL{}, c.wrapErr("GetBucketAcl", bucket, "", err)
	}
	return aclFrom(out.Owner, out.Grants), nil
}

func aclFrom(owner *types.Owner, grants []types.Grant) ACL {
	acl := ACL{}
	if o := ownerFrom(owner); o != nil {
		acl.Owner = *o
	}
	for _, g := range grants {
		acl.Grants = append(acl.Grants, grantFrom(g))
	}
	return acl
}

func grantFrom(g types.Grant) Grant {
	out := Grant{Permission: string(g.Permission)}
	if g.Grantee != nil {
		out.Type = string(g.Grantee.Type)
		for _, s := range []*string{g.Grantee.ID, g.Grantee.URI, g.Grantee.EmailAddress} {
			if aws.ToString(s) != "" {
				out.Grantee = aws.ToString(s)
				break
			}
		}
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
