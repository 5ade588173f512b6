package s3_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func setVersioning(t *testing.T, c *s3.Client, bucket string, status types.BucketVersioningStatus) {
	t.Helper()
	if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}}); err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
}

func getVersion(t *testing.T, c *s3.Client, bucket, key, version string) (string, error) {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := c.GetObject(t.Context(), in)
	if err != nil {
		return "", err
	}
	return emulatortest.ReadAll(t, out.Body), nil
}

func mustGetVersion(t *testing.T, c *s3.Client, bucket, key, version string) string {
	t.Helper()
	body, err := getVersion(t, c, bucket, key, version)
	if err != nil {
		t.Fatalf("GetObject %s?versionId=%s: %v", key, version, err)
	}
	return body
}

// errHeader is a header of the HTTP answer that err reports.
func errHeader(t *testing.T, err error, name string) string {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%v carries no HTTP response", err)
	}
	return re.Response.Header.Get(name)
}

// listVersions pages through ListObjectVersions (maxKeys per page) and
// returns "key@version" items, delete markers as "key@version(dm)" and the
// latest of each key starred, plus the common prefixes.
func listVersions(t *testing.T, c *s3.Client, in *s3.ListObjectVersionsInput) (items, prefixes []string) {
	t.Helper()
	in.KeyMarker, in.VersionIdMarker = nil, nil
	for {
		out, err := c.ListObjectVersions(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.Versions) + len(out.DeleteMarkers) + len(out.CommonPrefixes); in.MaxKeys != nil && n > int(*in.MaxKeys) {
			t.Fatalf("page of %d items exceeds max-keys %d", n, *in.MaxKeys)
		}
		var page []string
		for _, v := range out.Versions {
			page = append(page, versionItem(aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), false))
		}
		for _, m := range out.DeleteMarkers {
			page = append(page, versionItem(aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest), true))
		}
		items = append(items, page...)
		for _, p := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(p.Prefix))
		}
		if !aws.ToBool(out.IsTruncated) {
			return items, prefixes
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
}

func versionItem(key, version string, latest, marker bool) string {
	s := key + "@" + version
	if marker {
		s += "(dm)"
	}
	if latest {
		s += "*"
	}
	return s
}

func TestVersioningEnabled(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	if out, err := c.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("bkt")}); err != nil || out.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning %+v %v", out, err)
	}
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "one").VersionId)
	v2 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "two").VersionId)
	if v1 == "" || v2 == "" || v1 == v2 || v1 == "null" {
		t.Fatalf("version ids %q %q", v1, v2)
	}
	if got := mustGetVersion(t, c, "bkt", "k", ""); got != "two" {
		t.Fatalf("current %q", got)
	}
	if got := mustGetVersion(t, c, "bkt", "k", v1); got != "one" {
		t.Fatalf("version 1 %q", got)
	}
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil || aws.ToString(head.VersionId) != v1 || aws.ToInt64(head.ContentLength) != 3 {
		t.Fatalf("HEAD version 1: %+v %v", head, err)
	}

	del, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	marker := aws.ToString(del.VersionId)
	if err != nil || !aws.ToBool(del.DeleteMarker) || marker == "" || marker == v2 {
		t.Fatalf("simple DELETE of a versioned key: %+v %v", del, err)
	}
	_, err = getVersion(t, c, "bkt", "k", "")
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
	if errHeader(t, err, "X-Amz-Delete-Marker") != "true" || errHeader(t, err, "X-Amz-Version-Id") != marker {
		t.Fatalf("GET behind a delete marker: %v", err)
	}
	_, err = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	emulatortest.WantAPIError(t, err, 404, "")
	if errHeader(t, err, "X-Amz-Delete-Marker") != "true" {
		t.Fatalf("HEAD behind a delete marker: %v", err)
	}
	_, err = getVersion(t, c, "bkt", "k", marker)
	emulatortest.WantAPIError(t, err, 405, "MethodNotAllowed")
	if errHeader(t, err, "Last-Modified") == "" || errHeader(t, err, "X-Amz-Delete-Marker") != "true" {
		t.Fatalf("GET of a delete marker by version: %v", err)
	}
	list, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil || len(list.Contents) != 0 {
		t.Fatalf("a deleted key is listed: %+v %v", list, err)
	}
	items, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	want := []string{"k@" + v2, "k@" + v1, "k@" + marker + "(dm)*"} // versions, then markers: the SDK splits them
	if !slices.Equal(items, want) {
		t.Fatalf("versions %v, want %v", items, want)
	}

	_, err = c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("bkt")})
	emulatortest.WantAPIError(t, err, 409, "BucketNotEmpty")

	del, err = c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), VersionId: aws.String(marker)})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != marker {
		t.Fatalf("DELETE of the marker: %+v %v", del, err)
	}
	if got := mustGetVersion(t, c, "bkt", "k", ""); got != "two" {
		t.Fatalf("removing the marker brings back the latest version, got %q", got)
	}
	del, err = c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), VersionId: aws.String(v2)})
	if err != nil || aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != v2 {
		t.Fatalf("DELETE of version 2: %+v %v", del, err)
	}
	if got := mustGetVersion(t, c, "bkt", "k", ""); got != "one" {
		t.Fatalf("after removing version 2 for good: %q", got)
	}
	_, err = getVersion(t, c, "bkt", "k", v2)
	emulatortest.WantAPIError(t, err, 404, "NoSuchVersion")
	_, err = getVersion(t, c, "bkt", "k", "not-a-version")
	emulatortest.WantAPIError(t, err, 400, "InvalidArgument")
}

