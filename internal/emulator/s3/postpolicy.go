package s3

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// postPolicy is a decoded POST policy document.
type postPolicy struct {
	expiration time.Time
	conds      []postCondition
	minSize    int64 // content-length-range, intersected over all such conditions
	maxSize    int64
	anonymous  bool // an unsigned form: no policy, no conditions
}

// postCondition is an "eq" or "starts-with" condition on one form field.
type postCondition struct {
	op, field, value string // field is lower-case, without the '$'
	name             string // field as the policy spells it, for messages
}

func (c postCondition) String() string {
	return fmt.Sprintf(`["%s", "$%s", %q]`, c.op, c.name, c.value)
}

func (c postCondition) holds(v string) bool {
	if c.op == "starts-with" {
		return strings.HasPrefix(v, c.value)
	}
	return v == c.value
}

func errInvalidPolicy(format string, args ...any) *s3err.Error {
	return s3err.Errorf("InvalidPolicyDocument", "Invalid Policy: "+format, args...)
}

// parsePostPolicy decodes the base64 JSON policy.
func parsePostPolicy(b64 string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errInvalidPolicy("the policy is not base64")
	}
	var doc struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, errInvalidPolicy("Invalid JSON: %v", err)
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return nil, errInvalidPolicy("Invalid 'expiration' value: %q", doc.Expiration)
	}
	p := &postPolicy{expiration: exp, maxSize: maxPutSize}
	for _, c := range doc.Conditions {
		if err := p.addCondition(c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addCondition accepts {"field": "value"}, ["eq"|"starts-with", "$field",
// "value"] and ["content-length-range", min, max].
func (p *postPolicy) addCondition(raw json.RawMessage) error {
	var exact map[string]string
	if json.Unmarshal(raw, &exact) == nil {
		for k, v := range exact {
			p.conds = append(p.conds, postCondition{op: "eq", field: strings.ToLower(k), value: v, name: k})
		}
		return nil
	}
	var arr []json.RawMessage
	var op string
	if json.Unmarshal(raw, &arr) != nil || len(arr) != 3 || json.Unmarshal(arr[0], &op) != nil {
		return errInvalidPolicy("Invalid Condition: %s", raw)
	}
	switch op = strings.ToLower(op); op {
	case "eq", "starts-with":
		var field, value string
		if json.Unmarshal(arr[1], &field) != nil || !strings.HasPrefix(field, "$") || json.Unmarshal(arr[2], &value) != nil {
			return errInvalidPolicy("Invalid Condition: %s", raw)
		}
		p.conds = append(p.conds, postCondition{op: op, field: strings.ToLower(field[1:]), value: value, name: field[1:]})
	case "content-length-range":
		var lo, hi int64
		if json.Unmarshal(arr[1], &lo) != nil || json.Unmarshal(arr[2], &hi) != nil || lo < 0 || hi < lo {
			return errInvalidPolicy("Invalid content-length-range: %s", raw)
		}
		p.minSize, p.maxSize = max(p.minSize, lo), min(p.maxSize, hi)
	default:
		return errInvalidPolicy("Invalid Condition: unknown operation %q", op)
	}
	return nil
}

// check applies every condition to the form, then S3's rule that each
// field (but policy, the signature, the file and x-ignore-*) must be named
// by a condition, so that no unsigned field can change the upload.
func (p *postPolicy) check(form postForm, bucket string) error {
	if _, ok := form["key"]; !ok {
		return s3err.Errorf("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.").With("ArgumentName", "key")
	}
	if p.anonymous {
		return nil
	}
	covered := map[string]bool{"policy": true, "x-amz-signature": true}
	for _, c := range p.conds {
		covered[c.field] = true
		got := form[c.field]
		if c.field == "bucket" {
			got = bucket
		}
		if !c.holds(got) {
			return s3err.Errorf("AccessDenied", "Invalid according to Policy: Policy Condition failed: %s", c)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(form)) {
		if !covered[name] && !strings.HasPrefix(name, "x-ignore-") {
			return s3err.Errorf("AccessDenied", "Invalid according to Policy: Extra input fields: %s", name)
		}
	}
	return nil
}

// storePostObject streams the file into the store under the policy's size
// range and answers as success_action_status asks (204 by default).
func (srv *Server) storePostObject(w http.ResponseWriter, r *http.Request, bucket string, form postForm, file *multipart.Part, p *postPolicy) error {
	key := strings.ReplaceAll(form["key"], "${filename}", file.FileName())
	switch {
	case key == "":
		return s3err.Errorf("InvalidArgument", "User key must have a length greater than 0.").With("ArgumentName", "key")
	case len(key) > maxKeyLength:
		return s3err.Errorf("KeyTooLongError", "Your key is too long")
	}
	in, err := srv.newObjectInput(r, form.headers(), bucket, key)
	if err != nil {
		return err
	}
	in.Body = &sizeRange{r: file, lo: p.minSize, hi: p.maxSize}
	o, err := srv.store.PutObject(in)
	if err != nil {
		return err
	}
	loc := objectLocation(r, key)
	w.Header().Set("ETag", o.ETag)
	w.Header().Set("Location", loc)
	switch form["success_action_status"] {
	case "200":
		w.WriteHeader(http.StatusOK)
	case "201":
		s3err.WriteXML(w, http.StatusCreated, &postResponse{Location: loc, Bucket: bucket, Key: key, ETag: o.ETag})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// headers turns the form into the headers a PUT would carry, so that the
// object's metadata, ACL and content headers are kept as PutObject keeps
// them.
func (f postForm) headers() http.Header {
	h := http.Header{}
	for name, v := range f {
		if name == "acl" {
			name = "x-amz-acl"
		}
		h.Set(name, v)
	}
	return h
}

// objectLocation is the new object's URL, addressed as the POST was.
func objectLocation(r *http.Request, key string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return scheme + "://" + r.Host + strings.TrimSuffix(r.URL.EscapedPath(), "/") + "/" + strings.Join(segs, "/")
}

// postResponse is the body of a 201 answer to a POST upload.
type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string
	Bucket   string
	Key      string
	ETag     string
}

// sizeRange enforces content-length-range while the file streams: the
// length of a multipart part is not known until its end.
type sizeRange struct {
	r         io.Reader
	n, lo, hi int64
}

func (s *sizeRange) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	switch {
	case s.n > s.hi:
		return n, s3err.Errorf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").With("MaxSizeAllowed", itoa64(s.hi))
	case err == io.EOF && s.n < s.lo:
		return n, s3err.Errorf("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size").With("MinSizeAllowed", itoa64(s.lo))
	}
	return n, err
}
