package client

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3's limits on a default retention period.
const (
	MaxDefaultRetentionDays  = 36500
	MaxDefaultRetentionYears = 100
)

// ObjectLockConfiguration is the Object Lock configuration of a bucket
// created with Object Lock (CreateBucketOptions.ObjectLock); such a bucket
// is versioned for good.
type ObjectLockConfiguration struct {
	// DefaultRetention is the retention a new object version gets when its
	// write names none; nil: none.
	DefaultRetention *DefaultRetention `json:"default_retention,omitempty"`
}

// DefaultRetention is a bucket's default retention rule: a mode and a
// period of Days or Years (one of them), counted from each version's
// creation.
type DefaultRetention struct {
	Mode  string `json:"mode"` // RetentionGovernance or RetentionCompliance
	Days  int32  `json:"days,omitempty"`
	Years int32  `json:"years,omitempty"`
}

func (d *DefaultRetention) validate() error {
	if d == nil {
		return nil
	}
	bad := func(field, value, problem, fix string) error {
		return &ValidationError{Field: field, Value: value, Problem: problem, Fix: fix}
	}
	switch {
	case d.Mode != RetentionGovernance && d.Mode != RetentionCompliance:
		return bad("default retention mode", d.Mode, "is not a mode", "use GOVERNANCE or COMPLIANCE")
	case (d.Days == 0) == (d.Years == 0):
		return bad("default retention period", "", "needs days or years, not both", "set one of Days and Years")
	case d.Days < 0 || d.Years < 0:
		return bad("default retention period", "", "is negative", "give a positive number of days or years")
	case d.Days > MaxDefaultRetentionDays:
		return bad("default retention days", strconv.Itoa(int(d.Days)), "is too long", "use at most 36500 days")
	case d.Years > MaxDefaultRetentionYears:
		return bad("default retention years", strconv.Itoa(int(d.Years)), "is too long", "use at most 100 years")
	}
	return nil
}

// GetObjectLockConfiguration returns the bucket's Object Lock
// configuration. A bucket created without Object Lock gives an error
// matching ErrObjectLockConfigurationNotFound.
func (c *Client) GetObjectLockConfiguration(ctx context.Context, bucket string) (ObjectLockConfiguration, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ObjectLockConfiguration{}, err
	}
	out, err := c.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return ObjectLockConfiguration{}, c.wrapErr("GetObjectLockConfiguration", bucket, "", err)
	}
	var cfg ObjectLockConfiguration
	if out.ObjectLockConfiguration != nil && out.ObjectLockConfiguration.Rule != nil {
		if d := out.ObjectLockConfiguration.Rule.DefaultRetention; d != nil {
			cfg.DefaultRetention = &DefaultRetention{Mode: string(d.Mode), Days: aws.ToInt32(d.Days), Years: aws.ToInt32(d.Years)}
		}
	}
	return cfg, nil
}

// PutObjectLockConfiguration sets the default retention of a bucket
// created with Object Lock (nil DefaultRetention removes it). Object Lock
// cannot be turned on for a bucket made without it: the service answers
// InvalidBucketState.
func (c *Client) PutObjectLockConfiguration(ctx context.Context, bucket string, cfg ObjectLockConfiguration) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if err := cfg.DefaultRetention.validate(); err != nil {
		return err
	}
	doc := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	if d := cfg.DefaultRetention; d != nil {
		r := &types.DefaultRetention{Mode: types.ObjectLockRetentionMode(d.Mode)}
		if d.Days > 0 {
			r.Days = aws.Int32(d.Days)
		} else {
			r.Years = aws.Int32(d.Years)
		}
		doc.Rule = &types.ObjectLockRule{DefaultRetention: r}
	}
	_, err := c.s3.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bucket),
		ObjectLockConfiguration: doc}, withContentMD5)
	return c.wrapErr("PutObjectLockConfiguration", bucket, "", err)
}

// DeleteOption changes how DeleteObject and DeleteObjects delete.
type DeleteOption func(*deleteSettings)

type deleteSettings struct{ bypassGovernance bool }

func deleteSettingsOf(opts []DeleteOption) deleteSettings {
	var s deleteSettings
	for _, o := range opts {
		o(&s)
	}
	return s
}

// bypass is the BypassGovernanceRetention member: true or absent.
func (s deleteSettings) bypass() *bool {
	if s.bypassGovernance {
		return aws.Bool(true)
	}
	return nil
}

// WithBypassGovernanceRetention deletes versions that a GOVERNANCE
// retention protects (x-amz-bypass-governance-retention), for a caller
// the service allows to (S3's s3:BypassGovernanceRetention). Nothing
// bypasses a COMPLIANCE retention or a legal hold.
func WithBypassGovernanceRetention() DeleteOption {
	return func(s *deleteSettings) { s.bypassGovernance = true }
}

// IsObjectLocked reports whether err is the service refusing to delete or
// change a version that Object Lock protects: AccessDenied naming the
// lock, as S3 words it ("Access Denied because object protected by object
// lock.").
func IsObjectLocked(err error) bool {
	var e *Error
	return errors.As(err, &e) && lockRefusal(e.Code, e.Message)
}

// ObjectLocked reports whether the key was refused because Object Lock
// protects it (see IsObjectLocked).
func (f DeleteFailure) ObjectLocked() bool { return lockRefusal(f.Code, f.Message) }

func lockRefusal(code ErrorCode, message string) bool {
	return code == ErrAccessDenied && strings.Contains(strings.ToLower(message), "object lock")
}

// LegalHoldOn is the legal hold status (ObjectInfo.LegalHold) that blocks
// deletion.
const LegalHoldOn = "ON"

// ObjectLocked reports whether Object Lock forbids deleting the version
// HeadObject described, at now: a legal hold on, or a retention still in
// force, unless bypassGovernance and the retention is GOVERNANCE. It is
// S3's rule as the headers show it; the service decides.
func (o ObjectInfo) ObjectLocked(now time.Time, bypassGovernance bool) bool {
	if o.LegalHold == LegalHoldOn {
		return true
	}
	return o.LockMode != "" && now.Before(o.LockRetainUntil) && !(bypassGovernance && o.LockMode == RetentionGovernance)
}
