package s3_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestListBucketsPaging(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	names := []string{"gamma-1", "alpha-1", "alpha-2", "beta-1", "alpha-3", "gamma-2", "alpha-4"}
	for _, n := range names {
		emulatortest.MustCreateBucket(t, c, n)
	}
	var got []string
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{Prefix: aws.String("alpha-"), MaxBuckets: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, b := range page.Buckets {
			got = append(got, aws.ToString(b.Name))
		}
	}
	if want := []string{"alpha-1", "alpha-2", "alpha-3", "alpha-4"}; !slices.Equal(got, want) || pages != 2 {
		t.Fatalf("got %v in %d pages, want %v in 2", got, pages, want)
	}
	all, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil || len(all.Buckets) != len(names) || aws.ToString(all.Buckets[0].Name) != "alpha-1" || all.ContinuationToken != nil {
		t.Fatalf("unpaged list: %+v %v", all, err)
	}
}

// listAll pages through ListObjectsV2 and returns keys and common prefixes
// in the order they arrived.
func listAll(t *testing.T, c *s3.Client, in *s3.ListObjectsV2Input) (keys, prefixes []string) {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(page.Contents) + len(page.CommonPrefixes); in.MaxKeys != nil && n > int(*in.MaxKeys) {
			t.Fatalf("page of %d items exceeds max-keys %d", n, *in.MaxKeys)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
	}
	return keys, prefixes
}

func TestListObjectsV2DelimiterPaging(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	var all []string
	for d := range 5 {
		for f := range 5 {
			all = append(all, fmt.Sprintf("dir%d/file%d", d, f))
		}
	}
	all = append(all, "root-a", "root-b", "dir2-file")
	for _, k := range all {
		emulatortest.MustPut(t, c, "bkt", k, k)
	}
	keys, prefixes := listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	if want := []string{"dir0/", "dir1/", "dir2/", "dir3/", "dir4/"}; !slices.Equal(prefixes, want) {
		t.Fatalf("prefixes %v, want each once: %v", prefixes, want)
	}
	if want := []string{"dir2-file", "root-a", "root-b"}; !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}

	keys, _ = listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(4)})
	slices.Sort(all)
	if !slices.Equal(keys, all) {
		t.Fatalf("flat paging returned %d keys, want %d", len(keys), len(all))
	}

	keys, prefixes = listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String("dir3/"),
		StartAfter: aws.String("dir3/file1"), MaxKeys: aws.Int32(2), Delimiter: aws.String("/")})
	if want := []string{"dir3/file2", "dir3/file3", "dir3/file4"}; !slices.Equal(keys, want) || len(prefixes) != 0 {
		t.Fatalf("start-after: %v %v", keys, prefixes)
	}
}

func TestListObjectsV1MarkerPaging(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	for _, k := range []string{"a/1", "a/2", "b", "c/1", "d"} {
		emulatortest.MustPut(t, c, "bkt", k, k)
	}
	var items []string
	in := &s3.ListObjectsInput{Bucket: aws.String("bkt"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}
	for {
		out, err := c.ListObjects(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range out.CommonPrefixes {
			items = append(items, aws.ToString(cp.Prefix))
		}
		for _, o := range out.Contents {
			items = append(items, aws.ToString(o.Key))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.Marker = out.NextMarker
	}
	if want := []string{"a/", "b", "c/", "d"}; !slices.Equal(items, want) {
		t.Fatalf("v1 paging %v, want %v", items, want)
	}
}

// TestListingsEncodingTypeURL: with encoding-type=url the four listings
// encode keys, prefixes, markers and the delimiter as S3 does: %XX for
// everything but RFC 3986's unreserved characters and "/" (ceph's s3-tests
// pin "quux ab/" as "quux%20ab/" and "asdf+b" as "asdf%2Bb" against S3).
func TestListingsEncodingTypeURL(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	keys := []string{"foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b", "ctl\x01key"}
	for _, k := range keys {
		emulatortest.MustPut(t, c, "bkt", k, "x")
		emulatortest.CreateUpload(t, c, "bkt", k)
	}
	for _, query := range []string{"", "?list-type=2", "?versions", "?uploads"} {
		sep := "&"
		if query == "" {
			sep = "?"
		}
		r := srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt"+query+sep+"delimiter=%2F&encoding-type=url", nil, "", nil))
		body := string(r.Body)
		for _, want := range []string{"<Key>asdf%2Bb</Key>", "<Key>ctl%01key</Key>", "<Prefix>foo%2B1/</Prefix>", "<Prefix>foo/</Prefix>",
			"<Prefix>quux%20ab/</Prefix>", "<Delimiter>/</Delimiter>", "<EncodingType>url</EncodingType>"} {
			if r.Status != 200 || !strings.Contains(body, want) {
				t.Errorf("GET /bkt%s: no %s in %d %s", query, want, r.Status, body)
			}
		}
	}
	for query, want := range map[string]string{
		"?marker=quux%20ab%2F":                   "<Marker>quux%20ab/</Marker>",
		"?list-type=2&start-after=quux%20ab%2F":  "<StartAfter>quux%20ab/</StartAfter>",
		"?versions&key-marker=quux%20ab%2F":      "<KeyMarker>quux%20ab/</KeyMarker>",
		"?uploads&key-marker=quux%20ab%2F":       "<KeyMarker>quux%20ab/</KeyMarker>",
		"?list-type=2&prefix=quux%20ab%2F":       "<Prefix>quux%20ab/</Prefix>",
		"?max-keys=1&delimiter=%2F&marker=b":     "<NextMarker>ctl%01key</NextMarker>",
		"?versions&max-keys=1&key-marker=foo%2F": "<NextKeyMarker>foo/bar/xyzzy</NextKeyMarker>",
	} {
		r := srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt"+query+"&encoding-type=url", nil, "", nil))
		if r.Status != 200 || !strings.Contains(string(r.Body), want) {
			t.Errorf("GET /bkt%s: no %s in %d %s", query, want, r.Status, r.Body)
		}
	}
	srv.Do(t, srv.SignedRequest(t, http.MethodGet, "/bkt?encoding-type=base64", nil, "", nil)).WantError(t, 400, "InvalidArgument")
}

// TestListObjectsV1NextMarker: S3 sends NextMarker only with a delimiter;
// without one a client resumes after the last key it got.
func TestListObjectsV1NextMarker(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	for _, k := range []string{"a", "b", "c"} {
		emulatortest.MustPut(t, c, "bkt", k, k)
	}
	out, err := c.ListObjects(t.Context(), &s3.ListObjectsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(2)})
	if err != nil || !aws.ToBool(out.IsTruncated) || out.NextMarker != nil || len(out.Contents) != 2 {
		t.Fatalf("truncated without a delimiter: %+v %v", out, err)
	}
	out, err = c.ListObjects(t.Context(), &s3.ListObjectsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(2), Marker: out.Contents[1].Key})
	if err != nil || aws.ToBool(out.IsTruncated) || len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "c" {
		t.Fatalf("resuming after the last key: %+v %v", out, err)
	}
	out, err = c.ListObjects(t.Context(), &s3.ListObjectsInput{Bucket: aws.String("bkt"), MaxKeys: aws.Int32(2), Delimiter: aws.String("/")})
	if err != nil || aws.ToString(out.NextMarker) != "b" {
		t.Fatalf("truncated with a delimiter: %+v %v", out, err)
	}
}
