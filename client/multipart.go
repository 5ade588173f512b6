package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/httptransport"
)

// CreateMultipartUploadInput starts a multipart upload; the attributes apply
// to the object the upload completes into.
type CreateMultipartUploadInput struct {
	Bucket, Key string
	// ChecksumAlgorithm makes every part carry a checksum of this
	// algorithm (UploadPartInput.ChecksumAlgorithm must then match) and the
	// object a checksum of ChecksumType.
	ChecksumAlgorithm ChecksumAlgorithm
	// ChecksumType is ChecksumTypeComposite or ChecksumTypeFullObject;
	// empty lets the service choose (composite, full-object for CRC64NVME).
	ChecksumType string
	ObjectAttributes
}

// CreateMultipartUploadOutput is a multipart upload the service started.
type CreateMultipartUploadOutput struct {
	UploadID string
	// SSE is the server-side encryption the service says the object will
	// get (x-amz-server-side-encryption), as PutObjectOutput.SSE: a
	// bucket's default SSE-KMS names aws:kms here, before any part is sent.
	SSE string
}

// CreateMultipartUpload starts a multipart upload and returns its upload id;
// an answer without one is a *ProtocolError.
//
// An attempt whose answer was lost (the connection reset, the answer cut
// short or timed out, the call cancelled) may have started an upload whose
// id nobody learnt, which would stay open, holding its parts, until a
// lifecycle rule ends it. So when an attempt ended without an answer, the
// call then aborts the uploads of the key that the server initiated while
// it ran, except the one it returns; this runs on a context of its own, so
// it happens after a cancellation too, and a failure is only logged. An
// upload of the same key that another writer started in that moment is
// aborted as well: that writer's upload fails with NoSuchUpload. A call
// whose attempts all got an answer, success or error (503 SlowDown), aborts
// nothing.
func (c *Client) CreateMultipartUpload(ctx context.Context, in CreateMultipartUploadInput) (CreateMultipartUploadOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return CreateMultipartUploadOutput{}, err
	}
	if err := in.ObjectAttributes.validate(); err != nil {
		return CreateMultipartUploadOutput{}, err
	}
	if in.ChecksumAlgorithm != "" {
		if _, err := ParseChecksumAlgorithm(string(in.ChecksumAlgorithm)); err != nil {
			return CreateMultipartUploadOutput{}, err
		}
	}
	if err := validateChecksumType(in.ChecksumAlgorithm, in.ChecksumType); err != nil {
		return CreateMultipartUploadOutput{}, err
	}
	a := in.ObjectAttributes.sdk()
	start := time.Now()
	var attempts []retry.AttemptResult
	out, err := c.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key),
		ChecksumAlgorithm: types.ChecksumAlgorithm(in.ChecksumAlgorithm), ChecksumType: types.ChecksumType(in.ChecksumType),
		ContentType: a.contentType, CacheControl: a.cacheControl, ContentDisposition: a.contentDisposition,
		ContentEncoding: a.contentEncoding, ContentLanguage: a.contentLanguage, Metadata: in.Metadata,
		ACL: a.acl, StorageClass: a.storageClass, ServerSideEncryption: a.sse, SSEKMSKeyId: a.kmsKeyID,
		SSEKMSEncryptionContext: a.kmsContext, BucketKeyEnabled: a.bucketKey,
		SSECustomerAlgorithm: a.sseCAlg, SSECustomerKey: a.sseCKey, SSECustomerKeyMD5: a.sseCKeyMD5,
		ObjectLockMode: a.lockMode, ObjectLockRetainUntilDate: a.retainUntil, ObjectLockLegalHoldStatus: a.legalHold,
		Expires: a.expires, WebsiteRedirectLocation: a.websiteRedirect,
		Tagging: a.tagging,
	}, recordAttempts(&attempts))
	id := ""
	if err == nil {
		id = aws.ToString(out.UploadId)
	}
	if answerLost(attempts) {
		c.abortLostAttempts(ctx, in.Bucket, in.Key, id, start)
	}
	if err != nil {
		return CreateMultipartUploadOutput{}, c.wrapErr("CreateMultipartUpload", in.Bucket, in.Key, err)
	}
	if id == "" {
		// Parts sent without an id go as plain PUTs of the key on some servers.
		return CreateMultipartUploadOutput{}, &ProtocolError{Op: "CreateMultipartUpload", Bucket: in.Bucket, Key: in.Key, Problem: "the answer has no UploadId; no part was sent"}
	}
	return CreateMultipartUploadOutput{UploadID: id, SSE: string(out.ServerSideEncryption)}, nil
}

