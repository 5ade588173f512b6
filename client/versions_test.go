package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestBucketVersioning(t *testing.T) {
	c, f := newFakeS3(t, configStore(nil))
	ctx := context.Background()
	if err := c.PutBucketVersioning(ctx, "vers", client.VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	put := f.last()
	if put.Method != http.MethodPut || !put.Query.Has("versioning") || put.Header.Get("Content-Md5") == "" {
		t.Errorf("sent %s ?%s", put.Method, put.Query.Encode())
	}
	xmlEqual(t, put.Body, `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)
	if v, err := c.GetBucketVersioning(ctx, "vers"); err != nil || v.Status != client.VersioningEnabled {
		t.Errorf("GetBucketVersioning = %+v, %v", v, err)
	}
	f.last()
	var ve *client.ValidationError
	if err := c.PutBucketVersioning(ctx, "vers", "Disabled"); !errors.As(err, &ve) {
		t.Errorf("status Disabled: %v, want a ValidationError (a bucket can only be suspended)", err)
	}
	if f.count() != 0 {
		t.Error("an invalid status was sent")
	}
}

// A bucket never versioned answers an empty configuration.
func TestBucketVersioningNeverEnabled(t *testing.T) {
	c, _ := newFakeS3(t, func(recorded) answer { return xmlAnswer(`<VersioningConfiguration/>`) })
	if v, err := c.GetBucketVersioning(context.Background(), "plain"); err != nil || v.Status != "" {
		t.Errorf("got %+v, %v", v, err)
	}
}

// versionPages answers ListObjectVersions from pages keyed by key-marker.
func versionPages(pages map[string]string) func(recorded) answer {
	return func(r recorded) answer {
		body, ok := pages[r.Query.Get("key-marker")+"|"+r.Query.Get("version-id-marker")]
		if !ok || !r.Query.Has("versions") || r.Method != http.MethodGet {
			return s3Error(http.StatusBadRequest, "InvalidArgument", "unexpected request "+r.Query.Encode())
		}
		return xmlAnswer(`<ListVersionsResult>` + body + `</ListVersionsResult>`)
	}
}

func TestListObjectVersionsPagesAndOrder(t *testing.T) {
	c, f := newFakeS3(t, versionPages(map[string]string{
		// The service interleaves versions and markers in key order, newest first.
		"|": `<IsTruncated>true</IsTruncated><NextKeyMarker>b</NextKeyMarker><NextVersionIdMarker>vb1</NextVersionIdMarker>
			<Version><Key>a</Key><VersionId>va2</VersionId><IsLatest>false</IsLatest><LastModified>2026-01-02T00:00:00.000Z</LastModified><ETag>"e2"</ETag><Size>2</Size></Version>
			<DeleteMarker><Key>a</Key><VersionId>dm1</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-03T00:00:00.000Z</LastModified><Owner><ID>o1</ID></Owner></DeleteMarker>
			<Version><Key>a</Key><VersionId>va1</VersionId><IsLatest>false</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e1"</ETag><Size>1</Size></Version>
			<Version><Key>b</Key><VersionId>vb1</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e3"</ETag><Size>3</Size></Version>
			<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>`,
		"b|vb1": `<IsTruncated>false</IsTruncated>
			<Version><Key>c</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>4</Size></Version>`,
	}))
	var got []string
	pages := 0
	var prefixes []string
	for page, err := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "vers", Prefix: "", Delimiter: "/", MaxKeys: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		prefixes = append(prefixes, page.CommonPrefixes...)
		for _, v := range page.Versions {
			got = append(got, fmt.Sprintf("%s@%s latest=%v marker=%v size=%d", v.Key, v.VersionID, v.IsLatest, v.DeleteMarker, v.Size))
		}
	}
	want := []string{
		"a@dm1 latest=true marker=true size=0", "a@va2 latest=false marker=false size=2", "a@va1 latest=false marker=false size=1",
		"b@vb1 latest=true marker=false size=3", "c@null latest=true marker=false size=4",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != 2 || fmt.Sprint(prefixes) != "[dir/]" {
		t.Errorf("got %d pages %v, prefixes %v\nwant %v", pages, got, prefixes, want)
	}
	f.mu.Lock()
	first := f.reqs[0]
	f.mu.Unlock()
	if first.Query.Get("delimiter") != "/" || first.Query.Get("max-keys") != "4" {
		t.Errorf("first request %s", first.Query.Encode())
	}
}

// A server that repeats its markers fails the listing (rb --force deletes
// what it names) instead of looping or ending as if it were complete.
func TestListObjectVersionsRepeatedMarkerIsAnError(t *testing.T) {
	c, f := newFakeS3(t, versionPages(map[string]string{
		"k|v": `<IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker><NextVersionIdMarker>v</NextVersionIdMarker>
			<Version><Key>k</Key><VersionId>v</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified></Version>`,
	}))
	n := 0
	var err error
	for _, perr := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "vers", KeyMarker: "k", VersionIDMarker: "v"}) {
		if err = perr; err != nil {
			break
		}
		n++
	}
	var pe *client.ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `version "v" of key "k" is listed twice`) {
		t.Errorf("err = %v, want a ProtocolError", err)
	}
	if n != 1 || f.count() != 2 {
		t.Errorf("%d pages from %d requests, want 1 from 2", n, f.count())
	}
}

func TestListObjectVersionsErrorIsTyped(t *testing.T) {
	c, _ := newFakeS3(t, func(recorded) answer { return s3Error(http.StatusNotFound, "NoSuchBucket", "no bucket") })
	for _, err := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "gone"}) {
		var se *client.Error
		if !errors.Is(err, client.ErrNoSuchBucket) || !errors.As(err, &se) || se.Op != "ListObjectVersions" {
			t.Errorf("got %v", err)
		}
	}
	for _, err := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "BAD"}) {
		var ve *client.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("bad bucket name: %v", err)
		}
	}
}
