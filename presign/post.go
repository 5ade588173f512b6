package presign

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
)

// FilenameVariable in a POST form's key is replaced by the service with the
// name of the uploaded file, so one form can upload many files.
const FilenameVariable = "${filename}"

// PostObjectInput describes a browser upload form. The form is bound by a
// signed policy: the service refuses an upload that breaks any condition.
type PostObjectInput struct {
	Bucket string
	// Key is the object key. With KeyPrefix it is only the form's default
	// (the uploader may change it, within the prefix), and "" means
	// KeyPrefix + FilenameVariable.
	Key string
	// KeyPrefix, when set, allows any key that starts with it.
	KeyPrefix string
	// ContentType, when set, is the only content type the upload may have;
	// it is in the returned fields.
	ContentType string
	// MinSize and MaxSize bound the file's size in bytes (content-length-range).
	// MaxSize 0 means no limit beyond the service's 5 GB.
	MinSize, MaxSize int64
	// Metadata becomes x-amz-meta-* fields, pinned by the policy.
	Metadata map[string]string
	// ACL is a canned ACL such as "public-read", pinned by the policy.
	ACL string
	// ExpiresIn is the form's lifetime, 1s to 7 days; 0 means DefaultExpiry.
	ExpiresIn time.Duration
}

// PostForm is a presigned browser upload: POST Fields as
// multipart/form-data to URL, then the file as the last field, named "file"
// (fields after it are ignored). The service answers 204 No Content.
type PostForm struct {
	URL string
	// Fields are the form fields to send, values unencoded: key, policy,
	// signature and credentials, and the pinned attributes.
	Fields map[string]string
	// Expires is when the policy expires.
	Expires time.Time
}

// PostObject presigns a browser upload form. The SDK builds the policy JSON
// and signs it; the conditions come from in.
func (p *Presigner) PostObject(ctx context.Context, in PostObjectInput) (*PostForm, error) {
	d, err := in.validate()
	if err != nil {
		return nil, err
	}
	conditions, fields := in.conditions()
	req := &s3.PutObjectInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.formKey())}
	r, err := p.pc.PresignPostObject(ctx, req, func(o *s3.PresignPostOptions) {
		o.Expires, o.Conditions = d, conditions
	})
	if err != nil {
		return nil, fmt.Errorf("presign: %w", err)
	}
	signed, err := parseAmzDate(r.Values["X-Amz-Date"])
	if err != nil {
		return nil, err
	}
	maps.Copy(fields, r.Values)
	return &PostForm{URL: r.URL, Fields: fields, Expires: signed.Add(d)}, nil
}

// formKey is the key field's value.
func (in PostObjectInput) formKey() string {
	if in.Key == "" && in.KeyPrefix != "" {
		return in.KeyPrefix + FilenameVariable
	}
	return in.Key
}

func (in PostObjectInput) validate() (time.Duration, error) {
	d, err := checkCommon(in.Bucket, in.formKey(), in.ExpiresIn)
	if err != nil {
		return 0, err
	}
	if !strings.HasPrefix(in.formKey(), in.KeyPrefix) {
		return 0, &client.ValidationError{Field: "key", Value: in.Key, Problem: fmt.Sprintf("does not start with the key prefix %q", in.KeyPrefix)}
	}
	return d, firstError(checkContentType(in.ContentType), client.ValidateMetadata(in.Metadata),
		checkACL(in.ACL), checkSizeRange(in.MinSize, in.MaxSize))
}

// conditions returns the policy conditions and the form fields that satisfy
// them. The exact-key condition is explicit rather than left to the SDK's
// default, so that the form can never allow more than asked.
func (in PostObjectInput) conditions() ([]any, map[string]string) {
	var conds []any
	fields := map[string]string{}
	pin := func(name, value string) {
		conds = append(conds, map[string]string{name: value})
		fields[name] = value
	}
	if in.KeyPrefix != "" {
		conds = append(conds, []any{"starts-with", "$key", in.KeyPrefix})
	} else {
		pin("key", in.Key)
	}
	if in.ContentType != "" {
		pin("Content-Type", in.ContentType)
	}
	if in.ACL != "" {
		pin("acl", in.ACL)
	}
	for _, k := range slices.Sorted(maps.Keys(in.Metadata)) {
		pin("x-amz-meta-"+strings.ToLower(k), in.Metadata[k])
	}
	if in.MaxSize > 0 || in.MinSize > 0 {
		hi := in.MaxSize
		if hi == 0 {
			hi = client.MaxPutObjectSize
		}
		conds = append(conds, []any{"content-length-range", in.MinSize, hi})
	}
	return conds, fields
}