// abortLostAttempts aborts the uploads that attempts of a
// CreateMultipartUpload begun at start may have started without the
// caller learning their id: an attempt whose answer was lost (reset, cut
// short, timed out) may have started one, which would stay open, holding
// its parts, until a lifecycle rule ends it. id is the upload the call
// returns ("" when it failed), which stays. The others are the uploads of
// the key initiated since start by the server's clock: measured back from
// ours, or from the listing's Date, by the call's duration as the client
// timed it, so the two clocks need not agree (plus a second for a clock
// kept in whole seconds). An upload of the key that another writer started
// in that moment is aborted too, and that writer's upload fails with
// NoSuchUpload rather than silently. Best effort, so that the call's own
// outcome stands: a failure here is only logged, and only the first page
// of the key's uploads is searched. It runs on a context of its own,
// bounded by lostAttemptTimeout: a call cancelled while its answer was on
// the way (Ctrl-C) may have started an upload too.
func (c *Client) abortLostAttempts(ctx context.Context, bucket, key, id string, start time.Time) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostAttemptTimeout)
	defer cancel()
	warn := func(err error) {
		c.warn(ctx, "CreateMultipartUpload: an upload that an attempt whose answer was lost started may stay open", bucket, key, err)
	}
	out, err := c.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(key),
		EncodingType: types.EncodingTypeUrl}, capAnswer)
	if err != nil {
		warn(c.wrapErr("ListMultipartUploads", bucket, key, err))
		return
	}
	fail := protocolFailure("ListMultipartUploads", bucket, key)
	ups, err := uploadsOf(out, &idOrder{idNoun: "upload", prefix: key, fail: fail}, decoderFor(out.EncodingType, fail))
	if err != nil {
		warn(err)
		return
	}
	// The server's clock at the end of the call: ours, or the listing's
	// Date, which keeps whole seconds.
	anchor, ok := serverDate(out.ResultMetadata)
	end := anchor.Add(time.Second)
	if i := slices.IndexFunc(ups, func(u Upload) bool { return u.UploadID == id }); id != "" && i >= 0 {
		anchor, end, ok = ups[i].Initiated, ups[i].Initiated, true
	}
	if !ok {
		return // no clock to measure from
	}
	begin := anchor.Add(-time.Since(start) - time.Second)
	for _, u := range ups {
		if u.Key != key || u.UploadID == id || u.Initiated.Before(begin) || u.Initiated.After(end) {
			continue
		}
		if err := c.AbortMultipartUpload(ctx, bucket, key, u.UploadID); err != nil && !errors.Is(err, ErrNoSuchUpload) {
			warn(err)
		}
	}
}

// lostAttemptTimeout bounds aborting what a CreateMultipartUpload's lost
// attempts may have started, as transfer.DefaultAbortTimeout bounds
// aborting a failed upload.
const lostAttemptTimeout = 30 * time.Second

// serverDate is the Date header of the answer md belongs to.
func serverDate(md middleware.Metadata) (time.Time, bool) {
	resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok || resp == nil {
		return time.Time{}, false
	}
	t, err := http.ParseTime(resp.Header.Get("Date"))
	return t, err == nil
}

// answerLost reports whether one of a call's attempts failed without an
// error answer from the service (reset, cut short, unreadable, timed out,
// cancelled), so that it may have taken effect unseen. An error status
// (503 SlowDown, 500) says the request did nothing; so does a failed dial
// (it never left).
func answerLost(attempts []retry.AttemptResult) bool {
	return slices.ContainsFunc(attempts, func(a retry.AttemptResult) bool {
		return a.Err != nil && responseStatus(a.ResponseMetadata, a.Err) < 300 && !httptransport.NeverSent(a.Err)
	})
}

// recordAttempts makes a call record in *attempts how each of its attempts
// ended, whether it succeeded or not; a call the retryer did not record
// counts as one attempt.
func recordAttempts(attempts *[]retry.AttemptResult) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("qcliRecordAttempts",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleInitialize(ctx, in)
					*attempts = []retry.AttemptResult{{Err: err, ResponseMetadata: md}}
					if r, ok := retry.GetAttemptResults(md); ok {
						*attempts = r.Results
					}
					return out, md, err
				}), middleware.Before)
		})
	}
}

