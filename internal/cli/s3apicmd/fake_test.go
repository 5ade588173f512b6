package s3apicmd_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fakeRoutes answer as S3 does, after checking the request: what the
// emulator cannot be made to do (answer listings in pages of two with
// URL-encoded keys it chose itself).
var fakeRoutes = map[string]route{
	"GET ?versions": listVersionsPage,
}

// versionEntries are a bucket's versions and delete markers, in S3's
// order, served two to a page.
var versionEntries = []string{
	`<Version><Key>a b</Key><VersionId>a3</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-03T00:00:00.000Z</LastModified><ETag>"e3"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Version>`,
	`<Version><Key>a b</Key><VersionId>a2</VersionId><IsLatest>false</IsLatest><LastModified>2026-01-02T00:00:00.000Z</LastModified><ETag>"e2"</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass></Version>`,
	`<DeleteMarker><Key>b</Key><VersionId>b2</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-02T00:00:00.500Z</LastModified></DeleteMarker>`,
	`<Version><Key>b</Key><VersionId>b1</VersionId><IsLatest>false</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e1"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Version>`,
	`<Version><Key>c d</Key><VersionId>c1</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e4"</ETag><Size>4</Size><StorageClass>STANDARD</StorageClass></Version>`,
}

var versionMarkers = []string{"a b|a3", "a b|a2", "b|b2", "b|b1", "c d|c1"}

// listVersionsPage serves versionEntries two at a time from the markers,
// URL-encoding keys when asked as S3 does.
func listVersionsPage(t *testing.T, r *http.Request, body string) (int, string) {
	q := r.URL.Query()
	start := 0
	if km := q.Get("key-marker"); km != "" {
		for i, m := range versionMarkers {
			if m == km+"|"+q.Get("version-id-marker") {
				start = i + 1
			}
		}
	}
	end := min(start+2, len(versionEntries))
	var b strings.Builder
	b.WriteString(xmlHeader + `<ListVersionsResult><Name>ver</Name><Prefix></Prefix><MaxKeys>2</MaxKeys>`)
	encoded := q.Get("encoding-type") == "url"
	if encoded {
		b.WriteString(`<EncodingType>url</EncodingType>`)
	}
	b.WriteString(`<IsTruncated>` + map[bool]string{true: "true", false: "false"}[end < len(versionEntries)] + `</IsTruncated>`)
	if end < len(versionEntries) {
		key, id, _ := strings.Cut(versionMarkers[end-1], "|")
		if encoded {
			key = url.QueryEscape(key)
		}
		b.WriteString(`<NextKeyMarker>` + key + `</NextKeyMarker><NextVersionIdMarker>` + id + `</NextVersionIdMarker>`)
	}
	for _, e := range versionEntries[start:end] {
		if encoded {
			e = strings.NewReplacer("<Key>c d</Key>", "<Key>c+d</Key>", "<Key>a b</Key>", "<Key>a+b</Key>").Replace(e)
		}
		b.WriteString(e)
	}
	b.WriteString(`</ListVersionsResult>`)
	return http.StatusOK, b.String()
}

// TestURLEncodedListings: list-object-versions asks for URL-encoded keys
// and decodes them, NextKeyMarker included, as the AWS CLI does: a fake
// that encodes (and pages two at a time, the first page ending in "a b")
// shows both; an undecoded marker would restart the listing.
func TestURLEncodedListings(t *testing.T) {
	env := newFakeEnv(t, fakeRoutes)
	r := env.MustRun("s3api", "list-object-versions", "--bucket", "ver")
	if !strings.Contains(r.Stdout, `"Key": "c d"`) || strings.Contains(r.Stdout, "a+b") || strings.Contains(r.Stdout, "c+d") || strings.Count(r.Stdout, `"VersionId"`) != 5 {
		t.Errorf("list-object-versions printed %s", r.Stdout)
	}
	// Asked for by the caller, the keys stay encoded.
	if r := env.MustRun("s3api", "list-object-versions", "--bucket", "ver", "--encoding-type", "url", "--no-paginate"); !strings.Contains(r.Stdout, `"Key": "a+b"`) {
		t.Errorf("--encoding-type url printed %s", r.Stdout)
	}
}
