package reliability_test

import (
	"net/http"
	"strings"
)

// Request classes the faults are aimed at. The emulator serves S3
// path-style (/bucket/key) and QuickSync under /v1/.

func isS3(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/v1/") }

// hasKey tells object requests (/bucket/key) from bucket requests (/bucket).
func hasKey(r *http.Request) bool { return strings.Contains(strings.Trim(r.URL.Path, "/"), "/") }

func isCopy(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != ""
}

// isPutObject is a PutObject with data (not a copy, not a part).
func isPutObject(r *http.Request) bool {
	return r.Method == http.MethodPut && isS3(r) && hasKey(r) && !isCopy(r) && !r.URL.Query().Has("partNumber")
}

func isUploadPart(r *http.Request) bool {
	return r.Method == http.MethodPut && isS3(r) && !isCopy(r) && r.URL.Query().Has("partNumber")
}

// isDataPut is any request carrying object data: PutObject or UploadPart.
func isDataPut(r *http.Request) bool { return isPutObject(r) || isUploadPart(r) }

func isComplete(r *http.Request) bool {
	return r.Method == http.MethodPost && isS3(r) && r.URL.Query().Has("uploadId")
}

func isObjectGet(r *http.Request) bool { return r.Method == http.MethodGet && isS3(r) && hasKey(r) }

func isRangedGet(r *http.Request) bool {
	return isObjectGet(r) && strings.HasPrefix(r.Header.Get("Range"), "bytes=")
}

func isList(r *http.Request) bool {
	return r.Method == http.MethodGet && isS3(r) && !hasKey(r) && strings.Trim(r.URL.Path, "/") != ""
}

func isQuickSyncPart(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Path == "/v1/buckets"
}
