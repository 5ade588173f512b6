package client

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ObjectInfo is what HeadObject and GetObject say about an object. The
// fields after Metadata are filled by HeadObject only, where the service
// sent them.
type ObjectInfo struct {
	Bucket             string            `json:"bucket"`
	Key                string            `json:"key"`
	Size               int64             `json:"size"`
	ETag               string            `json:"etag"`
	LastModified       time.Time         `json:"last_modified"`
	ContentType        string            `json:"content_type,omitempty"`
	CacheControl       string            `json:"cache_control,omitempty"`
	ContentDisposition string            `json:"content_disposition,omitempty"`
	ContentEncoding    string            `json:"content_encoding,omitempty"`
	StorageClass       string            `json:"storage_class,omitempty"`
	VersionID          string            `json:"version_id,omitempty"`
	SSE                string            `json:"server_side_encryption,omitempty"`
	PartsCount         int32             `json:"parts_count,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"` // as sent: non-ASCII values RFC 2047-encoded

	ContentLanguage string `json:"content_language,omitempty"`
	// Expires is the Expires header as stored, which need not be a valid date.
	Expires         string `json:"expires,omitempty"`
	WebsiteRedirect string `json:"website_redirect_location,omitempty"`
	AcceptRanges    string `json:"accept_ranges,omitempty"`
	// Expiration is the lifecycle rule's expiry-date="…", rule-id="…".
	Expiration           string `json:"expiration,omitempty"`
	SSEKMSKeyID          string `json:"sse_kms_key_id,omitempty"`
	BucketKeyEnabled     bool   `json:"bucket_key_enabled,omitempty"`
	SSECustomerAlgorithm string `json:"sse_customer_algorithm,omitempty"`
	SSECustomerKeyMD5    string `json:"sse_customer_key_md5,omitempty"`
	// Checksums maps an algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)
	// to the base64 checksum stored with the object; HeadObject asks for
	// them with HeadObjectInput.Checksums.
	Checksums       map[string]string `json:"checksums,omitempty"`
	ChecksumType    string            `json:"checksum_type,omitempty"` // FULL_OBJECT or COMPOSITE
	TagCount        int32             `json:"tag_count,omitempty"`
	LockMode        string            `json:"object_lock_mode,omitempty"`
	LockRetainUntil time.Time         `json:"object_lock_retain_until_date,omitzero"`
	LegalHold       string            `json:"object_lock_legal_hold_status,omitempty"`
	// ReplicationStatus, Restore and ArchiveStatus describe replication
	// and archived (restored) copies.
	ReplicationStatus string `json:"replication_status,omitempty"`
	Restore           string `json:"restore,omitempty"`
	ArchiveStatus     string `json:"archive_status,omitempty"`
	DeleteMarker      bool   `json:"delete_marker,omitempty"`
	// MissingMeta counts metadata entries the service could not return
	// as headers.
	MissingMeta int32 `json:"missing_meta,omitempty"`
}

// PutObjectInput is a single-request upload (up to 5 GB).
type PutObjectInput struct {
	Bucket, Key string
	Body        io.Reader
	// ContentLength is the body's size. Zero (unset) takes it from the
	// body: Len() for *bytes.Reader, *strings.Reader and *bytes.Buffer,
	// Seek for *os.File and other seekers; a body that cannot tell (a pipe,
	// os.Stdin, an io.Reader of your own) is sent with its length unknown,
	// which the service may refuse (MissingContentLength) but never stores
	// short. -1 says unknown outright.
	ContentLength int64
	// ContentMD5 is the base64 MD5 of the body; the service rejects a body
	// that does not match (InvalidDigest).
	ContentMD5 string
	// ChecksumAlgorithm sends the body's checksum as x-amz-checksum-<alg>;
	// the service verifies it (BadDigest) and stores it. The client
	// computes it, reading the body once and rewinding it, unless Checksum
	// gives the value (needed for a body that cannot be rewound).
	ChecksumAlgorithm ChecksumAlgorithm
	// Checksum is the body's base64 checksum for ChecksumAlgorithm, when
	// the caller has it.
	Checksum string
	// PayloadSHA256 is the hex SHA-256 of the body, for a caller that
	// reads the body anyway: over plain HTTP the request signature covers
	// the body's SHA-256, which the client otherwise computes by reading
	// the body once more (see Client.SignsPayload). Ignored over HTTPS.
	PayloadSHA256 string
	// IfNoneMatch "*" writes only if no object has the key (a conditional
	// create): the service answers PreconditionFailed otherwise, and a
	// concurrent writer cannot slip in between a check and the write.
	IfNoneMatch string
	// IfMatch writes only if the object's ETag is still this one.
	IfMatch string
	ObjectAttributes
}

