package client_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestPutGetHeadWithAttributes(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "docs")
	body := []byte("Hello World")
	sum := md5.Sum(body)
	put, err := c.PutObject(ctx, client.PutObjectInput{
		Bucket: "docs", Key: "hello.txt", Body: bytes.NewReader(body), ContentLength: int64(len(body)),
		ContentMD5: base64.StdEncoding.EncodeToString(sum[:]),
		ObjectAttributes: client.ObjectAttributes{
			ContentType: "text/plain", CacheControl: "max-age=60",
			Metadata: map[string]string{"owner": "ada"}, Tags: []client.Tag{{Key: "k", Value: "v w"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%q", fmt.Sprintf("%x", sum)); put.ETag != want {
		t.Errorf("ETag %s, want %s", put.ETag, want)
	}
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "docs", Key: "hello.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 11 || info.ContentType != "text/plain" || info.Metadata["owner"] != "ada" || info.ETag != put.ETag || info.LastModified.IsZero() {
		t.Errorf("HeadObject = %+v", info)
	}
	got, err := c.GetObject(ctx, client.GetObjectInput{Bucket: "docs", Key: "hello.txt", Range: "bytes=0-4"})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	if data, _ := io.ReadAll(got.Body); string(data) != "Hello" || got.ContentRange != "bytes 0-4/11" {
		t.Errorf("range read %q (%s)", data, got.ContentRange)
	}
}

func TestPutObjectWrongMD5IsRejected(t *testing.T) {
	c, _ := newTestClient(t)
	mustCreate(t, c, "docs")
	sum := md5.Sum([]byte("other bytes"))
	_, err := c.PutObject(context.Background(), client.PutObjectInput{
		Bucket: "docs", Key: "x", Body: strings.NewReader("these bytes"), ContentLength: 11,
		ContentMD5: base64.StdEncoding.EncodeToString(sum[:]),
	})
	if !errors.Is(err, client.ErrInvalidDigest) && !errors.Is(err, client.ErrorCode("BadDigest")) {
		t.Fatalf("got %v, want InvalidDigest or BadDigest", err)
	}
}

func TestConditionalGet(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "docs")
	info, err := c.Upload(ctx, "docs", "page.html", []byte("<p>hi</p>"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, client.GetObjectInput{Bucket: "docs", Key: "page.html", Conditions: client.Conditions{IfNoneMatch: info.ETag}})
	if err != nil {
		t.Fatalf("304 must be a result, not an error: %v", err)
	}
	if !out.NotModified {
		t.Error("NotModified = false for a matching If-None-Match")
	}
	_, err = c.GetObject(ctx, client.GetObjectInput{Bucket: "docs", Key: "page.html", Conditions: client.Conditions{IfMatch: `"0123"`}})
	if !errors.Is(err, client.ErrPreconditionFailed) {
		t.Errorf("If-Match mismatch: %v, want PreconditionFailed", err)
	}
	_, err = c.HeadObject(ctx, client.HeadObjectInput{Bucket: "docs", Key: "missing"})
	if !errors.Is(err, client.ErrNoSuchKey) || !client.IsNotFound(err) {
		t.Errorf("HeadObject of a missing key: %v, want NoSuchKey", err)
	}
}

func TestKeysWithAwkwardCharactersRoundTrip(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "keys")
	keys := []string{"with space.txt", "plus+sign", "percent%20literal", "question?mark", "hash#tag", "ünïcødé/日本語", "a//double", "trailing/"}
	for _, k := range keys {
		if _, err := c.Upload(ctx, "keys", k, []byte(k)); err != nil {
			t.Fatalf("Upload(%q): %v", k, err)
		}
		data, err := c.Download(ctx, "keys", k)
		if err != nil || string(data) != k {
			t.Fatalf("Download(%q) = %q, %v", k, data, err)
		}
	}
	var listed []string
	for o, err := range c.List(ctx, "keys", "") {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, o.Key)
	}
	slices.Sort(keys)
	if !slices.Equal(listed, keys) {
		t.Errorf("listed %q, want %q", listed, keys)
	}
}

func TestMetadataLimitCheckedBeforeSending(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	_, err := c.PutObject(context.Background(), client.PutObjectInput{
		Bucket: "docs", Key: "big-meta", Body: strings.NewReader("x"), ContentLength: 1,
		ObjectAttributes: client.ObjectAttributes{Metadata: map[string]string{"blob": strings.Repeat("x", 2048)}},
	})
	var ve *client.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "2048-byte limit") {
		t.Fatalf("got %v, want a metadata ValidationError", err)
	}
	if log.count(nil) != 0 {
		t.Error("the request was sent")
	}
}

func TestDeleteObjectsBatchesOf1000WithContentMD5(t *testing.T) {
	c, srv := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "many")
	var ids []client.ObjectID
	for i := range 2500 {
		ids = append(ids, client.ObjectID{Key: fmt.Sprintf("k/%04d", i)})
	}
	// Deleting keys that do not exist succeeds in S3, so the batches need no uploads.
	log := observe(srv)
	res, err := c.DeleteObjects(ctx, "many", ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deleted) != 2500 || len(res.Failed) != 0 {
		t.Errorf("deleted %d, failed %d", len(res.Deleted), len(res.Failed))
	}
	batches := log.all()
	if len(batches) != 3 {
		t.Fatalf("%d requests, want 3", len(batches))
	}
	for _, r := range batches {
		if _, ok := r.URL.Query()["delete"]; !ok || r.Header.Get("Content-MD5") == "" {
			t.Errorf("%s %s without Content-MD5", r.Method, r.URL)
		}
	}
}

