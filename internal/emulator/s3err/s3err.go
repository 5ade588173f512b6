// Package s3err is the S3 error document: the error type every part of the
// emulator returns for the S3 API, the status each code travels with, and
// its rendering (with the request's x-amz-request-id) as S3 sends it.
package s3err

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// HeaderRequestID carries the request ID that error documents repeat.
const HeaderRequestID = "X-Amz-Request-Id"

// Error is an S3 error document plus the HTTP status it travels with.
// Handlers return it as an ordinary error; Write renders it.
type Error struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string
	Message    string
	BucketName string       `xml:",omitempty"`
	Key        string       `xml:",omitempty"`
	Resource   string       `xml:",omitempty"`
	RequestID  string       `xml:"RequestId"`
	HostID     string       `xml:"HostId,omitempty"`
	Extra      []extraField // error-specific elements such as MinSizeAllowed

	status int
	header http.Header // extra response headers (Content-Range on 416, Retry-After on faults)
}

// extraField is one additional child element of an S3 error document.
type extraField struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status the error is sent with.
func (e *Error) Status() int { return e.status }

// With appends an error-specific element; S3 adds e.g. <ProposedSize>.
func (e *Error) With(name, value string) *Error {
	e.Extra = append(e.Extra, extraField{XMLName: xml.Name{Local: name}, Value: value})
	return e
}

// WithHeader adds a response header sent with the error.
func (e *Error) WithHeader(name, value string) *Error {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(name, value)
	return e
}

// WithStatus overrides the status the code implies (injected faults).
func (e *Error) WithStatus(status int) *Error {
	e.status = status
	return e
}

// WithBucket names the bucket the error concerns.
func (e *Error) WithBucket(bucket string) *Error {
	e.BucketName = bucket
	return e
}

// statusByCode maps the S3 error codes the emulator produces to their status.
var statusByCode = map[string]int{
	"AccessDenied":                         http.StatusForbidden,
	"InvalidAccessKeyId":                   http.StatusForbidden,
	"SignatureDoesNotMatch":                http.StatusForbidden,
	"RequestTimeTooSkewed":                 http.StatusForbidden,
	"CORSResponse":                         http.StatusForbidden,
	"AuthorizationHeaderMalformed":         http.StatusBadRequest,
	"AuthorizationQueryParametersError":    http.StatusBadRequest,
	"XAmzContentSHA256Mismatch":            http.StatusBadRequest,
	"BadDigest":                            http.StatusBadRequest,
	"InvalidDigest":                        http.StatusBadRequest,
	"IncompleteBody":                       http.StatusBadRequest,
	"InvalidArgument":                      http.StatusBadRequest,
	"InvalidRequest":                       http.StatusBadRequest,
	"MalformedXML":                         http.StatusBadRequest,
	"MalformedACLError":                    http.StatusBadRequest,
	"InvalidTag":                           http.StatusBadRequest,
	"EntityTooSmall":                       http.StatusBadRequest,
	"EntityTooLarge":                       http.StatusBadRequest,
	"InvalidPart":                          http.StatusBadRequest,
	"InvalidPartOrder":                     http.StatusBadRequest,
	"InvalidBucketName":                    http.StatusBadRequest,
	"InvalidLocationConstraint":            http.StatusBadRequest,
	"IllegalLocationConstraintException":   http.StatusBadRequest,
	"MetadataTooLarge":                     http.StatusBadRequest,
	"KeyTooLongError":                      http.StatusBadRequest,
	"MissingContentLength":                 http.StatusLengthRequired,
	"NoSuchBucket":                         http.StatusNotFound,
	"NoSuchKey":                            http.StatusNotFound,
	"NoSuchUpload":                         http.StatusNotFound,
	"NoSuchTagSet":                         http.StatusNotFound,
	"NoSuchVersion":                        http.StatusNotFound,
	"NoSuchWebsiteConfiguration":           http.StatusNotFound,
	"NoSuchLifecycleConfiguration":         http.StatusNotFound,
	"OwnershipControlsNotFoundError":       http.StatusNotFound,
	"ObjectLockConfigurationNotFoundError": http.StatusNotFound,
	"NoSuchObjectLockConfiguration":        http.StatusNotFound,
	"MethodNotAllowed":                     http.StatusMethodNotAllowed,
	"BucketAlreadyExists":                  http.StatusConflict,
	"BucketAlreadyOwnedByYou":              http.StatusConflict,
	"BucketNotEmpty":                       http.StatusConflict,
	"InvalidBucketState":                   http.StatusConflict,
	"ConditionalRequestConflict":           http.StatusConflict,
	"PreconditionFailed":                   http.StatusPreconditionFailed,
	"InvalidRange":                         http.StatusRequestedRangeNotSatisfiable,
	"InvalidPartNumber":                    http.StatusRequestedRangeNotSatisfiable,
	"InternalError":                        http.StatusInternalServerError,
	"NotImplemented":                       http.StatusNotImplemented,
	"SlowDown":                             http.StatusServiceUnavailable,
	"ServiceUnavailable":                   http.StatusServiceUnavailable,
}

