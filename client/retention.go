package client

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Object Lock retention modes. GOVERNANCE can be lifted by a user allowed
// to bypass it; COMPLIANCE cannot be shortened by anyone.
const (
	RetentionGovernance = "GOVERNANCE"
	RetentionCompliance = "COMPLIANCE"
)

// Retention is an object version's Object Lock retention: it cannot be
// deleted or overwritten before RetainUntil.
type Retention struct {
	Mode        string    `json:"mode"` // RetentionGovernance or RetentionCompliance
	RetainUntil time.Time `json:"retain_until"`
}

func (r Retention) validate() error {
	switch {
	case r.Mode != RetentionGovernance && r.Mode != RetentionCompliance:
		return &ValidationError{Field: "retention mode", Value: r.Mode, Problem: "is not a mode", Fix: "use GOVERNANCE or COMPLIANCE"}
	case r.RetainUntil.IsZero():
		return &ValidationError{Field: "retention date", Value: "", Problem: "is not set", Fix: "set RetainUntil to a future time"}
	}
	return nil
}

// GetObjectRetention returns the object's retention. An object without one
// gives an error matching ErrNoSuchObjectLockConfiguration, and a bucket
// without Object Lock one matching ErrObjectLockConfigurationNotFound (or
// ErrInvalidRequest).
func (c *Client) GetObjectRetention(ctx context.Context, obj ObjectRef) (Retention, error) {
	if err := obj.validate(); err != nil {
		return Retention{}, err
	}
	out, err := c.s3.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID)})
	if err != nil {
		return Retention{}, c.wrapErr("GetObjectRetention", obj.Bucket, obj.Key, err)
	}
	if out.Retention == nil {
		return Retention{}, nil
	}
	return Retention{Mode: string(out.Retention.Mode), RetainUntil: aws.ToTime(out.Retention.RetainUntilDate)}, nil
}

// PutObjectRetentionInput sets an object version's retention.
type PutObjectRetentionInput struct {
	ObjectRef
	Retention Retention
	// BypassGovernanceRetention lets a user with the permission shorten or
	// lift a GOVERNANCE retention.
	BypassGovernanceRetention bool
}

// PutObjectRetention sets the object's retention. The bucket must have
// Object Lock enabled. A retention in force may only grow: COMPLIANCE may
// be extended and nothing else; GOVERNANCE may be extended or made
// COMPLIANCE, and shortened or lifted only with BypassGovernanceRetention.
// The service refuses the rest as it refuses a locked delete
// (IsObjectLocked).
func (c *Client) PutObjectRetention(ctx context.Context, in PutObjectRetentionInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	if err := in.Retention.validate(); err != nil {
		return err
	}
	req := &s3.PutObjectRetentionInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: optString(in.VersionID),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionMode(in.Retention.Mode), RetainUntilDate: aws.Time(in.Retention.RetainUntil)}}
	if in.BypassGovernanceRetention {
		req.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.s3.PutObjectRetention(ctx, req, withContentMD5)
	return c.wrapErr("PutObjectRetention", in.Bucket, in.Key, err)
}

// GetObjectLegalHold reports whether the object has a legal hold, which
// blocks its deletion regardless of retention until it is lifted.
func (c *Client) GetObjectLegalHold(ctx context.Context, obj ObjectRef) (bool, error) {
	if err := obj.validate(); err != nil {
		return false, err
	}
	out, err := c.s3.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID)})
	if err != nil {
		return false, c.wrapErr("GetObjectLegalHold", obj.Bucket, obj.Key, err)
	}
	return out.LegalHold != nil && out.LegalHold.Status == types.ObjectLockLegalHoldStatusOn, nil
}

// PutObjectLegalHold places (on) or lifts (off) the object's legal hold,
// independently of its retention. The bucket must have Object Lock enabled.
func (c *Client) PutObjectLegalHold(ctx context.Context, obj ObjectRef, on bool) error {
	if err := obj.validate(); err != nil {
		return err
	}
	status := types.ObjectLockLegalHoldStatusOff
	if on {
		status = types.ObjectLockLegalHoldStatusOn
	}
	_, err := c.s3.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID), LegalHold: &types.ObjectLockLegalHold{Status: status}}, withContentMD5)
	return c.wrapErr("PutObjectLegalHold", obj.Bucket, obj.Key, err)
}
