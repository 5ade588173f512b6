package s3_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func tags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func manyTags(n int) []types.Tag {
	var kv []string
	for i := range n {
		kv = append(kv, fmt.Sprintf("k%02d", i), "v")
	}
	return tags(kv...)
}

// tagKeys lists an object's tag keys in the order GetObjectTagging gives.
func tagKeys(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObjectTagging(t.Context(), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, tg := range out.TagSet {
		keys = append(keys, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	return strings.Join(keys, ",")
}

func TestTagLimits(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "obj", "x")
	put := func(ts []types.Tag) error {
		_, err := c.PutObjectTagging(t.Context(), &s3.PutObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("obj"), Tagging: &types.Tagging{TagSet: ts}})
		return err
	}
	if err := put(manyTags(10)); err != nil {
		t.Fatalf("10 tags: %v", err)
	}
	emulatortest.WantAPIError(t, put(manyTags(11)), 400, "BadRequest")
	if err := put(tags(strings.Repeat("é", 128), strings.Repeat("ü", 256))); err != nil {
		t.Fatalf("128/256 characters (not bytes): %v", err)
	}
	for name, ts := range map[string][]types.Tag{
		"key of 129":     tags(strings.Repeat("k", 129), "v"),
		"value of 257":   tags("k", strings.Repeat("v", 257)),
		"duplicate keys": tags("k", "1", "k", "2"),
		"aws: prefix":    tags("aws:cloudformation:stack", "v"),
		"empty key":      tags("", "v"),
		"bad character":  tags("semi;colon", "v"),
	} {
		if err := put(ts); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			emulatortest.WantAPIError(t, err, 400, "InvalidTag")
		}
	}
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("hdr"), Body: strings.NewReader("x"),
		Tagging: aws.String("k=v&k=w")})
	emulatortest.WantAPIError(t, err, 400, "InvalidTag") // a duplicate key in the header
	var hdr []string
	for i := range 11 {
		hdr = append(hdr, fmt.Sprintf("k%d=v", i))
	}
	_, err = c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("hdr"), Body: strings.NewReader("x"),
		Tagging: aws.String(strings.Join(hdr, "&"))})
	emulatortest.WantAPIError(t, err, 400, "BadRequest")

	putBucket := func(ts []types.Tag) error {
		_, err := c.PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{Bucket: aws.String("bkt"), Tagging: &types.Tagging{TagSet: ts}})
		return err
	}
	if err := putBucket(manyTags(50)); err != nil {
		t.Fatalf("50 bucket tags: %v", err)
	}
	emulatortest.WantAPIError(t, putBucket(manyTags(51)), 400, "InvalidTag")
}

// TestTagsInStableOrder: tags come back sorted by key, however sent.
func TestTagsInStableOrder(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "hdr", "x", func(in *s3.PutObjectInput) { in.Tagging = aws.String("zeta=1&alpha=2&mid%20dle=3") })
	if got := tagKeys(t, c, "bkt", "hdr"); got != "alpha=2,mid dle=3,zeta=1" {
		t.Fatalf("tags from x-amz-tagging: %s", got)
	}
	if _, err := c.PutObjectTagging(t.Context(), &s3.PutObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String("hdr"),
		Tagging: &types.Tagging{TagSet: tags("b", "1", "c", "2", "a", "3")}}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := tagKeys(t, c, "bkt", "hdr"); got != "a=3,b=1,c=2" {
			t.Fatalf("tags from PutObjectTagging: %s", got)
		}
	}
	if _, err := c.PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{Bucket: aws.String("bkt"),
		Tagging: &types.Tagging{TagSet: tags("y", "1", "x", "2")}}); err != nil {
		t.Fatal(err)
	}
	bt, err := c.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("bkt")})
	if err != nil || len(bt.TagSet) != 2 || aws.ToString(bt.TagSet[0].Key) != "x" {
		t.Fatalf("bucket tags %+v %v", bt, err)
	}
}

// TestTaggingCountAndDirectives: x-amz-tagging-count on GET and HEAD, and
// tags carried by CopyObject (COPY, REPLACE) and multipart uploads.
func TestTaggingCountAndDirectives(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "src", "x", func(in *s3.PutObjectInput) { in.Tagging = aws.String("a=1&b=2&c=3") })
	get, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src")})
	if err != nil || aws.ToInt32(get.TagCount) != 3 {
		t.Fatalf("GET tag count %v %v", get.TagCount, err)
	}
	get.Body.Close()
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("src")})
	if err != nil || aws.ToInt32(head.TagCount) != 3 {
		t.Fatalf("HEAD tag count %v %v", head.TagCount, err)
	}

	copyTo := func(key string, fn func(*s3.CopyObjectInput)) {
		in := &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), CopySource: aws.String("bkt/src")}
		fn(in)
		if _, err := c.CopyObject(t.Context(), in); err != nil {
			t.Fatalf("copy to %s: %v", key, err)
		}
	}
	copyTo("copied", func(in *s3.CopyObjectInput) { in.Tagging = aws.String("ignored=1") })
	if got := tagKeys(t, c, "bkt", "copied"); got != "a=1,b=2,c=3" {
		t.Fatalf("COPY directive: %s", got)
	}
	copyTo("replaced", func(in *s3.CopyObjectInput) {
		in.TaggingDirective, in.Tagging = types.TaggingDirectiveReplace, aws.String("new="+url.QueryEscape("a b"))
	})
	if got := tagKeys(t, c, "bkt", "replaced"); got != "new=a b" {
		t.Fatalf("REPLACE directive: %s", got)
	}
	copyTo("untagged", func(in *s3.CopyObjectInput) { in.TaggingDirective = types.TaggingDirectiveReplace })
	head, err = c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("untagged")})
	if err != nil || head.TagCount != nil {
		t.Fatalf("REPLACE without tags: count %v %v", head.TagCount, err)
	}

	up, err := c.CreateMultipartUpload(t.Context(), &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), Tagging: aws.String("m=1")})
	if err != nil {
		t.Fatal(err)
	}
	parts := emulatortest.PutParts(t, c, "bkt", "mp", aws.ToString(up.UploadId), [][]byte{[]byte("part")})
	if err := emulatortest.Complete(t, c, "bkt", "mp", aws.ToString(up.UploadId), parts); err != nil {
		t.Fatal(err)
	}
	if got := tagKeys(t, c, "bkt", "mp"); got != "m=1" {
		t.Fatalf("multipart tags: %s", got)
	}
}
