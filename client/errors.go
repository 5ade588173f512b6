package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/httpdebug"
)

// ErrorCode is an S3 error code. The constants below are sentinels:
// errors.Is(err, client.ErrNoSuchBucket) is true for any *Error with that code.
type ErrorCode string

func (c ErrorCode) Error() string { return string(c) }

// Error codes from the QStorage API reference, plus the ones its S3 heritage
// makes likely. HEAD responses have no body; their 404s are reported as
// ErrNoSuchBucket or ErrNoSuchKey, and 304 as ErrNotModified.
const (
	ErrAccessDenied            ErrorCode = "AccessDenied"
	ErrBucketAlreadyExists     ErrorCode = "BucketAlreadyExists"
	ErrBucketAlreadyOwnedByYou ErrorCode = "BucketAlreadyOwnedByYou"
	ErrBucketNotEmpty          ErrorCode = "BucketNotEmpty"
	ErrEntityTooLarge          ErrorCode = "EntityTooLarge"
	ErrEntityTooSmall          ErrorCode = "EntityTooSmall"
	ErrForbidden               ErrorCode = "Forbidden"
	ErrInternalError           ErrorCode = "InternalError"
	ErrInvalidAccessKeyID      ErrorCode = "InvalidAccessKeyId"
	ErrInvalidBucketName       ErrorCode = "InvalidBucketName"
	ErrInvalidDigest           ErrorCode = "InvalidDigest"
	ErrInvalidPart             ErrorCode = "InvalidPart"
	ErrInvalidPartOrder        ErrorCode = "InvalidPartOrder"
	ErrInvalidRange            ErrorCode = "InvalidRange"
	ErrMalformedXML            ErrorCode = "MalformedXML"
	ErrMissingContentLength    ErrorCode = "MissingContentLength"
	ErrNoSuchBucket            ErrorCode = "NoSuchBucket"
	ErrNoSuchKey               ErrorCode = "NoSuchKey"
	ErrNoSuchTagSet            ErrorCode = "NoSuchTagSet"
	ErrNoSuchUpload            ErrorCode = "NoSuchUpload"
	ErrNotModified             ErrorCode = "NotModified"
	ErrPreconditionFailed      ErrorCode = "PreconditionFailed"
	ErrRequestTimeTooSkewed    ErrorCode = "RequestTimeTooSkewed"
	ErrSignatureDoesNotMatch   ErrorCode = "SignatureDoesNotMatch"
	ErrSlowDown                ErrorCode = "SlowDown"
	ErrTooManyBuckets          ErrorCode = "TooManyBuckets"
)

// Error codes of the bucket and object settings calls. A bucket without
// the configuration asked for answers NoSuchWebsiteConfiguration,
// NoSuchLifecycleConfiguration, OwnershipControlsNotFoundError, or (object
// retention and legal hold) ObjectLockConfigurationNotFoundError or
// NoSuchObjectLockConfiguration; Object Lock asked of a bucket made without
// it is InvalidBucketState (its configuration) or InvalidRequest.
const (
	ErrNoSuchVersion                   ErrorCode = "NoSuchVersion"
	ErrNoSuchWebsiteConfiguration      ErrorCode = "NoSuchWebsiteConfiguration"
	ErrNoSuchLifecycleConfiguration    ErrorCode = "NoSuchLifecycleConfiguration"
	ErrOwnershipControlsNotFound       ErrorCode = "OwnershipControlsNotFoundError"
	ErrObjectLockConfigurationNotFound ErrorCode = "ObjectLockConfigurationNotFoundError"
	ErrNoSuchObjectLockConfiguration   ErrorCode = "NoSuchObjectLockConfiguration"
	ErrInvalidRequest                  ErrorCode = "InvalidRequest"
	ErrInvalidBucketState              ErrorCode = "InvalidBucketState"
	ErrNotImplemented                  ErrorCode = "NotImplemented"
)

