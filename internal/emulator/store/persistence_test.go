package store_test

import (
	"mime"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestPersistenceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	opts := func(o *emulator.Options) { o.DataDir = dir }
	srv, c := emulatortest.StartS3(t, opts)
	emulatortest.MustCreateBucket(t, c, "bkt")
	keys := []string{"a", "a/b", "dir/", "a//b", "ünï code"}
	for _, k := range keys {
		emulatortest.MustPut(t, c, "bkt", k, "body of "+k, func(in *s3.PutObjectInput) {
			in.Metadata, in.Tagging = map[string]string{"k": k}, aws.String("t=v")
		})
	}
	emulatortest.MustPut(t, c, "bkt", "a", "overwritten")
	if _, err := c.PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{Bucket: aws.String("bkt"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}}}}); err != nil {
		t.Fatal(err)
	}
	id := emulatortest.CreateUpload(t, c, "bkt", "big")
	first := emulatortest.PutParts(t, c, "bkt", "big", id, [][]byte{emulatortest.RandomBytes(2048, 1)})
	srv.Close()

	_, c2 := emulatortest.StartS3(t, opts)
	if got := emulatortest.MustGet(t, c2, "bkt", "a"); got != "overwritten" {
		t.Fatalf("a = %q", got)
	}
	for _, k := range keys[1:] {
		if got := emulatortest.MustGet(t, c2, "bkt", k); got != "body of "+k {
			t.Fatalf("%q = %q", k, got)
		}
		head, err := c2.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k)})
		if err != nil {
			t.Fatalf("%q: %v", k, err)
		}
		if meta, _ := new(mime.WordDecoder).DecodeHeader(head.Metadata["k"]); meta != k || aws.ToInt32(head.TagCount) != 1 {
			t.Fatalf("%q metadata %v %v", k, head, err)
		}
	}
	if tags, err := c2.GetBucketTagging(t.Context(), &s3.GetBucketTaggingInput{Bucket: aws.String("bkt")}); err != nil || len(tags.TagSet) != 1 {
		t.Fatalf("bucket tags %v %v", tags, err)
	}
	ups, err := c2.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: aws.String("bkt")})
	if err != nil || len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].UploadId) != id {
		t.Fatalf("uploads after restart %+v %v", ups, err)
	}
	rest := emulatortest.PutParts(t, c2, "bkt", "big", id, [][]byte{emulatortest.RandomBytes(2048, 1), emulatortest.RandomBytes(5, 2)})
	if err := emulatortest.Complete(t, c2, "bkt", "big", id, append(first, rest[1])); err != nil {
		t.Fatalf("completing a resumed upload: %v", err)
	}
	assertNoStrayBlobs(t, dir)
}

// assertNoStrayBlobs checks that replaced objects and completed parts left
// no bodies behind.
func assertNoStrayBlobs(t *testing.T, dir string) {
	t.Helper()
	blobs, _ := os.ReadDir(filepath.Join(dir, "blobs"))
	records, _ := os.ReadDir(filepath.Join(dir, "objects"))
	if len(blobs) != len(records) {
		t.Fatalf("%d blobs for %d object records", len(blobs), len(records))
	}
}

func TestPersistenceCleansInterruptedWrites(t *testing.T) {
	dir := t.TempDir()
	emu, err := emulator.New(emulator.Options{Credentials: map[string]string{"k": "s"}, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_ = emu.Close()
	for _, junk := range []string{"blobs/tmp-123", "blobs/0123456789abcdef0123456789abcdef", "objects/broken.json"} {
		if err := os.WriteFile(filepath.Join(dir, junk), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := emulatortest.Start(t, emulator.Options{DataDir: dir})
	if _, err := s.S3Client().ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	if blobs, _ := os.ReadDir(filepath.Join(dir, "blobs")); len(blobs) != 0 {
		t.Fatalf("leftover blobs %v", blobs)
	}
}
