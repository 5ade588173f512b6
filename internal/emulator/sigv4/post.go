package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// PostForm is the signature material of a browser POST upload's form
// (S3's POST Object): the base64 policy and the fields that sign it.
type PostForm struct {
	Algorithm, Credential, Date, Signature, Policy string
}

// VerifyPost checks a POST form's credential scope and its signature of
// the policy, and returns who signed it. The request itself is not signed:
// the policy is.
func (v *Verifier) VerifyPost(f PostForm) (access.Principal, error) {
	if f.Policy == "" {
		return access.Principal{}, s3err.Errorf("AccessDenied", "Access Denied")
	}
	in, err := v.postCredential(f)
	if err != nil {
		return access.Principal{}, err
	}
	secret, err := v.Keys.Secret(in.accessKey)
	if err != nil {
		return access.Principal{}, err
	}
	want := postSignature(secret, in.scopeDate, in.region, in.service, f.Policy)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(f.Signature))) {
		return access.Principal{}, s3err.Errorf("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.").
			With("AWSAccessKeyId", in.accessKey)
	}
	return access.Principal{AccessKey: in.accessKey, Root: v.Keys.IsRoot(in.accessKey)}, nil
}

// postCredential parses and checks x-amz-algorithm, -credential and -date.
func (v *Verifier) postCredential(f PostForm) (*sigInput, error) {
	for _, field := range []struct{ name, value string }{
		{"x-amz-algorithm", f.Algorithm}, {"x-amz-credential", f.Credential},
		{"x-amz-date", f.Date}, {"x-amz-signature", f.Signature},
	} {
		if field.value == "" {
			return nil, s3err.Errorf("InvalidArgument", "Bucket POST must contain a field named '%s'.", field.name).With("ArgumentName", field.name)
		}
	}
	if f.Algorithm != Algorithm {
		return nil, s3err.Errorf("InvalidArgument", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	in, ok := parseCredential(f.Credential)
	if !ok {
		return nil, s3err.Errorf("InvalidArgument", "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	date, err := time.Parse(amzDateFormat, f.Date)
	switch {
	case err != nil:
		return nil, s3err.Errorf("InvalidArgument", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	case in.region != v.Region:
		return nil, s3err.Errorf("InvalidArgument", "the region '%s' is wrong; expecting '%s'", in.region, v.Region).With("Region", v.Region)
	case in.service != "s3" || in.scopeDate != date.Format("20060102"):
		return nil, s3err.Errorf("InvalidArgument", "the credential scope %q does not match X-Amz-Date and service s3", f.Credential)
	}
	return in, nil
}

// postSignature is SigV4's signature of a POST policy. The string to sign is
// the base64 policy itself, so only the key-derivation chain of SigV4
// applies, and the SDK's signer (which builds a canonical request) cannot
// be reused here.
func postSignature(secret, date, region, service, policy string) string {
	key := []byte("AWS4" + secret)
	for _, s := range []string{date, region, service, "aws4_request", policy} {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(s))
		key = mac.Sum(nil)
	}
	return hex.EncodeToString(key)
}
