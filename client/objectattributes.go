package client

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Attributes GetObjectAttributes can return.
const (
	AttributeETag         = "ETag"
	AttributeChecksum     = "Checksum"
	AttributeObjectParts  = "ObjectParts"
	AttributeStorageClass = "StorageClass"
	AttributeObjectSize   = "ObjectSize"
)

var allObjectAttributes = []string{AttributeETag, AttributeChecksum, AttributeObjectParts, AttributeStorageClass, AttributeObjectSize}

// GetObjectAttributesInput selects an object and what to learn about it.
type GetObjectAttributesInput struct {
	ObjectRef
	// Attributes lists what to return (the Attribute* constants); empty
	// asks for all of them.
	Attributes []string
	// MaxParts and PartNumberMarker page through the parts of a multipart
	// object (1000 parts a page at most).
	MaxParts         int32
	PartNumberMarker int32
	CustomerKey      []byte // the SSE-C key the object was written with
}

// GetObjectAttributesOutput is what the service said; fields not asked for
// are zero.
type GetObjectAttributesOutput struct {
	ETag         string       `json:"etag,omitempty"` // without the quotes HeadObject shows
	Size         int64        `json:"size"`
	StorageClass string       `json:"storage_class,omitempty"`
	LastModified time.Time    `json:"last_modified"`
	VersionID    string       `json:"version_id,omitempty"`
	DeleteMarker bool         `json:"delete_marker,omitempty"`
	Checksum     Checksum     `json:"checksum,omitzero"`
	ChecksumType string       `json:"checksum_type,omitempty"` // COMPOSITE or FULL_OBJECT
	Parts        *ObjectParts `json:"parts,omitempty"`         // multipart objects only
}

// ObjectParts is one page of a multipart object's parts.
type ObjectParts struct {
	TotalParts           int32        `json:"total_parts"`
	PartNumberMarker     int32        `json:"part_number_marker,omitempty"`
	NextPartNumberMarker int32        `json:"next_part_number_marker,omitempty"`
	MaxParts             int32        `json:"max_parts,omitempty"`
	IsTruncated          bool         `json:"is_truncated,omitempty"`
	Parts                []ObjectPart `json:"parts,omitempty"`
}

// ObjectPart is a part of a multipart object. Its checksum is present when
// the upload had a checksum algorithm.
type ObjectPart struct {
	PartNumber int32    `json:"part_number"`
	Size       int64    `json:"size"`
	Checksum   Checksum `json:"checksum,omitzero"`
}

// GetObjectAttributes returns an object's metadata, checksum and parts in
// one call, without reading it.
func (c *Client) GetObjectAttributes(ctx context.Context, in GetObjectAttributesInput) (GetObjectAttributesOutput, error) {
	if err := in.validate(); err != nil {
		return GetObjectAttributesOutput{}, err
	}
	attrs := in.Attributes
	if len(attrs) == 0 {
		attrs = allObjectAttributes
	}
	req := &s3.GetObjectAttributesInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: optString(in.VersionID),
		MaxParts: optInt32(in.MaxParts)}
	for _, a := range attrs {
		if !slices.Contains(allObjectAttributes, a) {
			return GetObjectAttributesOutput{}, &ValidationError{Field: "object attribute", Value: a, Problem: "is not an attribute",
				Fix: "use ETag, Checksum, ObjectParts, StorageClass or ObjectSize"}
		}
		req.ObjectAttributes = append(req.ObjectAttributes, types.ObjectAttributes(a))
	}
	if in.PartNumberMarker != 0 {
		req.PartNumberMarker = aws.String(strconv.Itoa(int(in.PartNumberMarker)))
	}
	req.SSECustomerAlgorithm, req.SSECustomerKey, req.SSECustomerKeyMD5 = customerKeyHeaders(in.CustomerKey)
	out, err := c.s3.GetObjectAttributes(ctx, req)
	if err != nil {
		return GetObjectAttributesOutput{}, c.wrapErr("GetObjectAttributes", in.Bucket, in.Key, err)
	}
	res := GetObjectAttributesOutput{ETag: aws.ToString(out.ETag), Size: aws.ToInt64(out.ObjectSize), StorageClass: string(out.StorageClass),
		LastModified: aws.ToTime(out.LastModified), VersionID: aws.ToString(out.VersionId), DeleteMarker: aws.ToBool(out.DeleteMarker)}
	if s := out.Checksum; s != nil {
		res.Checksum = checksumFrom(s.ChecksumCRC32, s.ChecksumCRC32C, s.ChecksumCRC64NVME, s.ChecksumSHA1, s.ChecksumSHA256)
		res.ChecksumType = string(s.ChecksumType)
	}
	if p := out.ObjectParts; p != nil {
		res.Parts = &ObjectParts{TotalParts: aws.ToInt32(p.TotalPartsCount), PartNumberMarker: atoi32(aws.ToString(p.PartNumberMarker)),
			NextPartNumberMarker: atoi32(aws.ToString(p.NextPartNumberMarker)), MaxParts: aws.ToInt32(p.MaxParts), IsTruncated: aws.ToBool(p.IsTruncated)}
		for _, part := range p.Parts {
			res.Parts.Parts = append(res.Parts.Parts, ObjectPart{PartNumber: aws.ToInt32(part.PartNumber), Size: aws.ToInt64(part.Size),
				Checksum: checksumFrom(part.ChecksumCRC32, part.ChecksumCRC32C, part.ChecksumCRC64NVME, part.ChecksumSHA1, part.ChecksumSHA256)})
		}
	}
	return res, nil
}

// atoi32 reads a part-number marker; a marker that is not a number (a
// server's own token) reads as 0.
func atoi32(s string) int32 {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}