// PutObjectOutput is a completed write.
type PutObjectOutput struct {
	ETag      string
	VersionID string
	// Checksum is the checksum sent, or when none was, the one the service
	// computed and returned (S3 adds CRC64NVME to every new object).
	Checksum Checksum
	// SSE is the server-side encryption the service says it applied
	// (x-amz-server-side-encryption: AES256, aws:kms, aws:kms:dsse…),
	// which a bucket's default encryption sets though the request asked
	// for none. With KMS (IsKMS) the ETag is not the MD5 of the bytes.
	SSE string
}

// PutObject stores Body as one object.
func (c *Client) PutObject(ctx context.Context, in PutObjectInput) (PutObjectOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return PutObjectOutput{}, err
	}
	if err := in.ObjectAttributes.validate(); err != nil {
		return PutObjectOutput{}, err
	}
	if err := validateWriteConditions(in.IfNoneMatch, in.IfMatch); err != nil {
		return PutObjectOutput{}, err
	}
	body, length := requestBody(in.Body, in.ContentLength)
	sum, err := bodyChecksum(in.ChecksumAlgorithm, in.Checksum, body)
	if err != nil {
		return PutObjectOutput{}, err
	}
	a := in.ObjectAttributes.sdk()
	req := &s3.PutObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), Body: body, ContentLength: length,
		ContentMD5: optString(in.ContentMD5), IfNoneMatch: optString(in.IfNoneMatch), IfMatch: optString(in.IfMatch),
		ContentType: a.contentType, CacheControl: a.cacheControl, ContentDisposition: a.contentDisposition,
		ContentEncoding: a.contentEncoding, ContentLanguage: a.contentLanguage, Metadata: in.Metadata,
		ACL: a.acl, StorageClass: a.storageClass, ServerSideEncryption: a.sse, SSEKMSKeyId: a.kmsKeyID,
		SSEKMSEncryptionContext: a.kmsContext, BucketKeyEnabled: a.bucketKey,
		SSECustomerAlgorithm: a.sseCAlg, SSECustomerKey: a.sseCKey, SSECustomerKeyMD5: a.sseCKeyMD5,
		ObjectLockMode: a.lockMode, ObjectLockRetainUntilDate: a.retainUntil, ObjectLockLegalHoldStatus: a.legalHold,
		Expires: a.expires, WebsiteRedirectLocation: a.websiteRedirect,
		Tagging: a.tagging,
	}
	req.ChecksumCRC32, req.ChecksumCRC32C, req.ChecksumCRC64NVME, req.ChecksumSHA1, req.ChecksumSHA256 = sum.sdk()
	out, err := c.s3.PutObject(ctx, req, unsignedPayloadIfStreaming(body), withoutDefaultContentType, c.payloadHash(in.PayloadSHA256))
	if err != nil {
		return PutObjectOutput{}, c.wrapErr("PutObject", in.Bucket, in.Key, err)
	}
	if sum.Algorithm == "" {
		sum = checksumFrom(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256)
	}
	return PutObjectOutput{ETag: aws.ToString(out.ETag), VersionID: aws.ToString(out.VersionId), Checksum: sum,
		SSE: string(out.ServerSideEncryption)}, nil
}

// IfNoneMatchAny is the IfNoneMatch value of a conditional create: write
// only if the key holds no object.
const IfNoneMatchAny = "*"

// validateWriteConditions accepts what S3 accepts on a write: If-None-Match
// only as "*", and not together with If-Match.
func validateWriteConditions(ifNoneMatch, ifMatch string) error {
	switch {
	case ifNoneMatch != "" && ifNoneMatch != IfNoneMatchAny:
		return &ValidationError{Field: "If-None-Match", Value: ifNoneMatch, Problem: "on a write can only be *", Fix: `use "*" to write only if the key is free`}
	case ifNoneMatch != "" && ifMatch != "":
		return &ValidationError{Field: "If-Match", Value: ifMatch, Problem: "cannot be combined with If-None-Match", Fix: "set one of them"}
	}
	return nil
}

