package client

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Object ownership settings of a bucket. BucketOwnerEnforced turns ACLs
// off: the bucket owner owns every object and only bucket-owner-full-control
// (or no) ACL is accepted on writes.
const (
	OwnershipBucketOwnerPreferred = "BucketOwnerPreferred"
	OwnershipObjectWriter         = "ObjectWriter"
	OwnershipBucketOwnerEnforced  = "BucketOwnerEnforced"
)

func validateOwnership(o string) error {
	switch o {
	case OwnershipBucketOwnerPreferred, OwnershipObjectWriter, OwnershipBucketOwnerEnforced:
		return nil
	}
	return &ValidationError{Field: "object ownership", Value: o, Problem: "is not a setting",
		Fix: "use BucketOwnerPreferred, ObjectWriter or BucketOwnerEnforced"}
}

// GetBucketOwnershipControls returns the bucket's object ownership setting;
// a bucket without one gives an error matching ErrOwnershipControlsNotFound.
func (c *Client) GetBucketOwnershipControls(ctx context.Context, bucket string) (string, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return "", err
	}
	out, err := c.s3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", c.wrapErr("GetBucketOwnershipControls", bucket, "", err)
	}
	if out.OwnershipControls == nil || len(out.OwnershipControls.Rules) == 0 {
		return "", nil
	}
	return string(out.OwnershipControls.Rules[0].ObjectOwnership), nil
}

// PutBucketOwnershipControls sets the bucket's object ownership.
func (c *Client) PutBucketOwnershipControls(ctx context.Context, bucket, ownership string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if err := validateOwnership(ownership); err != nil {
		return err
	}
	_, err := c.s3.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnership(ownership)}}}},
		withContentMD5)
	return c.wrapErr("PutBucketOwnershipControls", bucket, "", err)
}

// DeleteBucketOwnershipControls removes the bucket's object ownership setting.
func (c *Client) DeleteBucketOwnershipControls(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	return c.wrapErr("DeleteBucketOwnershipControls", bucket, "", err)
}
