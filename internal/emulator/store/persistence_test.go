package store_test

import (
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
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
// no bodies behind: one blob per record that is not a delete marker.
func assertNoStrayBlobs(t *testing.T, dir string) {
	t.Helper()
	blobs, _ := os.ReadDir(filepath.Join(dir, "blobs"))
	records, _ := filepath.Glob(filepath.Join(dir, "objects", "*.json"))
	markers, _ := filepath.Glob(filepath.Join(dir, "objects", "marker-*.json"))
	if len(blobs) != len(records)-len(markers) {
		t.Fatalf("%d blobs for %d object records (%d delete markers)", len(blobs), len(records), len(markers))
	}
}

func TestPersistenceKeepsVersions(t *testing.T) {
	dir := t.TempDir()
	opts := func(o *emulator.Options) { o.DataDir = dir }
	srv, c := emulatortest.StartS3(t, opts)
	emulatortest.MustCreateBucket(t, c, "bkt")
	if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("bkt"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "one").VersionId)
	emulatortest.MustPut(t, c, "bkt", "k", "two")
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("bkt"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	emulatortest.MustPut(t, c, "bkt", "n", "null 1")
	emulatortest.MustPut(t, c, "bkt", "n", "null 2") // replaces the null version
	before := versionList(t, c)
	srv.Close()

	_, c2 := emulatortest.StartS3(t, opts)
	if after := versionList(t, c2); after != before {
		t.Fatalf("versions after restart:\n%s\nbefore:\n%s", after, before)
	}
	if got, err := c2.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("bkt")}); err != nil || got.Status != types.BucketVersioningStatusSuspended {
		t.Fatalf("versioning after restart %+v %v", got, err)
	}
	out, err := c2.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil || emulatortest.ReadAll(t, out.Body) != "one" {
		t.Fatalf("version 1 after restart: %v", err)
	}
	if got := emulatortest.MustGet(t, c2, "bkt", "n"); got != "null 2" {
		t.Fatalf("null version after restart %q", got)
	}
	assertNoStrayBlobs(t, dir)
}

func versionList(t *testing.T, c *s3.Client) string {
	t.Helper()
	out, err := c.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, v := range out.Versions {
		fmt.Fprintf(&b, "%s %s latest=%v %s\n", aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), aws.ToString(v.ETag))
	}
	for _, m := range out.DeleteMarkers {
		fmt.Fprintf(&b, "%s %s latest=%v marker\n", aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest))
	}
	return b.String()
}

// TestPersistenceLoadsDataFromBeforeVersioning: a data directory written
// before versions existed (records without VersionID) loads, its objects
// being null versions.
func TestPersistenceLoadsDataFromBeforeVersioning(t *testing.T) {
	dir := t.TempDir()
	blob := "0123456789abcdef0123456789abcdef"
	files := map[string]string{
		"buckets/old.json": `{"Name":"old","Created":"2026-01-02T03:04:05Z","HasTags":false}`,
		"objects/" + blob + ".json": `{"Bucket":"old","Key":"k","Blob":"` + blob + `","Size":5,` +
			`"ETag":"\"5d41402abc4b2a76b9719d911017c592\"","Meta":{"Content-Type":"text/plain"},"Modified":"2026-01-02T03:04:05Z","Seq":7}`,
		"blobs/" + blob: "hello",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.DataDir = dir })
	if got := emulatortest.MustGet(t, c, "old", "k"); got != "hello" {
		t.Fatalf("old object %q", got)
	}
	out, err := c.ListObjectVersions(t.Context(), &s3.ListObjectVersionsInput{Bucket: aws.String("old")})
	if err != nil || len(out.Versions) != 1 || aws.ToString(out.Versions[0].VersionId) != "null" {
		t.Fatalf("an old object is the null version: %+v %v", out, err)
	}
	emulatortest.MustPut(t, c, "old", "k", "replaced")
	assertNoStrayBlobs(t, dir)
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
