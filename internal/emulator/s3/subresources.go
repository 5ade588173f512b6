package s3

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// A request for a sub-resource the emulator does not serve must never fall
// through to the object (a PUT to ?tagging would overwrite it with the
// tagging XML). Every sub-resource is therefore dispatched first: those
// the emulator serves have their own files (tagging.go, acl.go,
// website.go, lifecycle.go, ownership.go, objectlock.go), the rest answer 501
// NotImplemented as S3 answers functionality it does not have. CORS and
// bucket policies are among them: QStorage has neither.

// unsupportedSubresources are S3 sub-resources the emulator does not serve.
var unsupportedSubresources = []string{
	"accelerate", "analytics", "cors", "encryption", "intelligent-tiering",
	"inventory", "logging", "metadataTable", "metrics",
	"notification", "policy", "policyStatus",
	"publicAccessBlock", "renameObject", "replication", "requestPayment", "restore",
	"select", "session", "torrent",
}

// knownFlags are valueless query flags the emulator does understand.
var knownFlags = []string{"acl", "attributes", "delete", "fetch-owner", "legal-hold", "lifecycle", "location",
	"object-lock", "ownershipControls", "retention", "tagging", "uploads", "versioning", "versions", "website"}

// unsupportedSubresource names the first sub-resource in q that the
// emulator does not implement. Unknown valueless flags count as
// sub-resources too, so a new S3 API can never fall through to the object.
func unsupportedSubresource(q url.Values) string {
	for name, vs := range q {
		if slices.Contains(unsupportedSubresources, name) {
			return name
		}
		if len(vs) == 1 && vs[0] == "" && !slices.Contains(knownFlags, name) && !isParam(name) {
			return name
		}
	}
	return ""
}

// ordinaryParams are S3 query parameters that carry a value, which a client
// may nevertheless send empty.
var ordinaryParams = []string{
	"bucket-region", "continuation-token", "delimiter", "encoding-type", "key-marker",
	"list-type", "marker", "max-buckets", "max-keys", "max-parts", "max-uploads",
	"part-number-marker", "partNumber", "prefix", "start-after", "upload-id-marker",
	"uploadId", "version-id-marker", "versionId", "x-id",
}

// isParam reports whether name is an ordinary parameter rather than a
// sub-resource flag.
func isParam(name string) bool {
	lower := strings.ToLower(name)
	return slices.Contains(ordinaryParams, name) ||
		strings.HasPrefix(lower, "response-") || strings.HasPrefix(lower, "x-amz-")
}

// respond finishes a request that has no response body.
func (srv *Server) respond(w http.ResponseWriter, status int, err error) error {
	if err == nil {
		w.WriteHeader(status)
	}
	return err
}

// errNoCORS answers a CORS preflight (OPTIONS) as S3 answers one for a
// bucket without a CORS configuration: QStorage has none.
func errNoCORS() *s3err.Error {
	return s3err.Errorf("CORSResponse", "CORS is not enabled for this bucket.")
}