// UploadPartInput is one part of a multipart upload.
type UploadPartInput struct {
	Bucket, Key, UploadID string
	PartNumber            int32
	Body                  io.Reader
	// ContentLength is the part's size; zero takes it from Body, as
	// PutObjectInput.ContentLength does.
	ContentLength int64
	ContentMD5    string // base64 MD5 of Body; the service rejects a mismatch
	CustomerKey   []byte // the SSE-C key the upload was created with
	// ChecksumAlgorithm must be the upload's (CreateMultipartUploadInput);
	// the client computes the part's checksum unless Checksum gives it.
	ChecksumAlgorithm ChecksumAlgorithm
	Checksum          string
	// PayloadSHA256 is the part's hex SHA-256, as PutObjectInput's.
	PayloadSHA256 string
}

// UploadPartOutput is an uploaded part: what CompleteMultipartUpload needs of it.
type UploadPartOutput struct {
	ETag     string
	Checksum Checksum // the part's checksum, when the upload has an algorithm
	SSE      string   // the encryption the service applied, as PutObjectOutput.SSE
}

// UploadPart sends one part.
func (c *Client) UploadPart(ctx context.Context, in UploadPartInput) (UploadPartOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return UploadPartOutput{}, err
	}
	if err := ValidatePartNumber(in.PartNumber); err != nil {
		return UploadPartOutput{}, err
	}
	body, length := requestBody(in.Body, in.ContentLength)
	sum, err := bodyChecksum(in.ChecksumAlgorithm, in.Checksum, body)
	if err != nil {
		return UploadPartOutput{}, err
	}
	req := &s3.UploadPartInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), UploadId: aws.String(in.UploadID),
		PartNumber: aws.Int32(in.PartNumber), Body: body, ContentLength: length,
		ContentMD5: optString(in.ContentMD5),
	}
	req.SSECustomerAlgorithm, req.SSECustomerKey, req.SSECustomerKeyMD5 = customerKeyHeaders(in.CustomerKey)
	req.ChecksumCRC32, req.ChecksumCRC32C, req.ChecksumCRC64NVME, req.ChecksumSHA1, req.ChecksumSHA256 = sum.sdk()
	out, err := c.s3.UploadPart(ctx, req, unsignedPayloadIfStreaming(body), c.payloadHash(in.PayloadSHA256))
	if err != nil {
		return UploadPartOutput{}, c.wrapErr("UploadPart", in.Bucket, in.Key, err)
	}
	return UploadPartOutput{ETag: aws.ToString(out.ETag), Checksum: sum, SSE: string(out.ServerSideEncryption)}, nil
}

// UploadPartCopyInput makes one part of a multipart upload from a byte
// range of an existing object, copied within the service.
type UploadPartCopyInput struct {
	Bucket, Key, UploadID string
	PartNumber            int32
	SourceBucket          string
	SourceKey             string
	SourceVersionID       string
	// SourceRange is "bytes=first-last" (inclusive); empty copies the whole source.
	SourceRange string
	// SourceIfMatch copies only while the source still has this ETag.
	SourceIfMatch     string
	SourceCustomerKey []byte // the SSE-C key the source was written with
	CustomerKey       []byte // the SSE-C key the upload was created with
}

// UploadPartCopyOutput is a copied part.
type UploadPartCopyOutput struct {
	ETag string // for CompleteMultipartUpload
	SSE  string // the encryption the service applied, as PutObjectOutput.SSE
}

// UploadPartCopy copies a range of another object into a part.
func (c *Client) UploadPartCopy(ctx context.Context, in UploadPartCopyInput) (UploadPartCopyOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return UploadPartCopyOutput{}, err
	}
	if err := validateObject(in.SourceBucket, in.SourceKey); err != nil {
		return UploadPartCopyOutput{}, err
	}
	if err := ValidatePartNumber(in.PartNumber); err != nil {
		return UploadPartCopyOutput{}, err
	}
	req := &s3.UploadPartCopyInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), UploadId: aws.String(in.UploadID), PartNumber: aws.Int32(in.PartNumber),
		CopySource:      aws.String(CopySource(in.SourceBucket, in.SourceKey, in.SourceVersionID)),
		CopySourceRange: optString(in.SourceRange), CopySourceIfMatch: optString(in.SourceIfMatch),
	}
	req.SSECustomerAlgorithm, req.SSECustomerKey, req.SSECustomerKeyMD5 = customerKeyHeaders(in.CustomerKey)
	req.CopySourceSSECustomerAlgorithm, req.CopySourceSSECustomerKey, req.CopySourceSSECustomerKeyMD5 = customerKeyHeaders(in.SourceCustomerKey)
	out, err := c.s3.UploadPartCopy(ctx, req)
	if err != nil {
		return UploadPartCopyOutput{}, c.wrapErr("UploadPartCopy", in.Bucket, in.Key, err)
	}
	res := UploadPartCopyOutput{SSE: string(out.ServerSideEncryption)}
	if out.CopyPartResult != nil {
		res.ETag = aws.ToString(out.CopyPartResult.ETag)
	}
	return res, nil
}