// Conditions make a read depend on the object's state. A GetObject whose
// IfNoneMatch or IfModifiedSince says "unchanged" is a result, not an error.
type Conditions struct {
	IfMatch           string
	IfNoneMatch       string
	IfModifiedSince   time.Time
	IfUnmodifiedSince time.Time
}

// ResponseOverrides set headers of a GetObject response.
type ResponseOverrides struct {
	ContentType, ContentDisposition, CacheControl, ContentEncoding, ContentLanguage string
	Expires                                                                         time.Time
}

// GetObjectInput selects an object, or a part or byte range of it.
type GetObjectInput struct {
	Bucket, Key string
	VersionID   string
	// Range is an HTTP byte range such as "bytes=0-1023".
	Range       string
	PartNumber  int32
	CustomerKey []byte // SSE-C key the object was written with
	Conditions
	Overrides ResponseOverrides
}

// GetObjectOutput is an object's body and what the service said about it.
// When NotModified is true the conditions said "unchanged" and Body is empty.
// The caller closes Body.
type GetObjectOutput struct {
	Body         io.ReadCloser
	ContentRange string
	NotModified  bool
	ObjectInfo
}

// GetObject starts reading an object.
func (c *Client) GetObject(ctx context.Context, in GetObjectInput) (*GetObjectOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return nil, err
	}
	if in.PartNumber != 0 {
		if err := ValidatePartNumber(in.PartNumber); err != nil {
			return nil, err
		}
	}
	req := &s3.GetObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: optString(in.VersionID),
		Range: optString(in.Range), PartNumber: optInt32(in.PartNumber),
		IfMatch: optString(in.IfMatch), IfNoneMatch: optString(in.IfNoneMatch),
		IfModifiedSince: optTime(in.IfModifiedSince), IfUnmodifiedSince: optTime(in.IfUnmodifiedSince),
		ResponseContentType: optString(in.Overrides.ContentType), ResponseContentDisposition: optString(in.Overrides.ContentDisposition),
		ResponseCacheControl: optString(in.Overrides.CacheControl), ResponseContentEncoding: optString(in.Overrides.ContentEncoding),
		ResponseContentLanguage: optString(in.Overrides.ContentLanguage), ResponseExpires: optTime(in.Overrides.Expires),
	}
	req.SSECustomerAlgorithm, req.SSECustomerKey, req.SSECustomerKeyMD5 = customerKeyHeaders(in.CustomerKey)
	out, err := c.s3.GetObject(ctx, req)
	if err != nil {
		if statusOf(err) == http.StatusNotModified {
			return &GetObjectOutput{Body: http.NoBody, NotModified: true, ObjectInfo: ObjectInfo{Bucket: in.Bucket, Key: in.Key}}, nil
		}
		return nil, c.wrapErr("GetObject", in.Bucket, in.Key, err)
	}
	info := ObjectInfo{
		Bucket: in.Bucket, Key: in.Key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified), ContentType: aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl), ContentDisposition: aws.ToString(out.ContentDisposition),
		ContentEncoding: aws.ToString(out.ContentEncoding), StorageClass: string(out.StorageClass),
		VersionID: aws.ToString(out.VersionId), SSE: string(out.ServerSideEncryption),
		PartsCount: aws.ToInt32(out.PartsCount), Metadata: out.Metadata,
	}
	return &GetObjectOutput{Body: out.Body, ContentRange: aws.ToString(out.ContentRange), ObjectInfo: info}, nil
}

// HeadObjectInput selects the object HeadObject describes.
type HeadObjectInput struct {
	Bucket, Key string
	VersionID   string
	PartNumber  int32
	CustomerKey []byte
	// Checksums asks for the object's stored checksums
	// (x-amz-checksum-mode: ENABLED), in ObjectInfo.Checksums.
	Checksums bool
	Conditions
}

// HeadObject describes an object without reading it. A missing object gives
// an error matching ErrNoSuchKey.
func (c *Client) HeadObject(ctx context.Context, in HeadObjectInput) (ObjectInfo, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return ObjectInfo{}, err
	}
	req := &s3.HeadObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: optString(in.VersionID),
		PartNumber: optInt32(in.PartNumber), IfMatch: optString(in.IfMatch), IfNoneMatch: optString(in.IfNoneMatch),
		IfModifiedSince: optTime(in.IfModifiedSince), IfUnmodifiedSince: optTime(in.IfUnmodifiedSince),
	}
	req.SSECustomerAlgorithm, req.SSECustomerKey, req.SSECustomerKeyMD5 = customerKeyHeaders(in.CustomerKey)
	if in.Checksums {
		req.ChecksumMode = types.ChecksumModeEnabled
	}
	out, err := c.s3.HeadObject(ctx, req)
	if err != nil {
		return ObjectInfo{}, c.wrapErr("HeadObject", in.Bucket, in.Key, err)
	}
	return headInfo(in.Bucket, in.Key, out), nil
}

