package client_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestObjectTaggingOnTheEmulator(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "tags")
	if _, err := c.Upload(ctx, "tags", "doc.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	obj := client.ObjectRef{Bucket: "tags", Key: "doc.txt"}
	tags := []client.Tag{{Key: "team", Value: "storage"}, {Key: "stage", Value: "a b+c=d:e/f@g"}} // S3 takes no & in a tag
	if _, err := c.PutObjectTagging(ctx, obj, tags); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetObjectTagging(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTags(got.Tags, tags) {
		t.Errorf("GetObjectTagging = %+v, want %+v", got.Tags, tags)
	}
	if data, err := c.Download(ctx, "tags", "doc.txt"); err != nil || string(data) != "x" {
		t.Errorf("tagging changed the object: %q, %v", data, err)
	}
	if _, err := c.DeleteObjectTagging(ctx, obj); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetObjectTagging(ctx, obj); err != nil || len(got.Tags) != 0 {
		t.Errorf("after delete: %+v, %v", got, err)
	}
	_, err = c.GetObjectTagging(ctx, client.ObjectRef{Bucket: "tags", Key: "missing"})
	if !errors.Is(err, client.ErrNoSuchKey) {
		t.Errorf("tags of a missing key: %v, want NoSuchKey", err)
	}
}

// sameTags compares tag sets regardless of order.
func sameTags(a, b []client.Tag) bool {
	m := map[client.Tag]int{}
	for _, t := range a {
		m[t]++
	}
	for _, t := range b {
		m[t]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestObjectTaggingSendsVersion(t *testing.T) {
	c, f := newFakeS3(t, func(r recorded) answer {
		a := answer{Header: http.Header{"X-Amz-Version-Id": {"v7"}}}
		if r.Method == http.MethodGet {
			a.Header.Set("Content-Type", "application/xml")
			a.Body = `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`
		}
		return a
	})
	ctx := context.Background()
	obj := client.ObjectRef{Bucket: "tags", Key: "dir/a b", VersionID: "v7"}
	v, err := c.PutObjectTagging(ctx, obj, []client.Tag{{Key: "k", Value: "v"}})
	put := f.last()
	if err != nil || v != "v7" || put.Method != http.MethodPut || put.Path != "/tags/dir/a b" || put.Query.Get("versionId") != "v7" ||
		!put.Query.Has("tagging") || put.Header.Get("Content-Md5") == "" {
		t.Errorf("PutObjectTagging = %q, %v; sent %s %s?%s", v, err, put.Method, put.Path, put.Query.Encode())
	}
	xmlEqual(t, put.Body, `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`)
	got, err := c.GetObjectTagging(ctx, obj)
	if err != nil || got.VersionID != "v7" || !reflect.DeepEqual(got.Tags, []client.Tag{{Key: "k", Value: "v"}}) {
		t.Errorf("GetObjectTagging = %+v, %v", got, err)
	}
	if f.last().Query.Get("versionId") != "v7" {
		t.Error("GetObjectTagging did not send the version")
	}
	if v, err := c.DeleteObjectTagging(ctx, obj); err != nil || v != "v7" || f.last().Method != http.MethodDelete {
		t.Errorf("DeleteObjectTagging = %q, %v", v, err)
	}
}

func TestTagsValidatedBeforeSending(t *testing.T) {
	c, f := newFakeS3(t, func(recorded) answer { return answer{} })
	many := make([]client.Tag, 11)
	for i := range many {
		many[i] = client.Tag{Key: string(rune('a' + i))}
	}
	bad := map[string][]client.Tag{
		"eleven tags":   many,
		"empty key":     {{Key: "", Value: "v"}},
		"long key":      {{Key: strings.Repeat("k", 129)}},
		"long value":    {{Key: "k", Value: strings.Repeat("v", 257)}},
		"reserved key":  {{Key: "aws:created"}},
		"duplicate key": {{Key: "k", Value: "1"}, {Key: "k", Value: "2"}},
	}
	obj := client.ObjectRef{Bucket: "tags", Key: "k"}
	for name, tags := range bad {
		var ve *client.ValidationError
		if _, err := c.PutObjectTagging(context.Background(), obj, tags); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
		_, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "tags", Key: "k", Body: strings.NewReader("x"),
			ObjectAttributes: client.ObjectAttributes{Tags: tags}})
		if !errors.As(err, &ve) {
			t.Errorf("PutObject with %s: %v, want a ValidationError", name, err)
		}
	}
	// 128 characters (not bytes) is the limit.
	if _, err := c.PutObjectTagging(context.Background(), obj, []client.Tag{{Key: strings.Repeat("é", 128)}}); err != nil {
		t.Errorf("a 128-character key: %v", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests, want only the valid one", n)
	}
}