// CompletedPart names an uploaded part for CompleteMultipartUpload.
type CompletedPart struct {
	PartNumber int32
	ETag       string
	Checksum   Checksum // UploadPartOutput.Checksum, for an upload with a checksum algorithm
}

// CompleteMultipartUploadInput names the upload and its parts, which must
// be in ascending part-number order.
type CompleteMultipartUploadInput struct {
	Bucket, Key, UploadID string
	Parts                 []CompletedPart
	// IfNoneMatch "*" completes only if the key holds no object
	// (PreconditionFailed otherwise): a conditional create for multipart
	// uploads. IfMatch completes only over an object with that ETag.
	IfNoneMatch, IfMatch string
}

// CompleteMultipartUploadOutput is the object the parts became.
type CompleteMultipartUploadOutput struct {
	ETag      string
	VersionID string
	Checksum  Checksum // the object's checksum, when the upload has an algorithm
	SSE       string   // the encryption the service applied, as PutObjectOutput.SSE
}

// CompleteMultipartUpload assembles the parts into the object.
func (c *Client) CompleteMultipartUpload(ctx context.Context, in CompleteMultipartUploadInput) (CompleteMultipartUploadOutput, error) {
	if err := validateObject(in.Bucket, in.Key); err != nil {
		return CompleteMultipartUploadOutput{}, err
	}
	if err := validateWriteConditions(in.IfNoneMatch, in.IfMatch); err != nil {
		return CompleteMultipartUploadOutput{}, err
	}
	done := make([]types.CompletedPart, len(in.Parts))
	for i, p := range in.Parts {
		if err := ValidatePartNumber(p.PartNumber); err != nil {
			return CompleteMultipartUploadOutput{}, err
		}
		done[i] = types.CompletedPart{PartNumber: aws.Int32(p.PartNumber), ETag: aws.String(p.ETag)}
		cp := &done[i]
		cp.ChecksumCRC32, cp.ChecksumCRC32C, cp.ChecksumCRC64NVME, cp.ChecksumSHA1, cp.ChecksumSHA256 = p.Checksum.sdk()
	}
	out, err := c.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), UploadId: aws.String(in.UploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
		IfNoneMatch:     optString(in.IfNoneMatch), IfMatch: optString(in.IfMatch),
	})
	if err != nil {
		return CompleteMultipartUploadOutput{}, c.wrapErr("CompleteMultipartUpload", in.Bucket, in.Key, err)
	}
	return CompleteMultipartUploadOutput{ETag: aws.ToString(out.ETag), VersionID: aws.ToString(out.VersionId), SSE: string(out.ServerSideEncryption),
		Checksum: checksumFrom(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256)}, nil
}

// AbortMultipartUpload cancels an upload and frees its parts.
func (c *Client) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := validateObject(bucket, key); err != nil {
		return err
	}
	_, err := c.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID)})
	return c.wrapErr("AbortMultipartUpload", bucket, key, err)
}

// Upload is an open multipart upload.
type Upload struct {
	Key       string    `json:"key"`
	UploadID  string    `json:"upload_id"`
	Initiated time.Time `json:"initiated"`
}