func TestVersioningSuspended(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "one").VersionId)
	setVersioning(t, c, "bkt", types.BucketVersioningStatusSuspended)
	if v := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "two").VersionId); v != "null" {
		t.Fatalf("a PUT with versioning suspended made version %q, want null", v)
	}
	emulatortest.MustPut(t, c, "bkt", "k", "three") // replaces the null version
	items, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if want := []string{"k@null*", "k@" + v1}; !slices.Equal(items, want) {
		t.Fatalf("versions %v, want %v", items, want)
	}
	if got := mustGetVersion(t, c, "bkt", "k", "null"); got != "three" {
		t.Fatalf("null version %q", got)
	}
	del, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != "null" {
		t.Fatalf("simple DELETE, versioning suspended: %+v %v", del, err)
	}
	items, _ = listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if want := []string{"k@" + v1, "k@null(dm)*"}; !slices.Equal(items, want) {
		t.Fatalf("the null delete marker must replace the null version: %v, want %v", items, want)
	}
	if out, err := c.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("bkt")}); err != nil || out.Status != types.BucketVersioningStatusSuspended {
		t.Fatalf("GetBucketVersioning %+v %v", out, err)
	}
}

func TestUnversionedBucketHasNullVersions(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	if out, err := c.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("bkt")}); err != nil || out.Status != "" {
		t.Fatalf("a new bucket's versioning %+v %v", out, err)
	}
	if put := emulatortest.MustPut(t, c, "bkt", "k", "v"); put.VersionId != nil {
		t.Fatalf("an unversioned bucket answered version %q", aws.ToString(put.VersionId))
	}
	if got := mustGetVersion(t, c, "bkt", "k", "null"); got != "v" {
		t.Fatalf("?versionId=null: %q", got)
	}
	items, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if want := []string{"k@null*"}; !slices.Equal(items, want) {
		t.Fatalf("versions %v", items)
	}
	del, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	if err != nil || del.DeleteMarker != nil || del.VersionId != nil {
		t.Fatalf("DELETE on an unversioned bucket: %+v %v", del, err)
	}
	if items, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")}); len(items) != 0 {
		t.Fatalf("left %v", items)
	}
	put := func(body string) error {
		r := srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt?versioning", []byte(body), "", nil))
		if r.Status != 200 {
			return fmt.Errorf("%d %s", r.Status, r.Body)
		}
		return nil
	}
	if err := put(`<VersioningConfiguration><Status>On</Status></VersioningConfiguration>`); err == nil || !strings.Contains(err.Error(), "MalformedXML") {
		t.Fatalf("an unknown status: %v", err)
	}
	if err := put(`<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`); err == nil || !strings.Contains(err.Error(), "NotImplemented") {
		t.Fatalf("MFA delete: %v", err)
	}
}

