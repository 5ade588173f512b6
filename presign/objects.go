package presign

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/client"
)

// GetObjectInput describes a presigned download.
type GetObjectInput struct {
	Bucket, Key string
	// VersionID pins one version of the object ("" is the current one).
	VersionID string
	// Response* replace the headers of the response, e.g.
	// ResponseContentDisposition `attachment; filename="report.pdf"` makes a
	// browser save the file under that name.
	ResponseContentType        string
	ResponseContentDisposition string
	ResponseContentEncoding    string
	ResponseContentLanguage    string
	ResponseCacheControl       string
	ResponseExpires            time.Time
	// ExpiresIn is the URL's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// GetObject presigns a GET of an object.
func (p *Presigner) GetObject(ctx context.Context, in GetObjectInput) (*Request, error) {
	d, err := checkCommon(in.Bucket, in.Key, in.ExpiresIn)
	if err != nil {
		return nil, err
	}
	for _, v := range []string{in.ResponseContentType, in.ResponseContentDisposition, in.ResponseContentEncoding, in.ResponseContentLanguage, in.ResponseCacheControl} {
		if err := checkHeaderValue("response override", v); err != nil {
			return nil, err
		}
	}
	req := &s3.GetObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: opt(in.VersionID),
		ResponseContentType: opt(in.ResponseContentType), ResponseContentDisposition: opt(in.ResponseContentDisposition),
		ResponseContentEncoding: opt(in.ResponseContentEncoding), ResponseContentLanguage: opt(in.ResponseContentLanguage),
		ResponseCacheControl: opt(in.ResponseCacheControl),
	}
	if !in.ResponseExpires.IsZero() {
		req.ResponseExpires = aws.Time(in.ResponseExpires)
	}
	return sign(ctx, p.pc.PresignGetObject, req, d)
}

// PutObjectInput describes a presigned upload. Every attribute set here is
// signed: the uploader must send the matching headers, which the returned
// Request.Header lists, and cannot change them.
type PutObjectInput struct {
	Bucket, Key string
	ContentType string
	// ContentMD5 is the base64 MD5 of the one body the URL may upload.
	ContentMD5 string
	// Metadata becomes x-amz-meta-* headers; 2 KB in all.
	Metadata map[string]string
	// ACL is a canned ACL such as "private" or "public-read".
	ACL string
	// ServerSideEncryption is client.SSEAES256, client.SSEVerenc or
	// client.SSEVerencDSSE; SSEKMSKeyID goes with the verenc types.
	ServerSideEncryption string
	SSEKMSKeyID          string
	// ExpiresIn is the URL's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// PutObject presigns a PUT of an object (up to 5 GB in one request).
func (p *Presigner) PutObject(ctx context.Context, in PutObjectInput) (*Request, error) {
	d, err := checkCommon(in.Bucket, in.Key, in.ExpiresIn)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	req := &s3.PutObjectInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key),
		ContentType: opt(in.ContentType), ContentMD5: opt(in.ContentMD5), Metadata: in.Metadata,
		ACL: types.ObjectCannedACL(in.ACL), ServerSideEncryption: types.ServerSideEncryption(in.ServerSideEncryption),
		SSEKMSKeyId: opt(in.SSEKMSKeyID),
	}
	return sign(ctx, p.pc.PresignPutObject, req, d)
}

func (in PutObjectInput) validate() error {
	return firstError(checkContentType(in.ContentType), checkMD5(in.ContentMD5), client.ValidateMetadata(in.Metadata),
		checkACL(in.ACL), checkSSE(in.ServerSideEncryption, in.SSEKMSKeyID))
}

// HeadObjectInput describes a presigned HEAD, which reads an object's
// headers (size, type, ETag, metadata) without its body.
type HeadObjectInput struct {
	Bucket, Key string
	VersionID   string
	// ExpiresIn is the URL's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// HeadObject presigns a HEAD of an object.
func (p *Presigner) HeadObject(ctx context.Context, in HeadObjectInput) (*Request, error) {
	d, err := checkCommon(in.Bucket, in.Key, in.ExpiresIn)
	if err != nil {
		return nil, err
	}
	req := &s3.HeadObjectInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: opt(in.VersionID)}
	return sign(ctx, p.pc.PresignHeadObject, req, d)
}

// DeleteObjectInput describes a presigned DELETE.
type DeleteObjectInput struct {
	Bucket, Key string
	VersionID   string
	// ExpiresIn is the URL's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// DeleteObject presigns a DELETE of an object. Like every presigned URL it
// can be used any number of times until it expires.
func (p *Presigner) DeleteObject(ctx context.Context, in DeleteObjectInput) (*Request, error) {
	d, err := checkCommon(in.Bucket, in.Key, in.ExpiresIn)
	if err != nil {
		return nil, err
	}
	req := &s3.DeleteObjectInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: opt(in.VersionID)}
	return sign(ctx, p.pc.PresignDeleteObject, req, d)
}

// UploadPartInput describes a presigned PUT of one part of a multipart
// upload that the caller started (client.CreateMultipartUpload) and will
// complete once the uploader reports each part's ETag.
type UploadPartInput struct {
	Bucket, Key string
	UploadID    string
	PartNumber  int32 // 1 to 10000
	// ContentMD5, when set, pins the part's body.
	ContentMD5 string
	// ExpiresIn is the URL's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// UploadPart presigns the upload of one part. The response's ETag header is
// what CompleteMultipartUpload needs for this part.
func (p *Presigner) UploadPart(ctx context.Context, in UploadPartInput) (*Request, error) {
	d, err := checkCommon(in.Bucket, in.Key, in.ExpiresIn)
	if err != nil {
		return nil, err
	}
	if err := checkPart(in.UploadID, in.PartNumber, in.ContentMD5); err != nil {
		return nil, err
	}
	req := &s3.UploadPartInput{
		Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), UploadId: aws.String(in.UploadID),
		PartNumber: aws.Int32(in.PartNumber), ContentMD5: opt(in.ContentMD5),
	}
	return sign(ctx, p.pc.PresignUploadPart, req, d)
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