// ListMultipartUploads yields the bucket's open multipart uploads under
// prefix. Pages are checked as ListObjects checks them (keys URL-encoded
// and decoded, under prefix, in order and never repeated, paging that leads
// on, a bounded answer); a page breaking a rule yields a *ProtocolError.
func (c *Client) ListMultipartUploads(ctx context.Context, bucket, prefix string) iter.Seq2[Upload, error] {
	return func(yield func(Upload, error) bool) {
		if err := ValidateBucketName(bucket); err != nil {
			yield(Upload{}, err)
			return
		}
		fail := protocolFailure("ListMultipartUploads", bucket, prefix)
		var keyMarker, idMarker string
		guard := newPageGuard(fail, "")
		order := &idOrder{idNoun: "upload", prefix: prefix, fail: fail}
		for {
			out, err := c.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: optString(prefix),
				KeyMarker: optString(keyMarker), UploadIdMarker: optString(idMarker), EncodingType: types.EncodingTypeUrl}, capAnswer)
			if err != nil {
				yield(Upload{}, c.wrapErr("ListMultipartUploads", bucket, "", err))
				return
			}
			ups, err := uploadsOf(out, order, decoderFor(out.EncodingType, fail))
			if err == nil {
				keyMarker, idMarker, err = nextUploadMarkers(guard, out, fail, len(ups)+len(out.CommonPrefixes))
			}
			if err != nil {
				yield(Upload{}, err)
				return
			}
			for _, u := range ups {
				if !yield(u, nil) {
					return
				}
			}
			if keyMarker == "" && idMarker == "" {
				return
			}
		}
	}
}

// nextUploadMarkers returns the markers of the next page ("" at the end),
// checked by guard as one token.
func nextUploadMarkers(guard *pageGuard, out *s3.ListMultipartUploadsOutput, fail func(string) error, entries int) (string, string, error) {
	key, err := decoderFor(out.EncodingType, fail).decode(aws.ToString(out.NextKeyMarker))
	if err != nil {
		return "", "", err
	}
	id := aws.ToString(out.NextUploadIdMarker)
	if _, err := guard.next(aws.ToBool(out.IsTruncated), markerToken(key, id), entries); err != nil || !aws.ToBool(out.IsTruncated) {
		return "", "", err
	}
	return key, id, nil
}

// uploadsOf decodes a page's uploads and checks them with order.
func uploadsOf(out *s3.ListMultipartUploadsOutput, order *idOrder, dec urlDecoder) ([]Upload, error) {
	ups := make([]Upload, 0, len(out.Uploads))
	entries := make([]keyID, 0, len(out.Uploads))
	for _, u := range out.Uploads {
		key, err := dec.decode(aws.ToString(u.Key))
		if err != nil {
			return nil, err
		}
		ups = append(ups, Upload{Key: key, UploadID: aws.ToString(u.UploadId), Initiated: aws.ToTime(u.Initiated)})
		entries = append(entries, keyID{key, aws.ToString(u.UploadId)})
	}
	return ups, order.page(entries)
}

// Part is an uploaded part of an open multipart upload.
type Part struct {
	PartNumber   int32     `json:"part_number"`
	ETag         string    `json:"etag"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"last_modified"`
}

// ListParts yields the parts uploaded so far, in part-number order. Pages
// are checked (part numbers strictly increasing, paging that leads on, a
// bounded answer); a page breaking a rule yields a *ProtocolError.
func (c *Client) ListParts(ctx context.Context, bucket, key, uploadID string) iter.Seq2[Part, error] {
	return func(yield func(Part, error) bool) {
		if err := validateObject(bucket, key); err != nil {
			yield(Part{}, err)
			return
		}
		fail := func(problem string) error {
			return &ProtocolError{Op: "ListParts", Bucket: bucket, Key: key, Problem: fmt.Sprintf("upload %s: %s", uploadID, problem)}
		}
		var marker string
		var last int32
		guard := newPageGuard(fail, "")
		for {
			out, err := c.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
				PartNumberMarker: optString(marker)}, capAnswer)
			if err != nil {
				yield(Part{}, c.wrapErr("ListParts", bucket, key, err))
				return
			}
			parts := make([]Part, 0, len(out.Parts))
			for _, p := range out.Parts {
				n := aws.ToInt32(p.PartNumber)
				if n <= last {
					yield(Part{}, fail(fmt.Sprintf("part %d does not come after part %d: the listing is out of order or repeats itself", n, last)))
					return
				}
				last = n
				parts = append(parts, Part{PartNumber: n, ETag: aws.ToString(p.ETag), Size: aws.ToInt64(p.Size), LastModified: aws.ToTime(p.LastModified)})
			}
			if marker, err = guard.next(aws.ToBool(out.IsTruncated), aws.ToString(out.NextPartNumberMarker), len(parts)); err != nil {
				yield(Part{}, err)
				return
			}
			for _, p := range parts {
				if !yield(p, nil) {
					return
				}
			}
			if marker == "" {
				return
			}
		}
	}
}