// Errorf builds an Error whose status follows from its code (400 for codes
// not in the table).
func Errorf(code, format string, args ...any) *Error {
	status, ok := statusByCode[code]
	if !ok {
		status = http.StatusBadRequest
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), status: status}
}

// NoSuchBucket is the error for a bucket that does not exist.
func NoSuchBucket(bucket string) *Error {
	return Errorf("NoSuchBucket", "The specified bucket does not exist").WithBucket(bucket)
}

// NoSuchKey is the error for a key that does not exist.
func NoSuchKey(key string) *Error {
	e := Errorf("NoSuchKey", "The specified key does not exist.")
	e.Key = key
	return e
}

// NoSuchUpload is the error for an unknown, aborted or completed upload.
func NoSuchUpload() *Error {
	return Errorf("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

// NotImplemented names functionality the emulator does not have.
func NotImplemented(what string) *Error {
	return Errorf("NotImplemented", "A header or query you provided implies functionality that is not implemented: %s", what)
}

// MalformedXML is the error for a request document that does not parse.
func MalformedXML() *Error {
	return Errorf("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

// MethodNotAllowed is the error for a method a resource does not take.
func MethodNotAllowed() *Error {
	return Errorf("MethodNotAllowed", "The specified method is not allowed against this resource.")
}

// Internal wraps a failure of the emulator itself.
func Internal(err error) *Error {
	return Errorf("InternalError", "We encountered an internal error. Please try again. (%v)", err)
}

// PreconditionFailed names the condition that did not hold.
func PreconditionFailed(condition string) *Error {
	return Errorf("PreconditionFailed", "At least one of the pre-conditions you specified did not hold").
		With("Condition", condition)
}

// ErrNotModified is not an error document: Write turns it into a bare 304.
var ErrNotModified = errors.New("not modified")

// BodyError marks a failure to read the request body, as opposed to a
// failure to store it: the first is the client's fault (400), the second 500.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "reading request body: " + e.Err.Error() }
func (e *BodyError) Unwrap() error { return e.Err }

// RequestBody wraps a request body so that its read failures, other than
// the S3 errors the body verifiers raise, come back as *BodyError.
func RequestBody(r io.Reader) io.Reader { return bodyReader{r} }

type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		if _, isAPI := err.(*Error); isAPI {
			return n, err
		}
		return n, &BodyError{err}
	}
	return n, err
}

// As converts any handler error into an S3 error document; anything
// unknown is an InternalError.
func As(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var be *BodyError
	if errors.As(err, &be) {
		return Errorf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header: %v", be.Err)
	}
	return Internal(err)
}

// Write renders err as S3 does: status, x-amz-request-id and (except for
// HEAD, which has no body) an XML document carrying the same request ID.
func Write(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrNotModified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ae := As(err)
	doc := *ae
	doc.RequestID = w.Header().Get(HeaderRequestID)
	if doc.Resource == "" {
		doc.Resource = r.URL.Path
	}
	for k, v := range ae.header {
		w.Header()[k] = v
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(doc.status)
		return
	}
	WriteXML(w, doc.status, &doc)
}

// WriteXML sends v as an XML document. It marshals first so that an
// encoding failure can still become a 500.
func WriteXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = xml.Marshal(Internal(err))
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}
