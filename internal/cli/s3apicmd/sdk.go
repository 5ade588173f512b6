package s3apicmd

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// sdkOperation is one SDK call, typed loosely so that commands can be built
// for every operation by reflection over its input and output structs.
type sdkOperation struct {
	input, output reflect.Type // s3.XxxInput, s3.XxxOutput
	call          func(ctx context.Context, c *s3.Client, in any, optFns ...func(*s3.Options)) (any, error)
}

// bind turns an SDK method expression into an sdkOperation.
func bind[I, O any](method func(*s3.Client, context.Context, *I, ...func(*s3.Options)) (*O, error)) sdkOperation {
	return sdkOperation{
		input:  reflect.TypeFor[I](),
		output: reflect.TypeFor[O](),
		call: func(ctx context.Context, c *s3.Client, in any, optFns ...func(*s3.Options)) (any, error) {
			return method(c, ctx, in.(*I), optFns...)
		},
	}
}

// sdkOperations holds the SDK call of every operation in the client's
// table (client.Operations), by S3 name; a test holds the two to each
// other. The methods are named here rather than found with
// reflect.Value.MethodByName, which would keep every method of every type
// in the binary.
var sdkOperations = map[string]sdkOperation{
	"AbortMultipartUpload":            bind((*s3.Client).AbortMultipartUpload),
	"CompleteMultipartUpload":         bind((*s3.Client).CompleteMultipartUpload),
	"CopyObject":                      bind((*s3.Client).CopyObject),
	"CreateBucket":                    bind((*s3.Client).CreateBucket),
	"CreateMultipartUpload":           bind((*s3.Client).CreateMultipartUpload),
	"DeleteBucket":                    bind((*s3.Client).DeleteBucket),
	"DeleteBucketLifecycle":           bind((*s3.Client).DeleteBucketLifecycle),
	"DeleteBucketOwnershipControls":   bind((*s3.Client).DeleteBucketOwnershipControls),
	"DeleteBucketTagging":             bind((*s3.Client).DeleteBucketTagging),
	"DeleteBucketWebsite":             bind((*s3.Client).DeleteBucketWebsite),
	"DeleteObject":                    bind((*s3.Client).DeleteObject),
	"DeleteObjectTagging":             bind((*s3.Client).DeleteObjectTagging),
	"DeleteObjects":                   bind((*s3.Client).DeleteObjects),
	"GetBucketAcl":                    bind((*s3.Client).GetBucketAcl),
	"GetBucketLifecycleConfiguration": bind((*s3.Client).GetBucketLifecycleConfiguration),
	"GetBucketOwnershipControls":      bind((*s3.Client).GetBucketOwnershipControls),
	"GetBucketTagging":                bind((*s3.Client).GetBucketTagging),
	"GetBucketVersioning":             bind((*s3.Client).GetBucketVersioning),
	"GetBucketWebsite":                bind((*s3.Client).GetBucketWebsite),
	"GetObject":                       bind((*s3.Client).GetObject),
	"GetObjectAcl":                    bind((*s3.Client).GetObjectAcl),
	"GetObjectAttributes":             bind((*s3.Client).GetObjectAttributes),
	"GetObjectLegalHold":              bind((*s3.Client).GetObjectLegalHold),
	"GetObjectLockConfiguration":      bind((*s3.Client).GetObjectLockConfiguration),
	"GetObjectRetention":              bind((*s3.Client).GetObjectRetention),
	"GetObjectTagging":                bind((*s3.Client).GetObjectTagging),
	"HeadBucket":                      bind((*s3.Client).HeadBucket),
	"HeadObject":                      bind((*s3.Client).HeadObject),
	"ListBuckets":                     bind((*s3.Client).ListBuckets),
	"ListMultipartUploads":            bind((*s3.Client).ListMultipartUploads),
	"ListObjectVersions":              bind((*s3.Client).ListObjectVersions),
	"ListObjectsV2":                   bind((*s3.Client).ListObjectsV2),
	"ListParts":                       bind((*s3.Client).ListParts),
	"PutBucketLifecycleConfiguration": bind((*s3.Client).PutBucketLifecycleConfiguration),
	"PutBucketOwnershipControls":      bind((*s3.Client).PutBucketOwnershipControls),
	"PutBucketTagging":                bind((*s3.Client).PutBucketTagging),
	"PutBucketVersioning":             bind((*s3.Client).PutBucketVersioning),
	"PutBucketWebsite":                bind((*s3.Client).PutBucketWebsite),
	"PutObject":                       bind((*s3.Client).PutObject),
	"PutObjectAcl":                    bind((*s3.Client).PutObjectAcl),
	"PutObjectLegalHold":              bind((*s3.Client).PutObjectLegalHold),
	"PutObjectLockConfiguration":      bind((*s3.Client).PutObjectLockConfiguration),
	"PutObjectRetention":              bind((*s3.Client).PutObjectRetention),
	"PutObjectTagging":                bind((*s3.Client).PutObjectTagging),
	"UploadPart":                      bind((*s3.Client).UploadPart),
	"UploadPartCopy":                  bind((*s3.Client).UploadPartCopy),
}
