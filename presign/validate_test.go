package presign_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/presign"
)

// TestBadInputIsRefusedBeforeSigning: each mistake is a
// *client.ValidationError naming the field, and no URL is made.
func TestBadInputIsRefusedBeforeSigning(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	cases := []struct {
		name, field string
		call        func() (any, error)
	}{
		{"expiry over 7 days", "expiry", func() (any, error) {
			return e.p.GetObject(ctx, presign.GetObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: presign.MaxExpiry + time.Second})
		}},
		{"negative expiry", "expiry", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: -time.Second})
		}},
		{"fractional expiry", "expiry", func() (any, error) {
			return e.p.HeadObject(ctx, presign.HeadObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: 1500 * time.Millisecond})
		}},
		{"bad bucket", "bucket name", func() (any, error) {
			return e.p.DeleteObject(ctx, presign.DeleteObjectInput{Bucket: "No_Such", Key: "k"})
		}},
		{"empty key", "key", func() (any, error) { return e.p.GetObject(ctx, presign.GetObjectInput{Bucket: "bkt"}) }},
		{"content type", "content type", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ContentType: "not a type"})
		}},
		{"Content-MD5", "Content-MD5", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ContentMD5: "abc"})
		}},
		{"metadata", "metadata name", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", Metadata: map[string]string{"a b": "1"}})
		}},
		{"ACL", "ACL", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ACL: "world-writable"})
		}},
		{"SSE", "server-side encryption", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", ServerSideEncryption: "rot13"})
		}},
		{"KMS key without verenc", "KMS key id", func() (any, error) {
			return e.p.PutObject(ctx, presign.PutObjectInput{Bucket: "bkt", Key: "k", SSEKMSKeyID: "key-1"})
		}},
		{"response override", "response override", func() (any, error) {
			return e.p.GetObject(ctx, presign.GetObjectInput{Bucket: "bkt", Key: "k", ResponseContentDisposition: "a\r\nSet-Cookie: x"})
		}},
		{"part number", "part number", func() (any, error) {
			return e.p.UploadPart(ctx, presign.UploadPartInput{Bucket: "bkt", Key: "k", UploadID: "u", PartNumber: 0})
		}},
		{"upload id", "upload id", func() (any, error) {
			return e.p.UploadPart(ctx, presign.UploadPartInput{Bucket: "bkt", Key: "k", PartNumber: 1})
		}},
		{"POST with no key", "key", func() (any, error) { return e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt"}) }},
		{"POST key outside prefix", "key", func() (any, error) {
			return e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt", Key: "a/x", KeyPrefix: "b/"})
		}},
		{"POST size range", "size range", func() (any, error) {
			return e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt", Key: "k", MinSize: 10, MaxSize: 5})
		}},
		{"POST negative size", "size range", func() (any, error) {
			return e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt", Key: "k", MaxSize: -1})
		}},
		{"POST expiry", "expiry", func() (any, error) {
			return e.p.PostObject(ctx, presign.PostObjectInput{Bucket: "bkt", Key: "k", ExpiresIn: 8 * 24 * time.Hour})
		}},
	}
	for _, tc := range cases {
		out, err := tc.call()
		var ve *client.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want a ValidationError for %q", tc.name, err, tc.field)
		}
		if !isNil(out) {
			t.Errorf("%s: a result came back with the error: %v", tc.name, out)
		}
	}
}

func isNil(v any) bool {
	switch v := v.(type) {
	case *presign.Request:
		return v == nil
	case *presign.PostForm:
		return v == nil
	}
	return v == nil
}

func TestDefaultExpiryIsOneHour(t *testing.T) {
	e := start(t)
	r, err := e.p.GetObject(t.Context(), presign.GetObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.URL, "X-Amz-Expires=3600&") {
		t.Errorf("URL %s", r.URL)
	}
	form, err := e.p.PostObject(t.Context(), presign.PostObjectInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := time.Parse("20060102T150405Z", form.Fields["X-Amz-Date"])
	if !form.Expires.Equal(signed.Add(time.Hour)) {
		t.Errorf("POST form expires %v, signed %v", form.Expires, signed)
	}
}
