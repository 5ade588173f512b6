package s3

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
)

// Browser-based uploads (S3's POST Object): a multipart/form-data POST to a
// bucket whose form fields carry a base64 JSON policy and a SigV4 signature
// of that policy. The request itself is not signed, so the emulator hands
// such requests to ServePostObject instead of authenticating them.

const maxPostFields = 20 << 10 // bytes of form fields before the file, as S3 bounds them

// IsPostObject reports whether r is a browser-based upload: a POST of
// multipart/form-data to a bucket, with no other kind of authentication.
func (srv *Server) IsPostObject(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "" || r.URL.RawQuery != "" {
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return false
	}
	bucket, key := srv.Target(r)
	return bucket != "" && key == ""
}

// ServePostObject answers a browser-based upload: it verifies the form's
// policy and signature, runs Config.Authenticated, and stores the file.
func (srv *Server) ServePostObject(w http.ResponseWriter, r *http.Request) {
	if err := srv.postObject(w, r); err != nil {
		srv.WriteError(w, r, err)
	}
}

func (srv *Server) postObject(w http.ResponseWriter, r *http.Request) error {
	bucket, _ := srv.Target(r)
	form, file, err := readPostForm(r)
	if err != nil {
		return err
	}
	p, policy, err := srv.verifyPostForm(form)
	if err != nil {
		return err
	}
	if err := policy.check(form, bucket); err != nil {
		return err
	}
	r = r.WithContext(access.NewContext(r.Context(), p))
	if srv.authenticated(w, r) {
		return nil
	}
	if err := srv.authorizeBucket(r, bucket, access.Write); err != nil {
		return err
	}
	return srv.storePostObject(w, r, bucket, form, file, policy)
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
			return nil, nil, s3err.Errorf("InvalidArgument", "POST requires exactly one file upload per request.").With("ArgumentName", "file")
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
		return s3err.Errorf("InvalidArgument", "POST form fields may not be repeated: %s", name).With("ArgumentName", name)
	}
	v, err := io.ReadAll(io.LimitReader(part, *budget+1))
	if err != nil {
		return errMalformedPost()
	}
	if *budget -= int64(len(v)); *budget < 0 {
		return s3err.Errorf("MaxPostPreDataLengthExceeded", "Your POST request fields preceding the upload file were too large.")
	}
	f[name] = string(v)
	return nil
}

func errMalformedPost() *s3err.Error {
	return s3err.Errorf("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
}

// verifyPostForm checks the policy's signature and expiry and decodes it,
// and names who signed it. A form with no policy and no signature is an
// anonymous upload, which only a bucket granting WRITE to AllUsers takes;
// one signed with Signature Version 2 is refused.
func (srv *Server) verifyPostForm(form postForm) (access.Principal, *postPolicy, error) {
	_, sigV2 := form["awsaccesskeyid"]
	switch {
	case form["x-amz-algorithm"] == "" && (sigV2 || form["signature"] != ""):
		return access.Principal{}, nil, sigv4.ErrSigV2()
	case isAnonymousForm(form):
		return access.Principal{}, &postPolicy{anonymous: true, maxSize: maxPutSize}, nil
	}
	who, err := srv.verifier.VerifyPost(sigv4.PostForm{
		Algorithm: form["x-amz-algorithm"], Credential: form["x-amz-credential"], Date: form["x-amz-date"],
		Signature: form["x-amz-signature"], Policy: form["policy"],
	})
	if err != nil {
		return access.Principal{}, nil, err
	}
	p, err := parsePostPolicy(form["policy"])
	if err != nil {
		return access.Principal{}, nil, err
	}
	if now := srv.now(); !now.Before(p.expiration) {
		return access.Principal{}, nil, s3err.Errorf("AccessDenied", "Invalid according to Policy: Policy expired.").
			With("Expiration", p.expiration.UTC().Format(time.RFC3339)).With("ServerTime", now.UTC().Format(time.RFC3339))
	}
	return who, p, nil
}

// isAnonymousForm reports whether a POST form carries no signature
// material at all.
func isAnonymousForm(form postForm) bool {
	for _, f := range []string{"policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"} {
		if _, ok := form[f]; ok {
			return false
		}
	}
	return true
}
