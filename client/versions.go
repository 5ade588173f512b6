package client

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Versioning states of a bucket. A bucket that was never versioned has
// the empty state; once enabled it can only be suspended.
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// BucketVersioning is a bucket's versioning state.
type BucketVersioning struct {
	Status    string `json:"status,omitempty"`     // VersioningEnabled, VersioningSuspended or "" (never enabled)
	MFADelete string `json:"mfa_delete,omitempty"` // "Enabled", "Disabled" or ""
}

// GetBucketVersioning returns the bucket's versioning state.
func (c *Client) GetBucketVersioning(ctx context.Context, bucket string) (BucketVersioning, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return BucketVersioning{}, err
	}
	out, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		return BucketVersioning{}, c.wrapErr("GetBucketVersioning", bucket, "", err)
	}
	return BucketVersioning{Status: string(out.Status), MFADelete: string(out.MFADelete)}, nil
}

// PutBucketVersioning enables or suspends versioning (VersioningEnabled or
// VersioningSuspended).
func (c *Client) PutBucketVersioning(ctx context.Context, bucket, status string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if status != VersioningEnabled && status != VersioningSuspended {
		return &ValidationError{Field: "versioning status", Value: status, Problem: "is not a state a bucket can be put in", Fix: "use Enabled or Suspended"}
	}
	_, err := c.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatus(status)}}, withContentMD5)
	return c.wrapErr("PutBucketVersioning", bucket, "", err)
}