// Error is an error response from the service.
type Error struct {
	Op         string // the S3 operation, e.g. "PutObject"
	StatusCode int    // HTTP status
	Code       ErrorCode
	Message    string
	RequestID  string
	Bucket     string
	Key        string
	Err        error // the SDK's error, for callers that need more
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if loc := location(e.Bucket, e.Key); loc != "" {
		b.WriteString(" " + loc)
	}
	fmt.Fprintf(&b, ": %s", e.Code)
	// The message is the server's text: kept to one line for logs.
	if msg := strings.Join(strings.Fields(e.Message), " "); msg != "" && msg != string(e.Code) {
		fmt.Fprintf(&b, ": %s", msg)
	}
	fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request id %s", e.RequestID)
	}
	b.WriteString(")")
	if hint := hintFor(e.Code); hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

// Unwrap gives the SDK's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches ErrorCode sentinels.
func (e *Error) Is(target error) bool {
	code, ok := target.(ErrorCode)
	return ok && code == e.Code
}

// hintFor says what to check for the codes whose fix is on the caller's
// side. It names no qcli command: the CLI adds those (cmdutil.Advise).
func hintFor(code ErrorCode) string {
	switch code {
	case ErrSignatureDoesNotMatch:
		return "check the secret access key"
	case ErrInvalidAccessKeyID:
		return "check the access key id"
	case ErrRequestTimeTooSkewed:
		return "this machine's clock is off; sync it"
	}
	return ""
}

func location(bucket, key string) string {
	switch {
	case bucket == "":
		return ""
	case key == "":
		return "s3://" + bucket
	default:
		return "s3://" + bucket + "/" + key
	}
}

// ConnectionError is a request that never got a whole answer from the
// service: the endpoint could not be reached, the TLS handshake failed, or
// the connection broke (before or during the answer) and retries ran out.
type ConnectionError struct {
	Op          string
	Endpoint    string
	Bucket, Key string // what the request was for, when known
	Err         error
}

func (e *ConnectionError) Error() string {
	op := e.Op
	if loc := location(e.Bucket, e.Key); loc != "" {
		op += " " + loc
	}
	cause := httpdebug.RedactError(rootCause(e.Err))
	if brokenAnswer(e.Err) {
		return fmt.Sprintf("%s: the answer from %s broke off or could not be read: %s; check the network", op, e.Endpoint, cause)
	}
	msg := fmt.Sprintf("%s: cannot reach %s: %s", op, e.Endpoint, cause)
	if isCertificateError(e.Err) {
		return msg + "; the server's TLS certificate is not trusted (set ca_bundle, or --no-verify-ssl for a test server)"
	}
	return msg + "; check the endpoint URL and the network"
}

// Unwrap gives the underlying network error.
func (e *ConnectionError) Unwrap() error { return e.Err }

// rootCause strips the SDK's operation/retry wrappers, which repeat the URL
// and add noise, down to the network error.
func rootCause(err error) error {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Err != nil {
		err = re.Err
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) && de.Err != nil {
		err = de.Err // "failed to decode response body, unexpected EOF"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return ne
	}
	return err
}

func isCertificateError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "x509:") || strings.Contains(msg, "certificate")
}

// WrapError turns an error of a call made through S3() into what this
// package's own calls return: *Error (so that errors.Is(err, ErrNoSuchKey)
// and the other sentinels match), *ConnectionError, or the caller's
// context error. op names the operation in messages ("GetObjectAcl");
// empty takes it from the SDK's error. Errors already wrapped, and nil,
// are returned unchanged.
func WrapError(op string, err error) error {
	var oe *smithy.OperationError
	if op == "" && errors.As(err, &oe) {
		op = oe.OperationName
	}
	return wrapError(op, endpointOf(err), "", "", err)
}

// endpointOf is the scheme and host a failed request went to, when the
// error says (net/http's *url.Error does).
func endpointOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return "the endpoint"
}

// wrapErr turns an SDK error into *Error, *ConnectionError or the context's
// error, adding what was being done to what.
func (c *Client) wrapErr(op, bucket, key string, err error) error {
	return wrapError(op, c.cfg.Endpoint, bucket, key, err)
}

