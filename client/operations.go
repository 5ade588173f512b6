package client

import (
	"slices"
	"strings"
	"unicode"
)

// Target is what an operation acts on.
type Target string

// Targets of operations.
const (
	TargetService Target = "service" // no bucket (ListBuckets)
	TargetBucket  Target = "bucket"  // a bucket, or the objects of one
	TargetObject  Target = "object"  // one object (or one version of it)
)

// Operation is one S3 operation the client offers.
type Operation struct {
	// Name is the S3 API's name, e.g. "PutBucketWebsite"; errors of the
	// call carry it in Error.Op.
	Name string `json:"name"`
	// Method is the *Client method that performs it, e.g. "PutBucketWebsite".
	Method string `json:"method"`
	Target Target `json:"target"`
	// Paged says the method is an iterator that fetches pages as it goes.
	Paged bool `json:"paged,omitempty"`
}

// CLIName is the AWS CLI's name for the operation ("put-bucket-website",
// "list-objects-v2"), as a `qcli s3api` subcommand takes it.
func (o Operation) CLIName() string {
	var b strings.Builder
	runes := []rune(o.Name)
	for i, r := range runes {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(runes[i-1]) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// operations is the one table of what the client offers; a test holds it
// and the Client's method set to each other, so neither can drift.
var operations = []Operation{
	{Name: "ListBuckets", Method: "ListBuckets", Target: TargetService, Paged: true},

	{Name: "CreateBucket", Method: "CreateBucket", Target: TargetBucket},
	{Name: "DeleteBucket", Method: "DeleteBucket", Target: TargetBucket},
	{Name: "HeadBucket", Method: "HeadBucket", Target: TargetBucket},
	{Name: "ListObjectsV2", Method: "ListObjects", Target: TargetBucket, Paged: true},
	{Name: "ListObjectVersions", Method: "ListObjectVersions", Target: TargetBucket, Paged: true},
	{Name: "ListMultipartUploads", Method: "ListMultipartUploads", Target: TargetBucket, Paged: true},
	{Name: "DeleteObjects", Method: "DeleteObjects", Target: TargetBucket},
	{Name: "GetBucketTagging", Method: "GetBucketTagging", Target: TargetBucket},
	{Name: "PutBucketTagging", Method: "PutBucketTagging", Target: TargetBucket},
	{Name: "DeleteBucketTagging", Method: "DeleteBucketTagging", Target: TargetBucket},
	{Name: "GetBucketAcl", Method: "GetBucketACL", Target: TargetBucket},
	{Name: "GetBucketVersioning", Method: "GetBucketVersioning", Target: TargetBucket},
	{Name: "PutBucketVersioning", Method: "PutBucketVersioning", Target: TargetBucket},
	{Name: "GetBucketWebsite", Method: "GetBucketWebsite", Target: TargetBucket},
	{Name: "PutBucketWebsite", Method: "PutBucketWebsite", Target: TargetBucket},
	{Name: "DeleteBucketWebsite", Method: "DeleteBucketWebsite", Target: TargetBucket},
	{Name: "GetBucketLifecycleConfiguration", Method: "GetBucketLifecycleConfiguration", Target: TargetBucket},
	{Name: "PutBucketLifecycleConfiguration", Method: "PutBucketLifecycleConfiguration", Target: TargetBucket},
	{Name: "DeleteBucketLifecycle", Method: "DeleteBucketLifecycle", Target: TargetBucket},
	{Name: "GetBucketOwnershipControls", Method: "GetBucketOwnershipControls", Target: TargetBucket},
	{Name: "PutBucketOwnershipControls", Method: "PutBucketOwnershipControls", Target: TargetBucket},
	{Name: "DeleteBucketOwnershipControls", Method: "DeleteBucketOwnershipControls", Target: TargetBucket},
	{Name: "GetObjectLockConfiguration", Method: "GetObjectLockConfiguration", Target: TargetBucket},
	{Name: "PutObjectLockConfiguration", Method: "PutObjectLockConfiguration", Target: TargetBucket},

	{Name: "PutObject", Method: "PutObject", Target: TargetObject},
	{Name: "GetObject", Method: "GetObject", Target: TargetObject},
	{Name: "HeadObject", Method: "HeadObject", Target: TargetObject},
	{Name: "DeleteObject", Method: "DeleteObject", Target: TargetObject},
	{Name: "CopyObject", Method: "CopyObject", Target: TargetObject},
	{Name: "GetObjectAttributes", Method: "GetObjectAttributes", Target: TargetObject},
	{Name: "GetObjectTagging", Method: "GetObjectTagging", Target: TargetObject},
	{Name: "PutObjectTagging", Method: "PutObjectTagging", Target: TargetObject},
	{Name: "DeleteObjectTagging", Method: "DeleteObjectTagging", Target: TargetObject},
	{Name: "GetObjectAcl", Method: "GetObjectACL", Target: TargetObject},
	{Name: "PutObjectAcl", Method: "PutObjectACL", Target: TargetObject},
	{Name: "GetObjectRetention", Method: "GetObjectRetention", Target: TargetObject},
	{Name: "PutObjectRetention", Method: "PutObjectRetention", Target: TargetObject},
	{Name: "GetObjectLegalHold", Method: "GetObjectLegalHold", Target: TargetObject},
	{Name: "PutObjectLegalHold", Method: "PutObjectLegalHold", Target: TargetObject},
	{Name: "CreateMultipartUpload", Method: "CreateMultipartUpload", Target: TargetObject},
	{Name: "UploadPart", Method: "UploadPart", Target: TargetObject},
	{Name: "UploadPartCopy", Method: "UploadPartCopy", Target: TargetObject},
	{Name: "CompleteMultipartUpload", Method: "CompleteMultipartUpload", Target: TargetObject},
	{Name: "AbortMultipartUpload", Method: "AbortMultipartUpload", Target: TargetObject},
	{Name: "ListParts", Method: "ListParts", Target: TargetObject, Paged: true},
}

// Operations lists every S3 operation the client offers, sorted by name.
// Commands and documents generated from it (qcli s3api) cannot drift from
// the client: a test fails when a Client method is missing from it or an
// entry names no method.
func Operations() []Operation {
	ops := slices.Clone(operations)
	slices.SortFunc(ops, func(a, b Operation) int { return strings.Compare(a.Name, b.Name) })
	return ops
}

// LookupOperation finds an operation by its S3 name ("PutObjectAcl") or its
// AWS CLI name ("put-object-acl").
func LookupOperation(name string) (Operation, bool) {
	for _, o := range operations {
		if o.Name == name || o.CLIName() == name {
			return o, true
		}
	}
	return Operation{}, false
}
