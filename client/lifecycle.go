package client

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Lifecycle rule states.
const (
	LifecycleEnabled  = "Enabled"
	LifecycleDisabled = "Disabled"
)

// Lifecycle limits from S3.
const (
	MaxLifecycleRules    = 1000
	MaxLifecycleIDLength = 255
)

// LifecycleRule says what happens to the objects it selects, and when.
type LifecycleRule struct {
	ID     string          `json:"id,omitempty"`
	Status string          `json:"status"` // LifecycleEnabled or LifecycleDisabled
	Filter LifecycleFilter `json:"filter"`
	// The actions; a rule needs at least one.
	Expiration                         *LifecycleExpiration          `json:"expiration,omitempty"`
	NoncurrentVersionExpiration        *NoncurrentVersionExpiration  `json:"noncurrent_version_expiration,omitempty"`
	AbortIncompleteMultipartUploadDays int32                         `json:"abort_incomplete_multipart_upload_days,omitempty"`
	Transitions                        []LifecycleTransition         `json:"transitions,omitempty"`
	NoncurrentVersionTransitions       []NoncurrentVersionTransition `json:"noncurrent_version_transitions,omitempty"`
}

// LifecycleFilter selects objects; every condition set must hold. The
// zero value selects every object in the bucket.
type LifecycleFilter struct {
	Prefix                string `json:"prefix,omitempty"`
	Tags                  []Tag  `json:"tags,omitempty"`
	ObjectSizeGreaterThan int64  `json:"object_size_greater_than,omitempty"`
	ObjectSizeLessThan    int64  `json:"object_size_less_than,omitempty"`
}

// LifecycleExpiration expires current versions: after Days, on Date
// (midnight UTC), or, with ExpiredObjectDeleteMarker, removes delete
// markers left with no versions behind them. Set exactly one.
type LifecycleExpiration struct {
	Days                      int32     `json:"days,omitempty"`
	Date                      time.Time `json:"date,omitzero"`
	ExpiredObjectDeleteMarker bool      `json:"expired_object_delete_marker,omitempty"`
}

// NoncurrentVersionExpiration removes versions NoncurrentDays after they
// stop being current, keeping the NewerNoncurrentVersions newest.
type NoncurrentVersionExpiration struct {
	NoncurrentDays          int32 `json:"noncurrent_days"`
	NewerNoncurrentVersions int32 `json:"newer_noncurrent_versions,omitempty"`
}

// LifecycleTransition moves current versions to StorageClass after Days or
// on Date (set one).
type LifecycleTransition struct {
	Days         int32     `json:"days,omitempty"`
	Date         time.Time `json:"date,omitzero"`
	StorageClass string    `json:"storage_class"`
}

// NoncurrentVersionTransition moves versions to StorageClass
// NoncurrentDays after they stop being current.
type NoncurrentVersionTransition struct {
	NoncurrentDays          int32  `json:"noncurrent_days"`
	NewerNoncurrentVersions int32  `json:"newer_noncurrent_versions,omitempty"`
	StorageClass            string `json:"storage_class"`
}