func TestListObjectVersionsPaging(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	for _, k := range []string{"a", "b/1", "b/2", "c", "d/x"} {
		for i := range 3 {
			emulatortest.MustPut(t, c, "bkt", k, fmt.Sprint(i))
		}
	}
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	all, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if len(all) != 16 {
		t.Fatalf("%d versions, want 16: %v", len(all), all)
	}
	for _, max := range []int32{1, 2, 3, 7} {
		paged, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(max)})
		slices.Sort(paged)
		sorted := slices.Sorted(slices.Values(all))
		if !slices.Equal(paged, sorted) {
			t.Fatalf("max-keys %d: %v, want %v", max, paged, sorted)
		}
	}
	items, prefixes := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	if want := []string{"b/", "d/"}; !slices.Equal(prefixes, want) || len(items) != 7 {
		t.Fatalf("delimited: %v %v", items, prefixes)
	}
	items, _ = listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), Prefix: aws.String("b/"), MaxKeys: aws.Int32(4)})
	if len(items) != 6 || !strings.HasPrefix(items[0], "b/1@") || !strings.HasSuffix(items[0], "*") {
		t.Fatalf("prefix b/: %v", items)
	}

	_, err := c.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), VersionIdMarker: aws.String("null")})
	emulatortest.WantAPIError(t, err, 400, "InvalidArgument")

	// Deleting what a page listed (as rb --force does) does not lose the
	// place: the next page starts after the deleted marker version.
	first, err := c.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(1)})
	if err != nil || len(first.Versions) != 1 {
		t.Fatalf("first page %+v %v", first, err)
	}
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: first.Versions[0].Key, VersionId: first.Versions[0].VersionId}); err != nil {
		t.Fatal(err)
	}
	next, err := c.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(1),
		KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker})
	if err != nil || len(next.Versions) != 1 || aws.ToString(next.Versions[0].Key) != "a" ||
		aws.ToString(next.Versions[0].VersionId) == aws.ToString(first.Versions[0].VersionId) {
		t.Fatalf("after deleting the marker version the listing goes on with a's older versions: %+v %v", next, err)
	}
}

func TestCopyFromVersion(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	old := string(emulatortest.RandomBytes(2048, 1))
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "src", old).VersionId)
	emulatortest.MustPut(t, c, "bkt", "src", "newer")
	out, err := c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst"),
		CopySource: aws.String("bkt/src?versionId=" + v1)})
	if err != nil || aws.ToString(out.CopySourceVersionId) != v1 || aws.ToString(out.VersionId) == "" {
		t.Fatalf("CopyObject from a version: %+v %v", out, err)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "dst"); got != old {
		t.Fatal("the copy is not of the version asked for")
	}
	id := emulatortest.CreateUpload(t, c, "bkt", "mp")
	part, err := c.UploadPartCopy(t.Context(), &s3.UploadPartCopyInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
		UploadId: aws.String(id), PartNumber: aws.Int32(1), CopySource: aws.String("bkt/src?versionId=" + v1)})
	if err != nil || aws.ToString(part.CopySourceVersionId) != v1 {
		t.Fatalf("UploadPartCopy from a version: %+v %v", part, err)
	}
	done, err := c.CompleteMultipartUpload(t.Context(), &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
		UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.CopyPartResult.ETag}}}})
	if err != nil || aws.ToString(done.VersionId) == "" {
		t.Fatalf("CompleteMultipartUpload in a versioned bucket: %+v %v", done, err)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "mp"); got != old {
		t.Fatal("the part copy is not of the version asked for")
	}
	del, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst"), CopySource: aws.String("bkt/src")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
	_, err = c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dst"),
		CopySource: aws.String("bkt/src?versionId=" + aws.ToString(del.VersionId))})
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
}

func TestDeleteObjectsVersions(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "a", "1").VersionId)
	emulatortest.MustPut(t, c, "bkt", "b", "1")
	out, err := c.DeleteObjects(t.Context(), &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("a"), VersionId: aws.String(v1)}, {Key: aws.String("b")}, {Key: aws.String("c"), VersionId: aws.String("bad")},
	}}})
	if err != nil || len(out.Deleted) != 2 || len(out.Errors) != 1 {
		t.Fatalf("DeleteObjects %+v %v", out, err)
	}
	byKey := map[string]types.DeletedObject{}
	for _, d := range out.Deleted {
		byKey[aws.ToString(d.Key)] = d
	}
	if a := byKey["a"]; aws.ToString(a.VersionId) != v1 || aws.ToBool(a.DeleteMarker) {
		t.Fatalf("deleting version %s of a: %+v", v1, a)
	}
	if b := byKey["b"]; !aws.ToBool(b.DeleteMarker) || aws.ToString(b.DeleteMarkerVersionId) == "" {
		t.Fatalf("a simple delete of b must report its marker: %+v", b)
	}
	if e := out.Errors[0]; aws.ToString(e.Code) != "InvalidArgument" || aws.ToString(e.VersionId) != "bad" {
		t.Fatalf("error entry %+v", e)
	}
	items, _ := listVersions(t, c, &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if len(items) != 2 || !strings.HasPrefix(items[0], "b@") || items[1] != "b@"+aws.ToString(byKey["b"].DeleteMarkerVersionId)+"(dm)*" {
		t.Fatalf("left %v, want b's version and its delete marker", items)
	}
}
