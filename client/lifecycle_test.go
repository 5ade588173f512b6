package client_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
)

func TestBucketLifecycleRoundTrip(t *testing.T) {
	c, f := newFakeS3(t, configStore(map[string]string{"lifecycle": "NoSuchLifecycleConfiguration"}))
	ctx := context.Background()
	rules := []client.LifecycleRule{
		{ID: "logs", Status: client.LifecycleEnabled, Filter: client.LifecycleFilter{Prefix: "logs/"},
			Expiration: &client.LifecycleExpiration{Days: 30}, AbortIncompleteMultipartUploadDays: 7},
		{ID: "tmp-big", Status: client.LifecycleDisabled,
			Filter:                      client.LifecycleFilter{Prefix: "tmp/", Tags: []client.Tag{{Key: "kind", Value: "scratch"}}, ObjectSizeGreaterThan: 1 << 20},
			NoncurrentVersionExpiration: &client.NoncurrentVersionExpiration{NoncurrentDays: 10, NewerNoncurrentVersions: 2},
			Transitions:                 []client.LifecycleTransition{{Date: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), StorageClass: "GLACIER"}}},
		{ID: "markers", Status: client.LifecycleEnabled, Expiration: &client.LifecycleExpiration{ExpiredObjectDeleteMarker: true}},
		{ID: "one-tag", Status: client.LifecycleEnabled, Filter: client.LifecycleFilter{Tags: []client.Tag{{Key: "k", Value: "v"}}},
			NoncurrentVersionTransitions: []client.NoncurrentVersionTransition{{NoncurrentDays: 5, StorageClass: "STANDARD_IA"}}},
	}
	if err := c.PutBucketLifecycleConfiguration(ctx, "logs", rules); err != nil {
		t.Fatal(err)
	}
	put := f.last()
	if put.Method != http.MethodPut || !put.Query.Has("lifecycle") || put.Header.Get("Content-Md5") == "" {
		t.Errorf("sent %s ?%s, Content-MD5 %q", put.Method, put.Query.Encode(), put.Header.Get("Content-Md5"))
	}
	xmlEqual(t, put.Body, `<LifecycleConfiguration>
		<Rule><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
			<Expiration><Days>30</Days></Expiration><Filter><Prefix>logs/</Prefix></Filter><ID>logs</ID><Status>Enabled</Status></Rule>
		<Rule><Filter><And><ObjectSizeGreaterThan>1048576</ObjectSizeGreaterThan><Prefix>tmp/</Prefix><Tag><Key>kind</Key><Value>scratch</Value></Tag></And></Filter>
			<ID>tmp-big</ID><NoncurrentVersionExpiration><NewerNoncurrentVersions>2</NewerNoncurrentVersions><NoncurrentDays>10</NoncurrentDays></NoncurrentVersionExpiration>
			<Status>Disabled</Status><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition></Rule>
		<Rule><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><Filter><Prefix></Prefix></Filter><ID>markers</ID><Status>Enabled</Status></Rule>
		<Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><ID>one-tag</ID>
			<NoncurrentVersionTransition><NoncurrentDays>5</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition><Status>Enabled</Status></Rule>
		</LifecycleConfiguration>`)
	got, err := c.GetBucketLifecycleConfiguration(ctx, "logs")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rules) {
		t.Errorf("GetBucketLifecycleConfiguration =\n%+v\nwant\n%+v", got, rules)
	}
	f.last()
	if err := c.DeleteBucketLifecycle(ctx, "logs"); err != nil {
		t.Fatal(err)
	}
	if del := f.last(); del.Method != http.MethodDelete || !del.Query.Has("lifecycle") {
		t.Errorf("DeleteBucketLifecycle sent %s ?%s", del.Method, del.Query.Encode())
	}
	if _, err := c.GetBucketLifecycleConfiguration(ctx, "logs"); !errors.Is(err, client.ErrNoSuchLifecycleConfiguration) {
		t.Errorf("after delete: %v, want NoSuchLifecycleConfiguration", err)
	}
}

// A rule written in the older form (Prefix on the rule, no Filter) reads back.
func TestBucketLifecycleLegacyPrefix(t *testing.T) {
	c, _ := newFakeS3(t, func(recorded) answer {
		return xmlAnswer(`<LifecycleConfiguration><Rule><ID>old</ID><Prefix>a/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`)
	})
	rules, err := c.GetBucketLifecycleConfiguration(context.Background(), "b-1")
	if err != nil || len(rules) != 1 || rules[0].Filter.Prefix != "a/" || rules[0].Expiration.Days != 1 {
		t.Errorf("got %+v, %v", rules, err)
	}
}

func TestBucketLifecycleValidatedBeforeSending(t *testing.T) {
	c, f := newFakeS3(t, configStore(nil))
	exp := &client.LifecycleExpiration{Days: 1}
	bad := map[string][]client.LifecycleRule{
		"no rules":             nil,
		"bad status":           {{Status: "On", Expiration: exp}},
		"no action":            {{Status: "Enabled"}},
		"duplicate id":         {{ID: "a", Status: "Enabled", Expiration: exp}, {ID: "a", Status: "Enabled", Expiration: exp}},
		"days and date":        {{Status: "Enabled", Expiration: &client.LifecycleExpiration{Days: 1, Date: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		"date not midnight":    {{Status: "Enabled", Expiration: &client.LifecycleExpiration{Date: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}}},
		"marker with tags":     {{Status: "Enabled", Filter: client.LifecycleFilter{Tags: []client.Tag{{Key: "k"}}}, Expiration: &client.LifecycleExpiration{ExpiredObjectDeleteMarker: true}}},
		"abort with tags":      {{Status: "Enabled", Filter: client.LifecycleFilter{Tags: []client.Tag{{Key: "k"}}}, AbortIncompleteMultipartUploadDays: 1}},
		"empty size range":     {{Status: "Enabled", Filter: client.LifecycleFilter{ObjectSizeGreaterThan: 10, ObjectSizeLessThan: 5}, Expiration: exp}},
		"noncurrent zero days": {{Status: "Enabled", NoncurrentVersionExpiration: &client.NoncurrentVersionExpiration{}}},
		"transition no class":  {{Status: "Enabled", Transitions: []client.LifecycleTransition{{Days: 1}}}},
	}
	for name, rules := range bad {
		var ve *client.ValidationError
		if err := c.PutBucketLifecycleConfiguration(context.Background(), "logs", rules); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}