// headInfo is everything a HeadObject answer says.
func headInfo(bucket, key string, out *s3.HeadObjectOutput) ObjectInfo {
	info := ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified), ContentType: aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl), ContentDisposition: aws.ToString(out.ContentDisposition),
		ContentEncoding: aws.ToString(out.ContentEncoding), StorageClass: string(out.StorageClass),
		VersionID: aws.ToString(out.VersionId), SSE: string(out.ServerSideEncryption),
		PartsCount: aws.ToInt32(out.PartsCount), Metadata: out.Metadata,

		ContentLanguage: aws.ToString(out.ContentLanguage), Expires: aws.ToString(out.ExpiresString),
		WebsiteRedirect: aws.ToString(out.WebsiteRedirectLocation), AcceptRanges: aws.ToString(out.AcceptRanges),
		Expiration: aws.ToString(out.Expiration), SSEKMSKeyID: aws.ToString(out.SSEKMSKeyId),
		BucketKeyEnabled: aws.ToBool(out.BucketKeyEnabled), SSECustomerAlgorithm: aws.ToString(out.SSECustomerAlgorithm),
		SSECustomerKeyMD5: aws.ToString(out.SSECustomerKeyMD5), ChecksumType: string(out.ChecksumType),
		TagCount: aws.ToInt32(out.TagCount), LockMode: string(out.ObjectLockMode),
		LockRetainUntil: aws.ToTime(out.ObjectLockRetainUntilDate), LegalHold: string(out.ObjectLockLegalHoldStatus),
		ReplicationStatus: string(out.ReplicationStatus), Restore: aws.ToString(out.Restore),
		ArchiveStatus: string(out.ArchiveStatus), DeleteMarker: aws.ToBool(out.DeleteMarker),
		MissingMeta: aws.ToInt32(out.MissingMeta),
	}
	if info.Expires == "" && out.Expires != nil {
		info.Expires = out.Expires.UTC().Format(http.TimeFormat)
	}
	for alg, v := range map[string]*string{"CRC32": out.ChecksumCRC32, "CRC32C": out.ChecksumCRC32C,
		"CRC64NVME": out.ChecksumCRC64NVME, "SHA1": out.ChecksumSHA1, "SHA256": out.ChecksumSHA256} {
		if v != nil && *v != "" {
			if info.Checksums == nil {
				info.Checksums = map[string]string{}
			}
			info.Checksums[alg] = *v
		}
	}
	return info
}

// DeleteObject deletes an object, or one version of it when versionID is
// set. Deleting a missing key succeeds, as in S3. A version that Object
// Lock protects is refused (IsObjectLocked); WithBypassGovernanceRetention
// lifts a GOVERNANCE retention. Without a version, a versioned bucket only
// gets a delete marker, which Object Lock allows.
func (c *Client) DeleteObject(ctx context.Context, bucket, key, versionID string, opts ...DeleteOption) error {
	if err := validateObject(bucket, key); err != nil {
		return err
	}
	_, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: optString(versionID),
		BypassGovernanceRetention: deleteSettingsOf(opts).bypass()})
	return c.wrapErr("DeleteObject", bucket, key, err)
}

// ObjectID names an object, or one version of it.
type ObjectID struct {
	Key       string `json:"key"`
	VersionID string `json:"version_id,omitempty"`
}

