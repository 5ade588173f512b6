package s3_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestConditionalPutObject(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	put := func(key string, f func(*s3.PutObjectInput)) (*s3.PutObjectOutput, error) {
		in := &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), Body: strings.NewReader("x")}
		f(in)
		return c.PutObject(t.Context(), in)
	}
	if _, err := put("new", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }); err != nil {
		t.Fatalf("If-None-Match: * on a new key: %v", err)
	}
	_, err := put("new", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
	emulatortest.WantAPIError(t, err, 412, "PreconditionFailed")
	_, err = put("absent", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"00000000000000000000000000000000"`) })
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
	etag := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "v1").ETag)
	_, err = put("k", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"00000000000000000000000000000000"`) })
	emulatortest.WantAPIError(t, err, 412, "PreconditionFailed")
	if _, err := put("k", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(etag) }); err != nil {
		t.Fatalf("If-Match with the current ETag: %v", err)
	}

	// Behind a delete marker the key does not exist.
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	if _, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	_, err = put("k", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(etag) })
	emulatortest.WantAPIError(t, err, 404, "NoSuchKey")
	if _, err := put("k", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }); err != nil {
		t.Fatalf("If-None-Match: * behind a delete marker: %v", err)
	}
}

func TestConditionalCompleteMultipartUpload(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	etag := aws.ToString(emulatortest.MustPut(t, c, "bkt", "k", "old").ETag)
	id := emulatortest.CreateUpload(t, c, "bkt", "k")
	parts := emulatortest.PutParts(t, c, "bkt", "k", id, [][]byte{[]byte("new")})
	complete := func(f func(*s3.CompleteMultipartUploadInput)) error {
		in := &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("k"), UploadId: aws.String(id),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}
		f(in)
		_, err := c.CompleteMultipartUpload(t.Context(), in)
		return err
	}
	emulatortest.WantAPIError(t, complete(func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") }), 412, "PreconditionFailed")
	emulatortest.WantAPIError(t, complete(func(in *s3.CompleteMultipartUploadInput) {
		in.IfMatch = aws.String(`"ffffffffffffffffffffffffffffffff"`)
	}), 412, "PreconditionFailed")
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "old" {
		t.Fatalf("a refused completion replaced the object: %q", got)
	}
	if err := complete(func(in *s3.CompleteMultipartUploadInput) { in.IfMatch = aws.String(etag) }); err != nil {
		t.Fatalf("the upload survives a failed condition and completes with a true one: %v", err)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "new" {
		t.Fatalf("got %q", got)
	}
}

// TestConditionalPutConflict: a conditional PUT whose condition held when
// it arrived but no longer holds when it commits, because another write
// landed while its body was read, is 409 ConditionalRequestConflict, as S3
// answers it. The other write is made while the emulator reads the body.
func TestConditionalPutConflict(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	reading, release := make(chan struct{}), make(chan struct{})
	srv.Emulator.SetFault(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Header.Get("If-None-Match") == "*" {
			r.Body = &gatedBody{ReadCloser: r.Body, reading: reading, release: release}
		}
		next.ServeHTTP(w, r)
		return true
	})
	errc := make(chan error, 1)
	go func() {
		_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
			Body: strings.NewReader("conditional"), IfNoneMatch: aws.String("*")})
		errc <- err
	}()
	<-reading // the condition held when the request arrived
	emulatortest.MustPut(t, c, "bkt", "k", "meanwhile")
	close(release)
	emulatortest.WantAPIError(t, <-errc, 409, "ConditionalRequestConflict")
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "meanwhile" {
		t.Fatalf("got %q", got)
	}
}

// gatedBody announces its first read and holds it until released.
type gatedBody struct {
	io.ReadCloser
	reading, release chan struct{}
	started          bool
}

func (g *gatedBody) Read(p []byte) (int, error) {
	if !g.started {
		g.started = true
		close(g.reading)
		<-g.release
	}
	return g.ReadCloser.Read(p)
}