// ValidateLifecycle reports the first rule the service would refuse.
func ValidateLifecycle(rules []LifecycleRule) error {
	if len(rules) == 0 || len(rules) > MaxLifecycleRules {
		return &ValidationError{Field: "lifecycle configuration", Value: fmt.Sprintf("%d rules", len(rules)),
			Problem: fmt.Sprintf("must hold 1 to %d rules", MaxLifecycleRules), Fix: "to remove every rule, use DeleteBucketLifecycle"}
	}
	ids := map[string]bool{}
	for _, r := range rules {
		if r.ID != "" && ids[r.ID] {
			return &ValidationError{Field: "lifecycle rule ID", Value: r.ID, Problem: "appears twice"}
		}
		ids[r.ID] = true
		if err := r.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (r LifecycleRule) validate() error {
	bad := func(problem, fix string) error {
		return &ValidationError{Field: "lifecycle rule", Value: r.ID, Problem: problem, Fix: fix}
	}
	hasTags := len(r.Filter.Tags) > 0
	switch {
	case len(r.ID) > MaxLifecycleIDLength:
		return bad(fmt.Sprintf("has an ID longer than %d characters", MaxLifecycleIDLength), "")
	case r.Status != LifecycleEnabled && r.Status != LifecycleDisabled:
		return bad(fmt.Sprintf("has status %q", r.Status), "use Enabled or Disabled")
	case r.Expiration == nil && r.NoncurrentVersionExpiration == nil && r.AbortIncompleteMultipartUploadDays == 0 &&
		len(r.Transitions) == 0 && len(r.NoncurrentVersionTransitions) == 0:
		return bad("has no action", "set an expiration, a transition or an abort of incomplete uploads")
	case r.AbortIncompleteMultipartUploadDays < 0:
		return bad("aborts incomplete uploads after a negative number of days", "")
	case r.AbortIncompleteMultipartUploadDays > 0 && hasTags:
		return bad("aborts incomplete uploads with a tag filter", "uploads have no tags: filter by prefix only")
	case r.Filter.ObjectSizeGreaterThan < 0 || r.Filter.ObjectSizeLessThan < 0 ||
		r.Filter.ObjectSizeLessThan > 0 && r.Filter.ObjectSizeGreaterThan >= r.Filter.ObjectSizeLessThan:
		return bad("has an empty size range", "ObjectSizeGreaterThan must be below ObjectSizeLessThan")
	}
	if err := ValidateTags(r.Filter.Tags, MaxObjectTags); err != nil {
		return err
	}
	if e := r.Expiration; e != nil {
		set := 0
		for _, b := range []bool{e.Days != 0, !e.Date.IsZero(), e.ExpiredObjectDeleteMarker} {
			if b {
				set++
			}
		}
		switch {
		case set != 1:
			return bad("expiration must set exactly one of Days, Date and ExpiredObjectDeleteMarker", "")
		case e.Days < 0:
			return bad("expires after a negative number of days", "")
		case e.ExpiredObjectDeleteMarker && hasTags:
			return bad("removes expired delete markers with a tag filter", "markers have no tags: filter by prefix only")
		case !e.Date.IsZero() && !isMidnightUTC(e.Date):
			return bad("expires on a date that is not midnight UTC", "use a date such as 2030-01-01T00:00:00Z")
		}
	}
	if n := r.NoncurrentVersionExpiration; n != nil && n.NoncurrentDays <= 0 {
		return bad("expires noncurrent versions after no days", "set NoncurrentDays to 1 or more")
	}
	for _, t := range r.Transitions {
		if (t.Days > 0) == !t.Date.IsZero() || t.Days < 0 || t.StorageClass == "" || !t.Date.IsZero() && !isMidnightUTC(t.Date) {
			return bad("has a transition without exactly one of Days and Date (midnight UTC), or without a storage class", "")
		}
	}
	for _, t := range r.NoncurrentVersionTransitions {
		if t.NoncurrentDays <= 0 || t.StorageClass == "" {
			return bad("has a noncurrent transition without NoncurrentDays or a storage class", "")
		}
	}
	return nil
}

func isMidnightUTC(t time.Time) bool {
	u := t.UTC()
	return u.Equal(time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC))
}

func (f LifecycleFilter) sdk() *types.LifecycleRuleFilter {
	conditions := 0
	for _, set := range []bool{f.Prefix != "", f.ObjectSizeGreaterThan > 0, f.ObjectSizeLessThan > 0} {
		if set {
			conditions++
		}
	}
	conditions += len(f.Tags)
	switch {
	case conditions > 1:
		return &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: optString(f.Prefix), Tags: sdkTags(f.Tags),
			ObjectSizeGreaterThan: optInt64(f.ObjectSizeGreaterThan), ObjectSizeLessThan: optInt64(f.ObjectSizeLessThan)}}
	case len(f.Tags) == 1:
		return &types.LifecycleRuleFilter{Tag: &sdkTags(f.Tags)[0]}
	case f.ObjectSizeGreaterThan > 0 || f.ObjectSizeLessThan > 0:
		return &types.LifecycleRuleFilter{ObjectSizeGreaterThan: optInt64(f.ObjectSizeGreaterThan), ObjectSizeLessThan: optInt64(f.ObjectSizeLessThan)}
	}
	return &types.LifecycleRuleFilter{Prefix: aws.String(f.Prefix)} // "" selects everything
}

func filterFrom(r types.LifecycleRule) LifecycleFilter {
	f := r.Filter
	if f == nil {
		return LifecycleFilter{Prefix: aws.ToString(r.Prefix)} // the rule-level Prefix of older configurations
	}
	if a := f.And; a != nil {
		return LifecycleFilter{Prefix: aws.ToString(a.Prefix), Tags: tagsFrom(a.Tags),
			ObjectSizeGreaterThan: aws.ToInt64(a.ObjectSizeGreaterThan), ObjectSizeLessThan: aws.ToInt64(a.ObjectSizeLessThan)}
	}
	out := LifecycleFilter{Prefix: aws.ToString(f.Prefix), ObjectSizeGreaterThan: aws.ToInt64(f.ObjectSizeGreaterThan),
		ObjectSizeLessThan: aws.ToInt64(f.ObjectSizeLessThan)}
	if f.Tag != nil {
		out.Tags = tagsFrom([]types.Tag{*f.Tag})
	}
	return out
}