// DeleteFailure is a key DeleteObjects could not delete.
type DeleteFailure struct {
	ObjectID
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

// DeleteObjectsOutput lists what was deleted and what was not.
type DeleteObjectsOutput struct {
	Deleted []ObjectID
	Failed  []DeleteFailure
}

// DeleteObjects deletes keys in batches of 1,000 (one request each, with
// Content-MD5). Per-key failures are reported in Failed, not as an error; an
// error means a whole batch failed, and the output holds the batches before it.
//
// The answer must account for every key sent: a key it neither reports
// deleted nor failed is in Failed with code ErrNotConfirmed. A key holding
// a character XML 1.0 cannot carry (ESC and the other C0 controls but tab,
// CR and LF) cannot go in a DeleteObjects request, which would send
// U+FFFD in its place and so name another key; it is deleted with its own
// DeleteObject instead. Versions that Object Lock protects are failures
// (DeleteFailure.ObjectLocked); opts apply to every key, as DeleteObject's.
func (c *Client) DeleteObjects(ctx context.Context, bucket string, ids []ObjectID, opts ...DeleteOption) (DeleteObjectsOutput, error) {
	var res DeleteObjectsOutput
	if err := ValidateBucketName(bucket); err != nil {
		return res, err
	}
	batchable := make([]ObjectID, 0, len(ids))
	for _, id := range ids {
		if err := ValidateKey(id.Key); err != nil {
			return res, err
		}
		if !xmlSafe(id.Key) {
			if err := c.deleteOne(ctx, bucket, id, &res, opts); err != nil {
				return res, err
			}
			continue
		}
		batchable = append(batchable, id)
	}
	for start := 0; start < len(batchable); start += MaxDeleteBatch {
		batch := batchable[start:min(start+MaxDeleteBatch, len(batchable))]
		if err := c.deleteBatch(ctx, bucket, batch, &res, opts); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ErrNotConfirmed is the code of a DeleteFailure for a key the server's
// DeleteObjects answer did not mention: it may or may not be gone.
const ErrNotConfirmed ErrorCode = "NotConfirmed"

// deleteOne deletes a key DeleteObjects cannot carry. A service error is
// the key's failure, as DeleteObjects would report it; a connection
// failure fails the call, as a failed batch does.
func (c *Client) deleteOne(ctx context.Context, bucket string, id ObjectID, res *DeleteObjectsOutput, opts []DeleteOption) error {
	err := c.DeleteObject(ctx, bucket, id.Key, id.VersionID, opts...)
	var se *Error
	switch {
	case err == nil:
		res.Deleted = append(res.Deleted, id)
	case errors.As(err, &se):
		res.Failed = append(res.Failed, DeleteFailure{ObjectID: id, Code: se.Code, Message: se.Message})
	default:
		return err
	}
	return nil
}

func (c *Client) deleteBatch(ctx context.Context, bucket string, batch []ObjectID, res *DeleteObjectsOutput, opts []DeleteOption) error {
	objs := make([]types.ObjectIdentifier, len(batch))
	for i, id := range batch {
		objs[i] = types.ObjectIdentifier{Key: aws.String(id.Key), VersionId: optString(id.VersionID)}
	}
	out, err := c.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: objs},
		BypassGovernanceRetention: deleteSettingsOf(opts).bypass()}, withContentMD5, capAnswer)
	if err != nil {
		return c.wrapErr("DeleteObjects", bucket, "", err)
	}
	// Only what was sent counts, each once; what the answer leaves out is
	// unconfirmed.
	pending := make(map[ObjectID]bool, len(batch))
	for _, id := range batch {
		pending[id] = true
	}
	for _, d := range out.Deleted {
		if id := (ObjectID{Key: aws.ToString(d.Key), VersionID: aws.ToString(d.VersionId)}); pending[id] {
			delete(pending, id)
			res.Deleted = append(res.Deleted, id)
		}
	}
	for _, e := range out.Errors {
		if id := (ObjectID{Key: aws.ToString(e.Key), VersionID: aws.ToString(e.VersionId)}); pending[id] {
			delete(pending, id)
			res.Failed = append(res.Failed, DeleteFailure{ObjectID: id, Code: ErrorCode(aws.ToString(e.Code)), Message: aws.ToString(e.Message)})
		}
	}
	for _, id := range batch {
		if pending[id] {
			delete(pending, id)
			res.Failed = append(res.Failed, DeleteFailure{ObjectID: id, Code: ErrNotConfirmed,
				Message: "the DeleteObjects answer did not mention this key, so it may still exist"})
		}
	}
	return nil
}

