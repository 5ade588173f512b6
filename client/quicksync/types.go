package quicksync

import (
	"fmt"
	"io"
	"time"
)

// Session is a joined session: the bearer token and when it expires.
type Session struct {
	Token     string
	SessionID string
	// ExpiresAt is zero when the service did not say and the token is not
	// a JWT with an "exp" claim.
	ExpiresAt time.Time
}

// String hides the token and the session ID.
func (s Session) String() string {
	return fmt.Sprintf("quicksync.Session{Token: %s, SessionID: %s, ExpiresAt: %s}",
		redacted(s.Token), redacted(s.SessionID), s.ExpiresAt.Format(time.RFC3339))
}

// GoString keeps %#v from printing secrets too.
func (s Session) GoString() string { return s.String() }

// File is one file in the session's bucket, as List and Info return it.
type File struct {
	CreatorID string `json:"creatorId"`
	Completed bool   `json:"completed"`
	// FileKey identifies the file; it is the fileId of Info, Delete and
	// DownloadURL.
	FileKey string `json:"fileKey"`
	// FileName is the encryptedName given to Initiate; DecryptName reads it.
	FileName            string `json:"fileName"`
	TotalParts          int    `json:"totalParts"`
	OriginalSizeInBytes int64  `json:"originalSizeInBytes"`
}

// InitiateInput starts a multipart upload.
type InitiateInput struct {
	TotalParts int `json:"totalParts"`
	// EncryptedName is the file name encrypted with EncryptName, by a call
	// of its own for each Initiate: never reuse one. A failed Initiate
	// deletes every unfinished upload listed under exactly this name, which
	// is safe only because EncryptName's random salt makes the name this
	// call's alone; a name reused from an earlier Initiate would make that
	// cleanup delete the earlier upload too.
	EncryptedName       string `json:"encryptedName"`
	OriginalSizeInBytes int64  `json:"originalSizeInBytes"`
}

// InitiateOutput identifies a new upload: UploadID for its parts and
// completion, FileKey for everything after.
type InitiateOutput struct {
	UploadID string `json:"uploadId"`
	FileKey  string `json:"fileKey"`
}

// UploadPartInput is one part of an upload. Body is read from its start
// (it is rewound on every attempt), Size bytes of it.
type UploadPartInput struct {
	UploadID   string
	Key        string // the FileKey from Initiate
	PartNumber int    // 1 to the upload's TotalParts
	Body       io.ReadSeeker
	Size       int64
}

// UploadPartOutput is a stored part; Complete needs its Tag.
type UploadPartOutput struct {
	Tag        string `json:"tag"`
	PartNumber int    `json:"partNumber"`
}

// CompleteInput finishes an upload. Tags are the parts' tags in part
// order: Tags[0] is part 1's.
type CompleteInput struct {
	Tags     []string `json:"tags"`
	Key      string   `json:"key"`
	UploadID string   `json:"uploadId"`
}

// CompleteOutput is a completed upload.
type CompleteOutput struct {
	UploadID string `json:"uploadId"`
	FileKey  string `json:"fileKey"`
}

// joinRequest is POST /v1/session/join's body.
type joinRequest struct {
	SessionID string `json:"sessionId"`
	Password  string `json:"password"`
}

// downloadURLResponse is GET /v1/buckets/download/{fileId}'s answer.
type downloadURLResponse struct {
	URL string `json:"url"`
}