func (r LifecycleRule) sdk() types.LifecycleRule {
	out := types.LifecycleRule{ID: optString(r.ID), Status: types.ExpirationStatus(r.Status), Filter: r.Filter.sdk()}
	if e := r.Expiration; e != nil {
		out.Expiration = &types.LifecycleExpiration{Days: optInt32(e.Days), Date: optTime(e.Date)}
		if e.ExpiredObjectDeleteMarker {
			out.Expiration.ExpiredObjectDeleteMarker = aws.Bool(true)
		}
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		out.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(n.NoncurrentDays),
			NewerNoncurrentVersions: optInt32(n.NewerNoncurrentVersions)}
	}
	if r.AbortIncompleteMultipartUploadDays > 0 {
		out.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(r.AbortIncompleteMultipartUploadDays)}
	}
	for _, t := range r.Transitions {
		out.Transitions = append(out.Transitions, types.Transition{Days: optInt32(t.Days), Date: optTime(t.Date),
			StorageClass: types.TransitionStorageClass(t.StorageClass)})
	}
	for _, t := range r.NoncurrentVersionTransitions {
		out.NoncurrentVersionTransitions = append(out.NoncurrentVersionTransitions, types.NoncurrentVersionTransition{
			NoncurrentDays: aws.Int32(t.NoncurrentDays), NewerNoncurrentVersions: optInt32(t.NewerNoncurrentVersions),
			StorageClass: types.TransitionStorageClass(t.StorageClass)})
	}
	return out
}

func lifecycleRuleFrom(r types.LifecycleRule) LifecycleRule {
	out := LifecycleRule{ID: aws.ToString(r.ID), Status: string(r.Status), Filter: filterFrom(r)}
	if e := r.Expiration; e != nil {
		out.Expiration = &LifecycleExpiration{Days: aws.ToInt32(e.Days), Date: aws.ToTime(e.Date), ExpiredObjectDeleteMarker: aws.ToBool(e.ExpiredObjectDeleteMarker)}
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		out.NoncurrentVersionExpiration = &NoncurrentVersionExpiration{NoncurrentDays: aws.ToInt32(n.NoncurrentDays),
			NewerNoncurrentVersions: aws.ToInt32(n.NewerNoncurrentVersions)}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		out.AbortIncompleteMultipartUploadDays = aws.ToInt32(a.DaysAfterInitiation)
	}
	for _, t := range r.Transitions {
		out.Transitions = append(out.Transitions, LifecycleTransition{Days: aws.ToInt32(t.Days), Date: aws.ToTime(t.Date), StorageClass: string(t.StorageClass)})
	}
	for _, t := range r.NoncurrentVersionTransitions {
		out.NoncurrentVersionTransitions = append(out.NoncurrentVersionTransitions, NoncurrentVersionTransition{
			NoncurrentDays: aws.ToInt32(t.NoncurrentDays), NewerNoncurrentVersions: aws.ToInt32(t.NewerNoncurrentVersions), StorageClass: string(t.StorageClass)})
	}
	return out
}

// PutBucketLifecycleConfiguration replaces the bucket's lifecycle rules,
// after checking them with ValidateLifecycle.
func (c *Client) PutBucketLifecycleConfiguration(ctx context.Context, bucket string, rules []LifecycleRule) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if err := ValidateLifecycle(rules); err != nil {
		return err
	}
	sdkRules := make([]types.LifecycleRule, len(rules))
	for i, r := range rules {
		sdkRules[i] = r.sdk()
	}
	_, err := c.s3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: sdkRules}}, withContentMD5)
	return c.wrapErr("PutBucketLifecycleConfiguration", bucket, "", err)
}

// GetBucketLifecycleConfiguration returns the bucket's lifecycle rules; a
// bucket without any gives an error matching ErrNoSuchLifecycleConfiguration.
func (c *Client) GetBucketLifecycleConfiguration(ctx context.Context, bucket string) ([]LifecycleRule, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return nil, err
	}
	out, err := c.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, c.wrapErr("GetBucketLifecycleConfiguration", bucket, "", err)
	}
	rules := make([]LifecycleRule, 0, len(out.Rules))
	for _, r := range out.Rules {
		rules = append(rules, lifecycleRuleFrom(r))
	}
	return rules, nil
}

// DeleteBucketLifecycle removes every lifecycle rule from the bucket.
func (c *Client) DeleteBucketLifecycle(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(bucket)})
	return c.wrapErr("DeleteBucketLifecycle", bucket, "", err)
}

func optInt64(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}