// xmlSafe reports whether s holds only characters XML 1.0 can carry.
func xmlSafe(s string) bool {
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// Metadata directives for CopyObject.
const (
	MetadataCopy    = "COPY"    // keep the source's metadata (the default)
	MetadataReplace = "REPLACE" // use the ObjectAttributes given
)

// CopyObjectInput is a server-side copy of up to 5 GB.
type CopyObjectInput struct {
	SourceBucket, SourceKey, SourceVersionID string
	SourceCustomerKey                        []byte
	SourceIfMatch                            string // copy only if the source still has this ETag
	Bucket, Key                              string
	MetadataDirective                        string // MetadataCopy (default) or MetadataReplace
	// TaggingDirective is MetadataCopy (the default: keep the source's
	// tags) or MetadataReplace (set Tags, none when empty).
	TaggingDirective string
	ObjectAttributes // ContentType and Metadata apply with MetadataReplace
}

// CopyObjectOutput is a completed copy.
type CopyObjectOutput struct {
	ETag         string
	LastModified time.Time
	VersionID    string
	SSE          string // the encryption the service applied, as PutObjectOutput.SSE
}

// CopyObject copies an object within the service.
func (c *Client) CopyObject(ctx context.Context, in CopyObjectInput) (CopyObjectOutput, error) {
	if err := validateObject(in.SourceBucket, in.SourceKey); err != nil {
		return CopyObjectOutput{}, err
	}
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return CopyObjectOutput{}, err
	}
	if err := validateDirective(in.MetadataDirective); err != nil {
		return CopyObjectOutput{}, err
	}
	if err := validateDirective(in.TaggingDirective); err != nil {
		return CopyObjectOutput{}, err
	}
	if err := in.ObjectAttributes.validate(); err != nil {
		return CopyObjectOutput{}, err
	}
	a := in.ObjectAttributes.sdk()
	req := &s3.CopyObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key),
		CopySource: aws.String(CopySource(in.SourceBucket, in.SourceKey, in.SourceVersionID)), CopySourceIfMatch: optString(in.SourceIfMatch),
		MetadataDirective: types.MetadataDirective(in.MetadataDirective), Metadata: maps.Clone(in.Metadata),
		ContentType: a.contentType, CacheControl: a.cacheControl, ContentDisposition: a.contentDisposition,
		ContentEncoding: a.contentEncoding, ContentLanguage: a.contentLanguage,
		ACL: a.acl, StorageClass: a.storageClass, ServerSideEncryption: a.sse, SSEKMSKeyId: a.kmsKeyID,
		SSEKMSEncryptionContext: a.kmsContext, BucketKeyEnabled: a.bucketKey,
		SSECustomerAlgorithm: a.sseCAlg, SSECustomerKey: a.sseCKey, SSECustomerKeyMD5: a.sseCKeyMD5,
		ObjectLockMode: a.lockMode, ObjectLockRetainUntilDate: a.retainUntil, ObjectLockLegalHoldStatus: a.legalHold,
		Expires: a.expires, WebsiteRedirectLocation: a.websiteRedirect,
		Tagging: a.tagging, TaggingDirective: types.TaggingDirective(in.TaggingDirective),
	}
	req.CopySourceSSECustomerAlgorithm, req.CopySourceSSECustomerKey, req.CopySourceSSECustomerKeyMD5 = customerKeyHeaders(in.SourceCustomerKey)
	out, err := c.s3.CopyObject(ctx, req)
	if err != nil {
		return CopyObjectOutput{}, c.wrapErr("CopyObject", in.Bucket, in.Key, err)
	}
	res := CopyObjectOutput{VersionID: aws.ToString(out.VersionId), SSE: string(out.ServerSideEncryption)}
	if out.CopyObjectResult != nil {
		res.ETag, res.LastModified = aws.ToString(out.CopyObjectResult.ETag), aws.ToTime(out.CopyObjectResult.LastModified)
	}
	return res, nil
}

func validateDirective(d string) error {
	switch d {
	case "", MetadataCopy, MetadataReplace:
		return nil
	}
	return &ValidationError{Field: "metadata directive", Value: d, Problem: "is not a directive", Fix: "use COPY or REPLACE"}
}

// CopySource renders the x-amz-copy-source value: bucket/key, URL-escaped,
// with ?versionId= when a version is named.
func CopySource(bucket, key, versionID string) string {
	src := bucket + "/" + escapePath(key)
	if versionID != "" {
		src += "?versionId=" + versionID
	}
	return src
}

// IsNotFound reports whether err says the bucket or key does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchBucket)
}

func optInt32(n int32) *int32 {
	if n == 0 {
		return nil
	}
	return &n
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// escapePath URL-escapes each segment of a key, keeping the slashes.
func escapePath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
