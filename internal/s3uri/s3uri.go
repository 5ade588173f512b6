// Package s3uri parses s3://bucket/key arguments: the one place the CLI
// decides what a bucket and a key are.
//
// Keys are taken literally, as the AWS CLI does: "s3://b/a%20b?c#d" names
// the key "a%20b?c#d". Nothing is URL-decoded, because S3 keys may hold any
// character and a decoded key could not name such objects.
package s3uri

import (
	"fmt"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// Scheme is the only scheme accepted.
const Scheme = "s3://"

// URI is a parsed S3 location. Key is empty for a whole bucket.
type URI struct {
	Bucket string
	Key    string
}

// Error is an argument that is not a usable S3 URI.
type Error struct {
	Arg     string
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid S3 URI %q: %s; write it as s3://bucket or s3://bucket/key", e.Arg, e.Problem)
}

// IsS3 reports whether arg is meant as an S3 location rather than a local
// path: it starts with the s3:// scheme, in any case, or looks like a
// misspelling of it (s3:/b, s3:b).
func IsS3(arg string) bool {
	return strings.HasPrefix(strings.ToLower(arg), "s3:")
}

// Parse parses an s3:// URI and checks the bucket name.
func Parse(arg string) (URI, error) {
	rest, ok := strings.CutPrefix(arg, Scheme)
	if !ok {
		problem := "it does not start with s3://"
		if IsS3(arg) {
			problem = "the scheme must be exactly s3:// (two slashes, lower case)"
		}
		return URI{}, &Error{Arg: arg, Problem: problem}
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return URI{}, &Error{Arg: arg, Problem: "it names no bucket"}
	}
	if err := client.ValidateBucketName(bucket); err != nil {
		return URI{}, err
	}
	if len(key) > client.MaxKeyLength {
		return URI{}, client.ValidateKey(key)
	}
	return URI{Bucket: bucket, Key: key}, nil
}

// String renders the URI in s3:// form; Parse(u.String()) == u.
func (u URI) String() string {
	if u.Key == "" {
		return Scheme + u.Bucket
	}
	return Scheme + u.Bucket + "/" + u.Key
}

// IsBucket reports whether the URI names a whole bucket.
func (u URI) IsBucket() bool { return u.Key == "" }

// IsPrefix reports whether the URI names a "directory": the whole bucket or
// a key ending in "/".
func (u URI) IsPrefix() bool { return u.Key == "" || strings.HasSuffix(u.Key, "/") }
