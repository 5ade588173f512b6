package s3_test

import (
	"fmt"
	"slices"
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
