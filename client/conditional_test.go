package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// If-None-Match: * makes PutObject a create that cannot overwrite.
func TestPutObjectConditionalCreate(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "cond")
	put := func(data string) error {
		_, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "cond", Key: "once", Body: strings.NewReader(data), IfNoneMatch: client.IfNoneMatchAny})
		return err
	}
	if err := put("first"); err != nil {
		t.Fatal(err)
	}
	err := put("second")
	var se *client.Error
	if !errors.Is(err, client.ErrPreconditionFailed) || !errors.As(err, &se) || se.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("second create: %v, want PreconditionFailed", err)
	}
	if got, _ := c.Download(ctx, "cond", "once"); string(got) != "first" {
		t.Errorf("the object was overwritten: %q", got)
	}
	info, _ := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "cond", Key: "once"})
	if _, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "cond", Key: "once", Body: strings.NewReader("third"), IfMatch: `"0000"`}); !errors.Is(err, client.ErrPreconditionFailed) {
		t.Errorf("If-Match with a stale ETag: %v", err)
	}
	if _, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "cond", Key: "once", Body: strings.NewReader("fourth"), IfMatch: info.ETag}); err != nil {
		t.Errorf("If-Match with the current ETag: %v", err)
	}
	var ve *client.ValidationError
	for name, in := range map[string]client.PutObjectInput{
		"If-None-Match an ETag": {IfNoneMatch: `"abc"`},
		"both conditions":       {IfNoneMatch: "*", IfMatch: `"abc"`},
	} {
		in.Bucket, in.Key, in.Body = "cond", "once", strings.NewReader("x")
		if _, err := c.PutObject(ctx, in); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
}

// The same condition at CompleteMultipartUpload, where a multipart
// --no-overwrite decides.
func TestCompleteMultipartUploadConditionalCreate(t *testing.T) {
	c, f := newFakeS3(t, func(r recorded) answer {
		if r.Header.Get("If-None-Match") == "*" {
			return s3Error(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
		}
		return xmlAnswer(`<CompleteMultipartUploadResult><ETag>"x-1"</ETag></CompleteMultipartUploadResult>`)
	})
	in := client.CompleteMultipartUploadInput{Bucket: "cond", Key: "big", UploadID: "up-1", Parts: []client.CompletedPart{{PartNumber: 1, ETag: `"p"`}},
		IfNoneMatch: client.IfNoneMatchAny}
	_, err := c.CompleteMultipartUpload(context.Background(), in)
	var se *client.Error
	if !errors.Is(err, client.ErrPreconditionFailed) || !errors.As(err, &se) || se.Op != "CompleteMultipartUpload" || se.Key != "big" {
		t.Errorf("got %v, want PreconditionFailed", err)
	}
	if r := f.last(); r.Method != http.MethodPost || r.Query.Get("uploadId") != "up-1" {
		t.Errorf("sent %s ?%s", r.Method, r.Query.Encode())
	}
	in.IfNoneMatch, in.IfMatch = "", `"cur"`
	out, err := c.CompleteMultipartUpload(context.Background(), in)
	if err != nil || out.ETag != `"x-1"` || f.last().Header.Get("If-Match") != `"cur"` {
		t.Errorf("If-Match completion: %+v, %v", out, err)
	}
	in.IfNoneMatch = "*"
	var ve *client.ValidationError
	if _, err := c.CompleteMultipartUpload(context.Background(), in); !errors.As(err, &ve) || f.count() != 0 {
		t.Errorf("both conditions: %v", err)
	}
}

// UploadPart takes its length from the body too (issue 11 D20).
func TestUploadPartZeroContentLength(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "parts")
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "parts", Key: "k"})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("p"), 3000)
	out, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "parts", Key: "k", UploadID: id, PartNumber: 1, Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: "parts", Key: "k", UploadID: id,
		Parts: []client.CompletedPart{{PartNumber: 1, ETag: out.ETag}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Download(ctx, "parts", "k"); err != nil || !bytes.Equal(got, data) {
		t.Errorf("read back %d bytes, %v; want %d", len(got), err, len(data))
	}
}
