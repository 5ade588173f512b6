package transfer

// How a transfer's bytes were checked, in Result.Verified. A download
// checked against the object's full-object flexible checksum (see
// DownloadFile) names its algorithm in lower case instead: "crc64nvme",
// "sha256", "sha1", "crc32c" or "crc32".
const (
	VerifiedMD5       = "md5"       // the whole object's MD5 equals its ETag
	VerifiedComposite = "composite" // every part's MD5 and the multipart ETag match
	VerifiedSize      = "size"      // only the size could be checked (SSE-KMS, SSE-C, unknown part layout)
	// VerifiedContentMD5: the service checked each request's Content-MD5
	// (or a part's ETag was the MD5 of the bytes sent), but the object's
	// ETag is not an MD5 to compare (SSE-KMS, SSE-C).
	VerifiedContentMD5 = "content-md5"
)

// Result describes a finished transfer of one object.
type Result struct {
	Op     Op     `json:"op"`
	Source string `json:"source"`
	Dest   string `json:"dest"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag,omitempty"`
	// VersionID is the new object's version, when the bucket is versioned.
	VersionID string `json:"version_id,omitempty"`
	// Parts is the number of parts or ranges; 0 for a single request.
	Parts    int   `json:"parts,omitempty"`
	PartSize int64 `json:"part_size,omitempty"`
	// ResumedParts counts parts an earlier, interrupted upload had already
	// sent and that were verified and kept.
	ResumedParts int    `json:"resumed_parts,omitempty"`
	Verified     string `json:"verified,omitempty"`
	// DryRun: nothing was transferred; this is what would have been.
	DryRun bool `json:"dryrun,omitempty"`
}
