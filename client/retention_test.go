package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

func TestObjectRetentionRoundTrip(t *testing.T) {
	c, f := newFakeS3(t, configStore(map[string]string{"retention": "NoSuchObjectLockConfiguration"}))
	ctx := context.Background()
	obj := client.ObjectRef{Bucket: "locked", Key: "contract.pdf", VersionID: "v1"}
	if _, err := c.GetObjectRetention(ctx, obj); !errors.Is(err, client.ErrNoSuchObjectLockConfiguration) {
		t.Errorf("before any retention: %v", err)
	}
	f.last()
	until := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	err := c.PutObjectRetention(ctx, client.PutObjectRetentionInput{ObjectRef: obj,
		Retention: client.Retention{Mode: client.RetentionGovernance, RetainUntil: until}, BypassGovernanceRetention: true})
	if err != nil {
		t.Fatal(err)
	}
	put := f.last()
	if put.Method != http.MethodPut || !put.Query.Has("retention") || put.Query.Get("versionId") != "v1" ||
		put.Header.Get("X-Amz-Bypass-Governance-Retention") != "true" || put.Header.Get("Content-Md5") == "" {
		t.Errorf("sent %s ?%s with headers %v", put.Method, put.Query.Encode(), put.Header)
	}
	xmlEqual(t, put.Body, `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2031-05-06T07:08:09Z</RetainUntilDate></Retention>`)
	got, err := c.GetObjectRetention(ctx, obj)
	if err != nil || got.Mode != client.RetentionGovernance || !got.RetainUntil.Equal(until) {
		t.Errorf("GetObjectRetention = %+v, %v", got, err)
	}
	f.last()
	var ve *client.ValidationError
	for name, r := range map[string]client.Retention{"no mode": {RetainUntil: until}, "bad mode": {Mode: "FOREVER", RetainUntil: until}, "no date": {Mode: "COMPLIANCE"}} {
		if err := c.PutObjectRetention(ctx, client.PutObjectRetentionInput{ObjectRef: obj, Retention: r}); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if f.count() != 0 {
		t.Error("an invalid retention was sent")
	}
}

func TestObjectLegalHold(t *testing.T) {
	c, f := newFakeS3(t, configStore(nil))
	ctx := context.Background()
	obj := client.ObjectRef{Bucket: "locked", Key: "evidence.bin"}
	for _, on := range []bool{true, false} {
		if err := c.PutObjectLegalHold(ctx, obj, on); err != nil {
			t.Fatal(err)
		}
		put := f.last()
		want := map[bool]string{true: "ON", false: "OFF"}[on]
		if !put.Query.Has("legal-hold") || put.Header.Get("Content-Md5") == "" {
			t.Errorf("sent ?%s", put.Query.Encode())
		}
		xmlEqual(t, put.Body, `<LegalHold><Status>`+want+`</Status></LegalHold>`)
		got, err := c.GetObjectLegalHold(ctx, obj)
		if err != nil || got != on {
			t.Errorf("GetObjectLegalHold = %v, %v, want %v", got, err, on)
		}
		f.last()
	}
}

// A bucket without Object Lock answers InvalidRequest; the error keeps its code.
func TestObjectLockErrorsAreTyped(t *testing.T) {
	c, _ := newFakeS3(t, func(recorded) answer {
		return s3Error(http.StatusBadRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
	})
	err := c.PutObjectLegalHold(context.Background(), client.ObjectRef{Bucket: "plain", Key: "k"}, true)
	var se *client.Error
	if !errors.Is(err, client.ErrInvalidRequest) || !errors.As(err, &se) || se.Op != "PutObjectLegalHold" || se.Key != "k" {
		t.Errorf("got %v", err)
	}
}
