package client

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Server-side encryption types. QStorage's own names are AES256, verenc
// and verenc:dsse; aws:kms and aws:kms:dsse are sent as named, for the
// S3-compatible services that take them.
const (
	SSEAES256     = "AES256"       // SSE-S3: QStorage-managed keys
	SSEVerenc     = "verenc"       // SSE-KMS through QKMS
	SSEVerencDSSE = "verenc:dsse"  // double encryption with QKMS keys
	SSEKMS        = "aws:kms"      // SSE-KMS as AWS names it
	SSEKMSDSSE    = "aws:kms:dsse" // double encryption as AWS names it
)

// IsKMS reports whether an SSE type encrypts with KMS keys, so that the
// object's ETag is not the MD5 of its bytes.
func IsKMS(sseType string) bool {
	switch strings.ToLower(sseType) {
	case SSEVerenc, SSEVerencDSSE, SSEKMS, SSEKMSDSSE:
		return true
	}
	return false
}

// SSE selects server-side encryption for a write. Type and CustomerKey are
// exclusive: CustomerKey is SSE-C, a 32-byte key the caller keeps.
type SSE struct {
	Type        string // SSEAES256, SSEVerenc, SSEVerencDSSE, SSEKMS or SSEKMSDSSE
	KMSKeyID    string // with a KMS type
	KMSContext  string // base64-encoded JSON encryption context
	BucketKey   bool
	CustomerKey []byte
}

// String keeps the customer key out of logs.
func (s SSE) String() string {
	if s.CustomerKey != nil {
		return "SSE-C([REDACTED])"
	}
	return s.Type
}

func (s SSE) validate() error {
	switch s.Type {
	case "", SSEAES256, SSEVerenc, SSEVerencDSSE, SSEKMS, SSEKMSDSSE:
	default:
		return &ValidationError{Field: "server-side encryption", Value: s.Type, Problem: "is not a known type",
			Fix: "use AES256, verenc, verenc:dsse, aws:kms or aws:kms:dsse"}
	}
	if s.CustomerKey != nil && len(s.CustomerKey) != 32 {
		return &ValidationError{Field: "SSE-C key", Value: fmt.Sprintf("%d bytes", len(s.CustomerKey)), Problem: "must be 32 bytes (AES-256)"}
	}
	if s.CustomerKey != nil && s.Type != "" {
		return &ValidationError{Field: "server-side encryption", Value: s.Type, Problem: "cannot be combined with an SSE-C key"}
	}
	return nil
}

// customerKeyHeaders returns the SSE-C algorithm, key and key MD5 as the
// API wants them (base64), or nils.
func customerKeyHeaders(key []byte) (alg, k, md *string) {
	if key == nil {
		return nil, nil, nil
	}
	sum := md5.Sum(key)
	return aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(key)),
		aws.String(base64.StdEncoding.EncodeToString(sum[:]))
}

// ObjectLock holds an object's retention settings for a write: a Mode and
// a RetainUntil date (both or neither), and a legal hold. The bucket must
// have Object Lock; S3 takes a locked PutObject (or one into a bucket with
// a default retention) only with Content-MD5 or a checksum.
type ObjectLock struct {
	Mode        string // GOVERNANCE or COMPLIANCE
	RetainUntil time.Time
	LegalHold   bool
}

// ObjectAttributes are what a write sets on the new object besides its
// bytes; PutObject, CreateMultipartUpload and CopyObject (with
// MetadataDirective REPLACE) share them.
type ObjectAttributes struct {
	ContentType        string // "" sends none, and the service applies its default
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Metadata           map[string]string // x-amz-meta-*; 2 KB in all
	ACL                string            // canned ACL
	StorageClass       string
	SSE                SSE
	Lock               ObjectLock
	Tags               []Tag
	Expires            time.Time // the Expires header: when caches should treat the object as stale
	WebsiteRedirect    string    // x-amz-website-redirect-location: a URL or /key to redirect website requests to
}

func (a ObjectAttributes) validate() error {
	if err := ValidateMetadata(a.Metadata); err != nil {
		return err
	}
	if err := a.SSE.validate(); err != nil {
		return err
	}
	if err := ValidateTags(a.Tags, MaxObjectTags); err != nil {
		return err
	}
	switch a.Lock.Mode {
	case "", "GOVERNANCE", "COMPLIANCE":
	default:
		return &ValidationError{Field: "object lock mode", Value: a.Lock.Mode, Problem: "is not a mode", Fix: "use GOVERNANCE or COMPLIANCE"}
	}
	if (a.Lock.Mode == "") != a.Lock.RetainUntil.IsZero() {
		return &ValidationError{Field: "object lock", Value: a.Lock.Mode, Problem: "needs both a mode and a retain-until date", Fix: "set both Mode and RetainUntil, or neither"}
	}
	return nil
}

// sdkAttributes is ObjectAttributes in the SDK's field types, computed once
// and copied into whichever input struct a call uses.
type sdkAttributes struct {
	contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage *string
	acl                                                                             types.ObjectCannedACL
	storageClass                                                                    types.StorageClass
	sse                                                                             types.ServerSideEncryption
	kmsKeyID, kmsContext                                                            *string
	bucketKey                                                                       *bool
	sseCAlg, sseCKey, sseCKeyMD5                                                    *string
	lockMode                                                                        types.ObjectLockMode
	retainUntil                                                                     *time.Time
	legalHold                                                                       types.ObjectLockLegalHoldStatus
	tagging                                                                         *string
	expires                                                                         *time.Time
	websiteRedirect                                                                 *string
}

func (a ObjectAttributes) sdk() sdkAttributes {
	s := sdkAttributes{
		contentType: optString(a.ContentType), cacheControl: optString(a.CacheControl),
		contentDisposition: optString(a.ContentDisposition), contentEncoding: optString(a.ContentEncoding),
		contentLanguage: optString(a.ContentLanguage),
		acl:             types.ObjectCannedACL(a.ACL), storageClass: types.StorageClass(a.StorageClass),
		sse: types.ServerSideEncryption(a.SSE.Type), kmsKeyID: optString(a.SSE.KMSKeyID), kmsContext: optString(a.SSE.KMSContext),
		lockMode: types.ObjectLockMode(a.Lock.Mode), tagging: optString(EncodeTags(a.Tags)),
		expires: optTime(a.Expires), websiteRedirect: optString(a.WebsiteRedirect),
	}
	if a.SSE.BucketKey {
		s.bucketKey = aws.Bool(true)
	}
	s.sseCAlg, s.sseCKey, s.sseCKeyMD5 = customerKeyHeaders(a.SSE.CustomerKey)
	if !a.Lock.RetainUntil.IsZero() {
		s.retainUntil = aws.Time(a.Lock.RetainUntil)
	}
	if a.Lock.LegalHold {
		s.legalHold = types.ObjectLockLegalHoldStatusOn
	}
	return s
}

// EncodeTags renders tags as the URL-encoded query the x-amz-tagging header takes.
func EncodeTags(tags []Tag) string {
	v := url.Values{}
	for _, t := range tags {
		v.Add(t.Key, t.Value)
	}
	return v.Encode()
}