func TestDeleteObjectAndCopy(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "src")
	_, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "src", Key: "a b+c", Body: strings.NewReader("data"), ContentLength: 4,
		ObjectAttributes: client.ObjectAttributes{ContentType: "text/plain", Metadata: map[string]string{"from": "src"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, client.CopyObjectInput{SourceBucket: "src", SourceKey: "a b+c", Bucket: "src", Key: "copy"}); err != nil {
		t.Fatal(err)
	}
	info, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "src", Key: "copy"})
	if err != nil || info.Metadata["from"] != "src" {
		t.Fatalf("COPY kept metadata? %+v %v", info.Metadata, err)
	}
	_, err = c.CopyObject(ctx, client.CopyObjectInput{SourceBucket: "src", SourceKey: "a b+c", Bucket: "src", Key: "replaced",
		MetadataDirective: client.MetadataReplace, ObjectAttributes: client.ObjectAttributes{ContentType: "application/json", Metadata: map[string]string{"new": "yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	info, err = c.HeadObject(ctx, client.HeadObjectInput{Bucket: "src", Key: "replaced"})
	if err != nil || info.Metadata["new"] != "yes" || info.Metadata["from"] != "" || info.ContentType != "application/json" {
		t.Fatalf("REPLACE: %+v %v", info, err)
	}
	if _, err := c.CopyObject(ctx, client.CopyObjectInput{SourceBucket: "src", SourceKey: "a", Bucket: "src", Key: "b", MetadataDirective: "MERGE"}); err == nil {
		t.Error("MERGE directive accepted")
	}
	if err := c.DeleteObject(ctx, "src", "copy", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "src", Key: "copy"}); !errors.Is(err, client.ErrNoSuchKey) {
		t.Errorf("after delete: %v", err)
	}
}

func TestListObjectsPagesWithDelimiter(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "tree")
	for _, k := range []string{"a/1", "a/2", "b/1", "c", "d", "e/f/g"} {
		if _, err := c.Upload(ctx, "tree", k, nil); err != nil {
			t.Fatal(err)
		}
	}
	var keys, prefixes []string
	pages := 0
	for page, err := range c.ListObjects(ctx, client.ListObjectsInput{Bucket: "tree", Delimiter: "/", MaxKeys: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
		prefixes = append(prefixes, page.CommonPrefixes...)
	}
	if !slices.Equal(keys, []string{"c", "d"}) || !slices.Equal(prefixes, []string{"a/", "b/", "e/"}) || pages != 3 {
		t.Errorf("keys %v prefixes %v in %d pages", keys, prefixes, pages)
	}
	_, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "nope", Key: "k"})
	if !client.IsNotFound(err) {
		t.Errorf("HeadObject in a missing bucket: %v", err)
	}
	for _, err := range c.ListObjects(ctx, client.ListObjectsInput{Bucket: "nope"}) {
		if !errors.Is(err, client.ErrNoSuchBucket) {
			t.Errorf("listing a missing bucket: %v", err)
		}
	}
}

func TestUploadGuessesContentType(t *testing.T) {
	c, srv := newTestClient(t)
	mustCreate(t, c, "web")
	log := observe(srv)
	if _, err := c.Upload(context.Background(), "web", "index.html", []byte("<html>")); err != nil {
		t.Fatal(err)
	}
	reqs := log.all()
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0].Header.Get("Content-Type"), "text/html") {
		t.Fatalf("requests %d, content type %q", len(reqs), reqs[0].Header.Get("Content-Type"))
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "qcli/"+client.Version+" ") {
		t.Errorf("User-Agent %q does not start with qcli/%s", ua, client.Version)
	}
	if reqs[0].Header.Get("X-Amz-Checksum-Crc32") != "" || reqs[0].Header.Get("Content-Encoding") == "aws-chunked" {
		t.Error("when_required sent a checksum it was not asked for")
	}
	for name, want := range map[string]string{"x.unknownext": "", "noext": "", "a.html": "text/html", "a.CSS": "text/css", "a.json": "application/json"} {
		if ct := client.ContentTypeFor(name); ct != want {
			t.Errorf("ContentTypeFor(%q) = %q, want %q (no parameters, nothing when unknown)", name, ct, want)
		}
	}
}

// Issue 11 D26: List takes a delimiter and yields common prefixes, marked,
// among the keys in key order.
func TestListWithDelimiter(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "dirs")
	for _, k := range []string{"a.txt", "b/1", "b/2", "c.txt", "d/e/f"} {
		if _, err := c.Upload(ctx, "dirs", k, nil); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for o, err := range c.List(ctx, "dirs", "", client.WithDelimiter("/")) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%v", o.Key, o.IsPrefix))
	}
	if want := []string{"a.txt:false", "b/:true", "c.txt:false", "d/:true"}; !slices.Equal(got, want) {
		t.Errorf("List with a delimiter = %v, want %v", got, want)
	}
	got = nil
	for o, err := range c.List(ctx, "dirs", "b/") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.Key)
	}
	if want := []string{"b/1", "b/2"}; !slices.Equal(got, want) {
		t.Errorf("List without = %v, want %v", got, want)
	}
}
