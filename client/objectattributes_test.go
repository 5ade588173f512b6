package client_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

func TestGetObjectAttributes(t *testing.T) {
	c, f := newFakeS3(t, func(r recorded) answer {
		return answer{Header: http.Header{"Content-Type": {"application/xml"}, "Last-Modified": {"Tue, 03 Feb 2026 04:05:06 GMT"},
			"X-Amz-Version-Id": {"v3"}},
			Body: `<GetObjectAttributesResponse><ETag>abc123-2</ETag><ObjectSize>15728640</ObjectSize><StorageClass>STANDARD</StorageClass>
			<Checksum><ChecksumSHA256>c3VtLW9mLXN1bXM=</ChecksumSHA256><ChecksumType>COMPOSITE</ChecksumType></Checksum>
			<ObjectParts><PartsCount>2</PartsCount><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker>
			<MaxParts>1</MaxParts><IsTruncated>true</IsTruncated>
			<Part><PartNumber>1</PartNumber><Size>10485760</Size><ChecksumSHA256>cGFydC0x</ChecksumSHA256></Part></ObjectParts>
			</GetObjectAttributesResponse>`}
	})
	got, err := c.GetObjectAttributes(context.Background(), client.GetObjectAttributesInput{
		ObjectRef: client.ObjectRef{Bucket: "attrs", Key: "big.bin", VersionID: "v3"}, MaxParts: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := client.GetObjectAttributesOutput{ETag: "abc123-2", Size: 15728640, StorageClass: "STANDARD",
		LastModified: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC), VersionID: "v3",
		Checksum: client.Checksum{Algorithm: client.ChecksumSHA256, Value: "c3VtLW9mLXN1bXM="}, ChecksumType: "COMPOSITE",
		Parts: &client.ObjectParts{TotalParts: 2, NextPartNumberMarker: 1, MaxParts: 1, IsTruncated: true,
			Parts: []client.ObjectPart{{PartNumber: 1, Size: 10485760, Checksum: client.Checksum{Algorithm: client.ChecksumSHA256, Value: "cGFydC0x"}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v %+v\nwant %+v %+v", got, got.Parts, want, want.Parts)
	}
	r := f.last()
	var attrs []string
	for _, v := range r.Header.Values("X-Amz-Object-Attributes") {
		for _, a := range strings.Split(v, ",") {
			attrs = append(attrs, strings.TrimSpace(a))
		}
	}
	sort.Strings(attrs)
	if r.Method != http.MethodGet || !r.Query.Has("attributes") || r.Query.Get("versionId") != "v3" || r.Header.Get("X-Amz-Max-Parts") != "1" ||
		strings.Join(attrs, ",") != "Checksum,ETag,ObjectParts,ObjectSize,StorageClass" {
		t.Errorf("sent %s ?%s, attributes %q, max parts %q", r.Method, r.Query.Encode(), attrs, r.Header.Get("X-Amz-Max-Parts"))
	}

	_, err = c.GetObjectAttributes(context.Background(), client.GetObjectAttributesInput{ObjectRef: client.ObjectRef{Bucket: "attrs", Key: "k"},
		Attributes: []string{"Owner"}})
	var ve *client.ValidationError
	if !errors.As(err, &ve) || f.count() != 0 {
		t.Errorf("unknown attribute: %v", err)
	}
}

func TestGetObjectAttributesMissingKey(t *testing.T) {
	c, _ := newFakeS3(t, func(recorded) answer {
		return s3Error(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	})
	_, err := c.GetObjectAttributes(context.Background(), client.GetObjectAttributesInput{ObjectRef: client.ObjectRef{Bucket: "attrs", Key: "gone"},
		Attributes: []string{client.AttributeETag}})
	if !errors.Is(err, client.ErrNoSuchKey) || !client.IsNotFound(err) {
		t.Errorf("got %v", err)
	}
}
