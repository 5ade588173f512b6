package presign

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"mime"
	"slices"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Inputs are checked before signing: a URL that the service is bound to
// refuse would only fail later, on someone else's machine.

// ObjectACLs are the canned ACLs an object may be given.
var ObjectACLs = []string{"private", "public-read", "public-read-write", "authenticated-read",
	"aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"}

// firstError returns the first failed check: one problem, one line.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkCommon validates what every object URL has: bucket, key, lifetime.
func checkCommon(bucket, key string, d time.Duration) (time.Duration, error) {
	if err := client.ValidateBucketName(bucket); err != nil {
		return 0, err
	}
	if err := client.ValidateKey(key); err != nil {
		return 0, err
	}
	return expiry(d)
}

// checkHeaderValue rejects values that cannot travel in an HTTP header.
func checkHeaderValue(field, v string) error {
	if strings.ContainsAny(v, "\r\n\x00") {
		return &client.ValidationError{Field: field, Value: v, Problem: "holds a line break or NUL"}
	}
	return nil
}

func checkContentType(ct string) error {
	if ct == "" {
		return nil
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil || strings.ContainsAny(ct, "\r\n") {
		return &client.ValidationError{Field: "content type", Value: ct, Problem: "is not a media type", Fix: "use a type such as text/plain or image/png"}
	}
	return nil
}

func checkMD5(s string) error {
	if s == "" {
		return nil
	}
	if raw, err := base64.StdEncoding.DecodeString(s); err != nil || len(raw) != md5.Size {
		return &client.ValidationError{Field: "Content-MD5", Value: s, Problem: "is not a base64 MD5 digest",
			Fix: "use the base64 of the 16-byte MD5, e.g. openssl md5 -binary FILE | base64"}
	}
	return nil
}

func checkACL(acl string) error {
	if acl == "" || slices.Contains(ObjectACLs, acl) {
		return nil
	}
	return &client.ValidationError{Field: "ACL", Value: acl, Problem: "is not a canned ACL", Fix: "use one of " + strings.Join(ObjectACLs, ", ")}
}

func checkSSE(sse, kmsKeyID string) error {
	switch sse {
	case "", client.SSEAES256:
		if kmsKeyID != "" {
			return &client.ValidationError{Field: "KMS key id", Value: kmsKeyID, Problem: "needs server-side encryption verenc or verenc:dsse"}
		}
		return nil
	case client.SSEVerenc, client.SSEVerencDSSE:
		return nil
	}
	return &client.ValidationError{Field: "server-side encryption", Value: sse, Problem: "is not a type QStorage knows",
		Fix: "use AES256, verenc or verenc:dsse"}
}

func checkPart(uploadID string, n int32, md5 string) error {
	if uploadID == "" {
		return &client.ValidationError{Field: "upload id", Value: uploadID, Problem: "is empty", Fix: "start the upload with CreateMultipartUpload and use its id"}
	}
	if err := client.ValidatePartNumber(n); err != nil {
		return err
	}
	return checkMD5(md5)
}

func checkSizeRange(lo, hi int64) error {
	bad := func(problem string) error {
		return &client.ValidationError{Field: "size range", Value: fmt.Sprintf("%d..%d", lo, hi), Problem: problem}
	}
	switch {
	case lo < 0 || hi < 0:
		return bad("is negative")
	case hi > client.MaxPutObjectSize:
		return bad(fmt.Sprintf("ends above the %d-byte limit of one upload", int64(client.MaxPutObjectSize)))
	case hi != 0 && lo > hi:
		return bad("has its minimum above its maximum")
	}
	return nil
}
