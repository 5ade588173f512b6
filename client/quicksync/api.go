package quicksync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/jsonapi"
)

// The calls, as they are named in errors.
const (
	opJoin        = "JoinSession"
	opList        = "List"
	opInitiate    = "Initiate"
	opUploadPart  = "UploadPart"
	opComplete    = "Complete"
	opDelete      = "Delete"
	opInfo        = "Info"
	opDownloadURL = "DownloadURL"
	opDownload    = "Download"
)

// MaxParts is the most parts an upload may have. The API document gives no
// limit; QuickSync is modelled on S3, whose limit this is, and the
// emulator enforces it.
const MaxParts = client.MaxPartNumber

// JoinSession exchanges a session ID and its password for a bearer token
// (POST /v1/session/join). It needs no token. The password is never
// logged or put in an error.
func (c *Client) JoinSession(ctx context.Context, sessionID, password string) (*Session, error) {
	if sessionID == "" {
		return nil, &client.ValidationError{Field: "session ID", Problem: "is empty", Fix: "give the session ID QuickSync shows"}
	}
	var out joinResponse
	err := c.do(ctx, jsonapi.Call{Op: opJoin, Method: http.MethodPost, Path: "/v1/session/join",
		In: joinRequest{SessionID: sessionID, Password: password}, NoAuth: true, Idempotent: true,
		Secrets: []string{password, sessionID}}, &out)
	if err != nil {
		return nil, err
	}
	if out.Credentials.Token == "" {
		return nil, fmt.Errorf("%s: the service answered without a token", opJoin)
	}
	return &Session{Token: out.Credentials.Token, SessionID: sessionID, ExpiresAt: out.Credentials.expiry(c.now())}, nil
}

// List returns every file in the session's bucket (GET /v1/buckets),
// unfinished uploads included (Completed false).
func (c *Client) List(ctx context.Context) ([]File, error) {
	var out []File
	err := c.do(ctx, jsonapi.Call{Op: opList, Method: http.MethodGet, Path: "/v1/buckets", Idempotent: true}, &out)
	return out, err
}

// Initiate starts a multipart upload (POST /v1/buckets). It is retried only
// when the service surely did not process it, so a lost answer cannot
// leave a second, invisible upload behind. When an attempt's answer is
// lost (the connection reset, cut short or timed out, or the call
// cancelled) or names no upload, the upload it may have started is
// deleted again, found by the encryptedName sent; when that fails the
// error is a *LostUploadError. Every unfinished upload listed under that
// name is deleted, so each call needs a fresh EncryptName result
// (InitiateInput.EncryptedName): a name reused from an earlier call would
// delete that call's upload as well.
func (c *Client) Initiate(ctx context.Context, in InitiateInput) (*InitiateOutput, error) {
	if err := validateInitiate(in); err != nil {
		return nil, err
	}
	var out InitiateOutput
	unread := false
	err := c.do(ctx, jsonapi.Call{Op: opInitiate, Method: http.MethodPost, Path: "/v1/buckets", In: in, Unread: &unread}, &out)
	if err == nil && (out.UploadID == "" || out.FileKey == "") {
		err, unread = fmt.Errorf("%s: the service answered without an uploadId or fileKey", opInitiate), true
	}
	if err != nil {
		if unread {
			err = c.deleteLostUpload(ctx, in.EncryptedName, err)
		}
		return nil, err
	}
	return &out, nil
}

// lostUploadTimeout bounds deleting what a failed Initiate may have
// started, as transfer.DefaultAbortTimeout bounds deleting a failed upload.
const lostUploadTimeout = 30 * time.Second

// deleteLostUpload deletes the unfinished upload that a failed Initiate
// sending encryptedName may have started without the caller learning its
// fileKey, so that it is not left open for good; cause is the Initiate's
// error. The name is encrypted with a random salt, so an unfinished upload
// listed under exactly this name is this call's: another upload of the
// same file name, started by another writer or an earlier try, is never
// touched, and no clock is guessed at. It runs on a fresh context, since
// a cancelled Initiate may have taken effect too. Best effort: it returns
// cause, or a *LostUploadError around it when the listing or a deletion
// failed.
func (c *Client) deleteLostUpload(ctx context.Context, encryptedName string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostUploadTimeout)
	defer cancel()
	files, err := c.List(ctx)
	if err != nil {
		return &LostUploadError{Err: cause, CleanupErr: err}
	}
	var lost *LostUploadError
	for _, f := range files {
		if f.FileName != encryptedName || f.Completed {
			continue
		}
		// One name is one upload; should there be more, the first that
		// stays is named.
		if err := c.Delete(ctx, f.FileKey); err != nil && !errors.Is(err, ErrNotFound) && lost == nil {
			lost = &LostUploadError{Err: cause, FileKey: f.FileKey, CleanupErr: err}
		}
	}
	if lost != nil {
		return lost
	}
	return cause
}

