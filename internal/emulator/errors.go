package emulator

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
)

// apiError is an S3 error document plus the HTTP status it travels with.
// Handlers return it as an ordinary error; writeError renders it.
type apiError struct {
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

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// with appends an error-specific element; S3 adds e.g. <ProposedSize>.
func (e *apiError) with(name, value string) *apiError {
	e.Extra = append(e.Extra, extraField{XMLName: xml.Name{Local: name}, Value: value})
	return e
}

func (e *apiError) withHeader(name, value string) *apiError {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(name, value)
	return e
}

// statusByCode maps the S3 error codes the emulator produces to their status.
var statusByCode = map[string]int{
	"AccessDenied":                       http.StatusForbidden,
	"InvalidAccessKeyId":                 http.StatusForbidden,
	"SignatureDoesNotMatch":              http.StatusForbidden,
	"RequestTimeTooSkewed":               http.StatusForbidden,
	"AuthorizationHeaderMalformed":       http.StatusBadRequest,
	"AuthorizationQueryParametersError":  http.StatusBadRequest,
	"XAmzContentSHA256Mismatch":          http.StatusBadRequest,
	"BadDigest":                          http.StatusBadRequest,
	"InvalidDigest":                      http.StatusBadRequest,
	"IncompleteBody":                     http.StatusBadRequest,
	"InvalidArgument":                    http.StatusBadRequest,
	"InvalidRequest":                     http.StatusBadRequest,
	"MalformedXML":                       http.StatusBadRequest,
	"MalformedACLError":                  http.StatusBadRequest,
	"InvalidTag":                         http.StatusBadRequest,
	"EntityTooSmall":                     http.StatusBadRequest,
	"EntityTooLarge":                     http.StatusBadRequest,
	"InvalidPart":                        http.StatusBadRequest,
	"InvalidPartOrder":                   http.StatusBadRequest,
	"InvalidBucketName":                  http.StatusBadRequest,
	"InvalidLocationConstraint":          http.StatusBadRequest,
	"IllegalLocationConstraintException": http.StatusBadRequest,
	"MetadataTooLarge":                   http.StatusBadRequest,
	"KeyTooLongError":                    http.StatusBadRequest,
	"MissingContentLength":               http.StatusLengthRequired,
	"NoSuchBucket":                       http.StatusNotFound,
	"NoSuchKey":                          http.StatusNotFound,
	"NoSuchUpload":                       http.StatusNotFound,
	"NoSuchTagSet":                       http.StatusNotFound,
	"NoSuchVersion":                      http.StatusNotFound,
	"MethodNotAllowed":                   http.StatusMethodNotAllowed,
	"BucketAlreadyExists":                http.StatusConflict,
	"BucketAlreadyOwnedByYou":            http.StatusConflict,
	"BucketNotEmpty":                     http.StatusConflict,
	"PreconditionFailed":                 http.StatusPreconditionFailed,
	"InvalidRange":                       http.StatusRequestedRangeNotSatisfiable,
	"InvalidPartNumber":                  http.StatusRequestedRangeNotSatisfiable,
	"InternalError":                      http.StatusInternalServerError,
	"NotImplemented":                     http.StatusNotImplemented,
	"SlowDown":                           http.StatusServiceUnavailable,
	"ServiceUnavailable":                 http.StatusServiceUnavailable,
}

// errf builds an apiError whose status follows from its code.
func errf(code, format string, args ...any) *apiError {
	status, ok := statusByCode[code]
	if !ok {
		status = http.StatusBadRequest
	}
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...), status: status}
}

func errNoSuchBucket(bucket string) *apiError {
	e := errf("NoSuchBucket", "The specified bucket does not exist")
	e.BucketName = bucket
	return e
}

func errNoSuchKey(key string) *apiError {
	e := errf("NoSuchKey", "The specified key does not exist.")
	e.Key = key
	return e
}

func errNoSuchUpload() *apiError {
	return errf("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

func errNotImplemented(what string) *apiError {
	return errf("NotImplemented", "A header or query you provided implies functionality that is not implemented: %s", what)
}

func errMalformedXML() *apiError {
	return errf("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

func errInternal(err error) *apiError {
	return errf("InternalError", "We encountered an internal error. Please try again. (%v)", err)
}

// errNotModified is not an error document: it turns into a bare 304.
var errNotModified = errors.New("not modified")

// toAPIError converts any handler error into an S3 error document; anything
// unknown is an InternalError.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var be *bodyError
	if errors.As(err, &be) {
		return errf("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header: %v", be.err)
	}
	return errInternal(err)
}

// writeError renders err as S3 does: status, x-amz-request-id and (except for
// HEAD, which has no body) an XML document carrying the same request ID.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNotModified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ae := toAPIError(err)
	doc := *ae
	doc.RequestID = w.Header().Get(hdrRequestID)
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
	writeXML(w, doc.status, &doc)
}

// writeXML marshals first so that an encoding failure can still become a 500.
func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = xml.Marshal(errInternal(err))
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", fmt.Sprint(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}
