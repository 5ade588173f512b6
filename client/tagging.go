package client

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ObjectRef names an object, or one version of it when VersionID is set,
// for the calls that read or change an object's settings (tags, ACL,
// retention, legal hold, attributes).
type ObjectRef struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	VersionID string `json:"version_id,omitempty"`
}

func (r ObjectRef) validate() error { return validateObject(r.Bucket, r.Key) }

// Tag limits from S3, which QStorage follows.
const (
	MaxObjectTags     = 10
	MaxBucketTags     = 50
	MaxTagKeyLength   = 128 // characters
	MaxTagValueLength = 256 // characters
)

// ValidateTags checks a tag set against S3's rules: at most max tags
// (MaxObjectTags or MaxBucketTags), unique non-empty keys of up to 128
// characters, values of up to 256, no reserved "aws:" prefix.
func ValidateTags(tags []Tag, max int) error {
	if len(tags) > max {
		return &ValidationError{Field: "tags", Value: fmt.Sprintf("%d tags", len(tags)), Problem: fmt.Sprintf("exceed the limit of %d", max)}
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case t.Key == "":
			return &ValidationError{Field: "tag key", Value: t.Key, Problem: "is empty"}
		case utf8.RuneCountInString(t.Key) > MaxTagKeyLength:
			return &ValidationError{Field: "tag key", Value: t.Key, Problem: fmt.Sprintf("is longer than %d characters", MaxTagKeyLength)}
		case utf8.RuneCountInString(t.Value) > MaxTagValueLength:
			return &ValidationError{Field: "tag value", Value: t.Key, Problem: fmt.Sprintf("is longer than %d characters", MaxTagValueLength)}
		case !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value):
			return &ValidationError{Field: "tag", Value: t.Key, Problem: "is not valid UTF-8"}
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return &ValidationError{Field: "tag key", Value: t.Key, Problem: `uses the reserved prefix "aws:"`}
		case seen[t.Key]:
			return &ValidationError{Field: "tag key", Value: t.Key, Problem: "appears twice", Fix: "give each key one value"}
		}
		seen[t.Key] = true
	}
	return nil
}

func sdkTags(tags []Tag) []types.Tag {
	set := make([]types.Tag, 0, len(tags))
	for _, t := range tags {
		set = append(set, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return set
}

func tagsFrom(set []types.Tag) []Tag {
	tags := make([]Tag, 0, len(set))
	for _, t := range set {
		tags = append(tags, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return tags
}

// ObjectTags is an object's tag set and the version it belongs to.
type ObjectTags struct {
	Tags      []Tag  `json:"tags"`
	VersionID string `json:"version_id,omitempty"`
}

// GetObjectTagging returns the object's tags (an empty set when it has none).
func (c *Client) GetObjectTagging(ctx context.Context, obj ObjectRef) (ObjectTags, error) {
	if err := obj.validate(); err != nil {
		return ObjectTags{}, err
	}
	out, err := c.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID)})
	if err != nil {
		return ObjectTags{}, c.wrapErr("GetObjectTagging", obj.Bucket, obj.Key, err)
	}
	return ObjectTags{Tags: tagsFrom(out.TagSet), VersionID: aws.ToString(out.VersionId)}, nil
}

// PutObjectTagging replaces the object's tags and returns the version it
// tagged. The tags are checked with ValidateTags first.
func (c *Client) PutObjectTagging(ctx context.Context, obj ObjectRef, tags []Tag) (string, error) {
	if err := obj.validate(); err != nil {
		return "", err
	}
	if err := ValidateTags(tags, MaxObjectTags); err != nil {
		return "", err
	}
	out, err := c.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID), Tagging: &types.Tagging{TagSet: sdkTags(tags)}}, withContentMD5)
	if err != nil {
		return "", c.wrapErr("PutObjectTagging", obj.Bucket, obj.Key, err)
	}
	return aws.ToString(out.VersionId), nil
}

// DeleteObjectTagging removes every tag from the object and returns the
// version it changed.
func (c *Client) DeleteObjectTagging(ctx context.Context, obj ObjectRef) (string, error) {
	if err := obj.validate(); err != nil {
		return "", err
	}
	out, err := c.s3.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key),
		VersionId: optString(obj.VersionID)})
	if err != nil {
		return "", c.wrapErr("DeleteObjectTagging", obj.Bucket, obj.Key, err)
	}
	return aws.ToString(out.VersionId), nil
}