func wrapError(op, endpoint, bucket, key string, err error) error {
	if err == nil || isWrapped(err) {
		return err
	}
	if ctxErr := contextError(err); ctxErr != nil {
		return fmt.Errorf("%s %s: %w", op, location(bucket, key), ctxErr)
	}
	if errors.Is(err, errAnswerTooLarge) {
		return &ProtocolError{Op: op, Bucket: bucket, Key: key, Problem: tooLargeProblem}
	}
	// The SDK wraps transport failures in a ResponseError too, with no
	// response; a success whose body broke off is a transport failure too.
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.HTTPStatusCode() != 0 && !brokenAnswer(err) {
		return newServiceError(op, bucket, key, re, err)
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return v
	}
	return &ConnectionError{Op: op, Endpoint: endpoint, Bucket: bucket, Key: key, Err: err}
}

// isWrapped reports an error this package already made (WrapError called
// twice, or on an error of the client's own calls).
func isWrapped(err error) bool {
	var se *Error
	var ce *ConnectionError
	var ve *ValidationError
	return errors.As(err, &se) || errors.As(err, &ce) || errors.As(err, &ve)
}

// contextError returns the caller's context error when err is one. net/http's
// own timeouts (a read timeout awaiting the headers) answer
// errors.Is(err, context.DeadlineExceeded) too, but they are network
// failures, to be reported with the endpoint; only the context package's
// sentinel itself, found by identity, is the caller's deadline.
func contextError(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case holds(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	return nil
}

// holds reports whether target itself (==, not errors.Is) is in err's tree.
func holds(err, target error) bool {
	if err == target {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return holds(u.Unwrap(), target)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if holds(e, target) {
				return true
			}
		}
	}
	return false
}

func newServiceError(op, bucket, key string, re *awshttp.ResponseError, err error) *Error {
	e := &Error{Op: op, StatusCode: re.HTTPStatusCode(), RequestID: re.ServiceRequestID(), Bucket: bucket, Key: key, Err: err}
	var api smithy.APIError
	rawCode := ""
	if errors.As(err, &api) {
		rawCode = api.ErrorCode()
		// The code is the server's text too: spaces and line breaks around
		// or inside it (pretty-printed XML) must not split the error's line.
		e.Code, e.Message = ErrorCode(strings.Join(strings.Fields(api.ErrorCode()), " ")), api.ErrorMessage()
	}
	e.Code = normalizeCode(op, e.StatusCode, e.Code)
	if e.Message == "" || e.Message == rawCode {
		e.Message = bodilessMessage(e.Code, e.StatusCode)
	}
	return e
}

// bodilessMessage says what a response without an error document (HEAD,
// 304) means, in the words S3 would have used.
func bodilessMessage(code ErrorCode, status int) string {
	switch code {
	case ErrNoSuchKey:
		return "The specified key does not exist"
	case ErrNoSuchBucket:
		return "The specified bucket does not exist"
	case ErrForbidden:
		return "Access denied: the credentials are not allowed to do this, or the signature was refused"
	}
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "unexpected answer"
}

// normalizeCode fills in codes for bodiless responses (HEAD, 304), which the
// SDK reports as "NotFound", "Forbidden" or the bare status.
func normalizeCode(op string, status int, code ErrorCode) ErrorCode {
	if code != "" && code != "NotFound" && code != ErrorCode(fmt.Sprint(status)) {
		return code
	}
	switch status {
	case http.StatusNotModified:
		return ErrNotModified
	case http.StatusNotFound:
		if strings.Contains(op, "Object") {
			return ErrNoSuchKey
		}
		return ErrNoSuchBucket
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusPreconditionFailed:
		return ErrPreconditionFailed
	case http.StatusRequestedRangeNotSatisfiable:
		return ErrInvalidRange
	}
	if code != "" {
		return code
	}
	if text := http.StatusText(status); text != "" {
		return ErrorCode(strings.ReplaceAll(text, " ", ""))
	}
	return ErrorCode(fmt.Sprintf("HTTP%d", status)) // a status net/http has no name for (found by FuzzErrorResponse)
}

// statusOf returns the HTTP status of an SDK error, or 0.
func statusOf(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
