package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
)

// Browser-based uploads (S3's POST Object): a multipart/form-data POST to a
// bucket whose form fields carry a base64 JSON policy and a SigV4 signature
// of that policy. The request itself is not signed, so auth.go does not
// apply; ServeHTTP hands such requests here instead.

const maxPostFields = 20 << 10 // bytes of form fields before the file, as S3 bounds them

// isPostObject reports whether r is a browser-based upload: a POST of
// multipart/form-data to a bucket, with no other kind of authentication.
func (e *Emulator) isPostObject(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "" || r.URL.RawQuery != "" {
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return false
	}
	bucket, key := e.postTarget(r)
	return bucket != "" && key == ""
}

// postTarget splits the request into bucket and key, path-style or
// virtual-hosted.
func (e *Emulator) postTarget(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := e.virtualHostBucket(r.Host); b != "" {
		return b, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// servePostObject answers a browser-based upload.
func (e *Emulator) servePostObject(w http.ResponseWriter, r *http.Request) {
	if err := e.postObject(w, r); err != nil {
		writeError(w, r, err)
	}
}

func (e *Emulator) postObject(w http.ResponseWriter, r *http.Request) error {
	bucket, _ := e.postTarget(r)
	form, file, err := readPostForm(r)
	if err != nil {
		return err
	}
	policy, err := e.verifyPostForm(form)
	if err != nil {
		return err
	}
	if err := policy.check(form, bucket); err != nil {
		return err
	}
	e.observe(r)
	if f := e.fault.Load(); f != nil && (*f)(w, r) {
		return nil
	}
	return e.storePostObject(w, r, bucket, form, file, policy)
}

// postForm holds the fields before the file, by lower-case name: S3 matches
// field names case-insensitively.
type postForm map[string]string

// readPostForm reads fields up to the file part, which S3 requires last.
func readPostForm(r *http.Request) (postForm, *multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, errMalformedPost()
	}
	form, budget := postForm{}, int64(maxPostFields)
	for {
		part, err := mr.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return nil, nil, errf("InvalidArgument", "POST requires exactly one file upload per request.").with("ArgumentName", "file")
		case err != nil:
			return nil, nil, errMalformedPost()
		}
		name := strings.ToLower(part.FormName())
		if name == "file" {
			return form, part, nil
		}
		if err := form.add(name, part, &budget); err != nil {
			return nil, nil, err
		}
	}
}

// add reads one field, charging its length to what all fields may take.
// A repeated field is refused: a condition could check one copy while the
// upload used the other.
func (f postForm) add(name string, part io.Reader, budget *int64) error {
	if _, dup := f[name]; dup {
		return errf("InvalidArgument", "POST form fields may not be repeated: %s", name).with("ArgumentName", name)
	}
	v, err := io.ReadAll(io.LimitReader(part, *budget+1))
	if err != nil {
		return errMalformedPost()
	}
	if *budget -= int64(len(v)); *budget < 0 {
		return errf("MaxPostPreDataLengthExceeded", "Your POST request fields preceding the upload file were too large.")
	}
	f[name] = string(v)
	return nil
}

func errMalformedPost() *apiError {
	return errf("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
}

// verifyPostForm checks the policy's signature and expiry and decodes it.
func (e *Emulator) verifyPostForm(form postForm) (*postPolicy, error) {
	if form["policy"] == "" {
		return nil, errf("AccessDenied", "Access Denied")
	}
	in, err := e.postCredential(form)
	if err != nil {
		return nil, err
	}
	secret, err := e.secretFor(in.accessKey)
	if err != nil {
		return nil, err
	}
	want := postSignature(secret, in.scopeDate, in.region, in.service, form["policy"])
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(form["x-amz-signature"]))) {
		return nil, errf("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.").
			with("AWSAccessKeyId", in.accessKey)
	}
	p, err := parsePostPolicy(form["policy"])
	if err != nil {
		return nil, err
	}
	if now := e.now(); !now.Before(p.expiration) {
		return nil, errf("AccessDenied", "Invalid according to Policy: Policy expired.").
			with("Expiration", p.expiration.UTC().Format(time.RFC3339)).with("ServerTime", now.UTC().Format(time.RFC3339))
	}
	return p, nil
}

// postCredential parses and checks x-amz-algorithm, -credential and -date.
func (e *Emulator) postCredential(form postForm) (*sigInput, error) {
	for _, f := range []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"} {
		if form[f] == "" {
			return nil, errf("InvalidArgument", "Bucket POST must contain a field named '%s'.", f).with("ArgumentName", f)
		}
	}
	if form["x-amz-algorithm"] != sigAlgorithm {
		return nil, errf("InvalidArgument", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	in, ok := parseCredential(form["x-amz-credential"])
	if !ok {
		return nil, errf("InvalidArgument", "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	date, err := time.Parse(amzDateFormat, form["x-amz-date"])
	switch {
	case err != nil:
		return nil, errf("InvalidArgument", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	case in.region != e.region:
		return nil, errf("InvalidArgument", "the region '%s' is wrong; expecting '%s'", in.region, e.region).with("Region", e.region)
	case in.service != "s3" || in.scopeDate != date.Format("20060102"):
		return nil, errf("InvalidArgument", "the credential scope %q does not match X-Amz-Date and service s3", form["x-amz-credential"])
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