// ObjectVersion is one entry of ListObjectVersions: a version of an object,
// or a delete marker (DeleteMarker true, no Size or ETag).
type ObjectVersion struct {
	Key          string    `json:"key"`
	VersionID    string    `json:"version_id"`
	IsLatest     bool      `json:"is_latest"`
	DeleteMarker bool      `json:"delete_marker,omitempty"`
	LastModified time.Time `json:"last_modified"`
	Size         int64     `json:"size,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	StorageClass string    `json:"storage_class,omitempty"`
	Owner        *Owner    `json:"owner,omitempty"`
}

// ListObjectVersionsInput selects what ListObjectVersions returns. Bucket
// is required.
type ListObjectVersionsInput struct {
	Bucket    string
	Prefix    string
	Delimiter string // "/" groups keys into CommonPrefixes
	// MaxKeys is the page size (the service caps it at 1000).
	MaxKeys int32
	// KeyMarker and VersionIDMarker resume a listing after that key (and,
	// with VersionIDMarker, after that version of it), as the previous
	// page's NextKeyMarker and NextVersionIDMarker say.
	KeyMarker, VersionIDMarker string
}

// VersionPage is one ListObjectVersions response. Versions holds versions
// and delete markers together in the service's order: by key, and within a
// key newest first.
type VersionPage struct {
	Versions       []ObjectVersion
	CommonPrefixes []string
	// NextKeyMarker and NextVersionIDMarker resume the listing after this
	// page; both empty on the last.
	NextKeyMarker, NextVersionIDMarker string
}

// versionMarkers is where a version listing stands.
type versionMarkers struct{ key, versionID string }

// ListObjectVersions yields the bucket's versions and delete markers page
// by page. A failed page yields its error once and ends the iteration.
// Pages are checked as ListObjects checks them (keys URL-encoded and
// decoded, under the prefix, in order, no version twice, paging that leads
// on, a bounded answer); a page breaking a rule yields a *ProtocolError:
// rb --force deletes what this listing names.
func (c *Client) ListObjectVersions(ctx context.Context, in ListObjectVersionsInput) iter.Seq2[*VersionPage, error] {
	return func(yield func(*VersionPage, error) bool) {
		if err := ValidateBucketName(in.Bucket); err != nil {
			yield(nil, err)
			return
		}
		fail := protocolFailure("ListObjectVersions", in.Bucket, in.Prefix)
		at := versionMarkers{key: in.KeyMarker, versionID: in.VersionIDMarker}
		guard := newPageGuard(fail, at.token())
		order := &idOrder{idNoun: "version", prefix: in.Prefix, fail: fail}
		for {
			page, truncated, err := c.versionPage(ctx, in, at, order, fail)
			if err == nil {
				at, err = nextVersionMarkers(guard, page, truncated)
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || !truncated {
				return
			}
		}
	}
}

// token is the markers as one continuation token, for the page guard.
func (m versionMarkers) token() string { return markerToken(m.key, m.versionID) }

// nextVersionMarkers decides where a version listing goes on after page:
// the one place that judges a server's paging, with the guard ListObjects
// uses (a truncated page must name the next, and the markers must not come
// back without the listing moving on).
func nextVersionMarkers(guard *pageGuard, page *VersionPage, truncated bool) (versionMarkers, error) {
	next := versionMarkers{key: page.NextKeyMarker, versionID: page.NextVersionIDMarker}
	_, err := guard.next(truncated, next.token(), len(page.Versions)+len(page.CommonPrefixes))
	return next, err
}

// versionPage fetches one page, its keys decoded and checked by order;
// truncated is the answer's IsTruncated.
func (c *Client) versionPage(ctx context.Context, in ListObjectVersionsInput, at versionMarkers, order *idOrder,
	fail func(string) error) (*VersionPage, bool, error) {
	out, err := c.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{
		Bucket: aws.String(in.Bucket), Prefix: optString(in.Prefix), Delimiter: optString(in.Delimiter),
		KeyMarker: optString(at.key), VersionIdMarker: optString(at.versionID), MaxKeys: optInt32(in.MaxKeys),
		EncodingType: types.EncodingTypeUrl,
	}, capAnswer)
	if err != nil {
		return nil, false, c.wrapErr("ListObjectVersions", in.Bucket, in.Prefix, err)
	}
	dec := decoderFor(out.EncodingType, fail)
	page := &VersionPage{Versions: make([]ObjectVersion, 0, len(out.Versions)+len(out.DeleteMarkers))}
	versions, markers := make([]keyID, 0, len(out.Versions)), make([]keyID, 0, len(out.DeleteMarkers))
	for _, v := range out.Versions {
		key, err := dec.decode(aws.ToString(v.Key))
		if err != nil {
			return nil, false, err
		}
		versions = append(versions, keyID{key, aws.ToString(v.VersionId)})
		page.Versions = append(page.Versions, ObjectVersion{Key: key, VersionID: aws.ToString(v.VersionId),
			IsLatest: aws.ToBool(v.IsLatest), LastModified: aws.ToTime(v.LastModified), Size: aws.ToInt64(v.Size),
			ETag: aws.ToString(v.ETag), StorageClass: string(v.StorageClass), Owner: ownerFrom(v.Owner)})
	}
	for _, m := range out.DeleteMarkers {
		key, err := dec.decode(aws.ToString(m.Key))
		if err != nil {
			return nil, false, err
		}
		markers = append(markers, keyID{key, aws.ToString(m.VersionId)})
		page.Versions = append(page.Versions, ObjectVersion{Key: key, VersionID: aws.ToString(m.VersionId),
			IsLatest: aws.ToBool(m.IsLatest), DeleteMarker: true, LastModified: aws.ToTime(m.LastModified), Owner: ownerFrom(m.Owner)})
	}
	if err := order.page(versions, markers); err != nil {
		return nil, false, err
	}
	// The answer interleaves <Version> and <DeleteMarker> in one order; the
	// SDK parses them into two lists. Restore it: by key, then newest
	// first (the latest entry of a key first, whatever the clocks say).
	slices.SortStableFunc(page.Versions, func(a, b ObjectVersion) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if a.IsLatest != b.IsLatest {
			if a.IsLatest {
				return -1
			}
			return 1
		}
		return b.LastModified.Compare(a.LastModified)
	})
	for _, p := range out.CommonPrefixes {
		prefix, err := dec.decode(aws.ToString(p.Prefix))
		if err != nil {
			return nil, false, err
		}
		page.CommonPrefixes = append(page.CommonPrefixes, prefix)
	}
	truncated := aws.ToBool(out.IsTruncated)
	if truncated {
		page.NextKeyMarker, err = dec.decode(aws.ToString(out.NextKeyMarker))
		if err != nil {
			return nil, false, err
		}
		page.NextVersionIDMarker = aws.ToString(out.NextVersionIdMarker)
	}
	return page, truncated, nil
}

func ownerFrom(o *types.Owner) *Owner {
	if o == nil {
		return nil
	}
	return &Owner{ID: aws.ToString(o.ID), DisplayName: aws.ToString(o.DisplayName)}
}