func validateInitiate(in InitiateInput) error {
	switch {
	case in.OriginalSizeInBytes < 1:
		return ErrEmptyFile
	case in.TotalParts < 1 || in.TotalParts > MaxParts:
		return &client.ValidationError{Field: "part count", Value: strconv.Itoa(in.TotalParts),
			Problem: fmt.Sprintf("is not between 1 and %d", MaxParts), Fix: "use a larger part size"}
	case int64(in.TotalParts) > in.OriginalSizeInBytes:
		return &client.ValidationError{Field: "part count", Value: strconv.Itoa(in.TotalParts),
			Problem: "is more than the file's bytes", Fix: "use fewer parts"}
	case in.EncryptedName == "":
		return &client.ValidationError{Field: "encrypted name", Problem: "is empty", Fix: "encrypt the name with EncryptName"}
	}
	return nil
}

// ErrEmptyFile: QuickSync uploads are multipart and every part carries
// data, so a file must have at least one byte. Zero-byte files are refused
// before any request rather than risking an upload the service cannot
// complete.
var ErrEmptyFile = &client.ValidationError{Field: "file size", Value: "0",
	Problem: "QuickSync stores files of 1 byte or more", Fix: "skip empty files"}

// UploadPart sends one part (PUT /v1/buckets, with uploadId, partNumber and
// key as headers and the part's bytes as the body). The body is rewound
// for each retry, so a buffered part or a file section is retried safely.
func (c *Client) UploadPart(ctx context.Context, in UploadPartInput) (*UploadPartOutput, error) {
	if in.UploadID == "" || in.Key == "" || in.PartNumber < 1 || in.PartNumber > MaxParts || in.Body == nil || in.Size < 0 {
		return nil, &client.ValidationError{Field: "part", Value: strconv.Itoa(in.PartNumber),
			Problem: "needs an upload ID, a key, a number from 1 to 10000 and a body", Fix: "pass what Initiate returned"}
	}
	var out UploadPartOutput
	err := c.do(ctx, jsonapi.Call{Op: opUploadPart, Method: http.MethodPut, Path: "/v1/buckets", Subject: in.Key,
		Body: in.Body, Size: in.Size, Idempotent: true, Header: map[string]string{
			"uploadId": in.UploadID, "partNumber": strconv.Itoa(in.PartNumber), "key": in.Key,
		}}, &out)
	if err != nil {
		return nil, err
	}
	if out.Tag == "" {
		return nil, fmt.Errorf("%s %s: part %d: the service answered without a tag", opUploadPart, in.Key, in.PartNumber)
	}
	return &out, nil
}

// Complete assembles the parts (POST /v1/buckets/complete). Tags must be
// in part order.
func (c *Client) Complete(ctx context.Context, in CompleteInput) (*CompleteOutput, error) {
	if in.Key == "" || in.UploadID == "" || len(in.Tags) == 0 {
		return nil, &client.ValidationError{Field: "completion", Value: in.Key,
			Problem: "needs the key, the upload ID and every part's tag", Fix: "pass what Initiate and UploadPart returned"}
	}
	var out CompleteOutput
	err := c.do(ctx, jsonapi.Call{Op: opComplete, Method: http.MethodPost, Path: "/v1/buckets/complete", Subject: in.Key,
		In: in, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes a file, or an unfinished upload, for good
// (DELETE /v1/buckets/{fileId}).
func (c *Client) Delete(ctx context.Context, fileID string) error {
	path, err := filePath("/v1/buckets/", fileID)
	if err != nil {
		return err
	}
	return c.do(ctx, jsonapi.Call{Op: opDelete, Method: http.MethodDelete, Path: path, Subject: fileID, Idempotent: true}, nil)
}

// Info returns one file's metadata (GET /v1/buckets/file/{fileId}).
func (c *Client) Info(ctx context.Context, fileID string) (*File, error) {
	path, err := filePath("/v1/buckets/file/", fileID)
	if err != nil {
		return nil, err
	}
	var out File
	if err := c.do(ctx, jsonapi.Call{Op: opInfo, Method: http.MethodGet, Path: path, Subject: fileID, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadURL returns a temporary URL the file can be fetched from without
// the token (GET /v1/buckets/download/{fileId}).
func (c *Client) DownloadURL(ctx context.Context, fileID string) (string, error) {
	path, err := filePath("/v1/buckets/download/", fileID)
	if err != nil {
		return "", err
	}
	var out downloadURLResponse
	if err := c.do(ctx, jsonapi.Call{Op: opDownloadURL, Method: http.MethodGet, Path: path, Subject: fileID, Idempotent: true}, &out); err != nil {
		return "", err
	}
	if u, err := url.Parse(out.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%s %s: the service answered with no usable URL", opDownloadURL, fileID)
	}
	return out.URL, nil
}

// filePath appends the escaped file ID to prefix.
func filePath(prefix, fileID string) (string, error) {
	if fileID == "" {
		return "", &client.ValidationError{Field: "file ID", Problem: "is empty", Fix: "use a fileKey from the listing"}
	}
	return prefix + url.PathEscape(fileID), nil
}
