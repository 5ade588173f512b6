package s3_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

func TestBucketLifecycle(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	ctx, b := t.Context(), aws.String("bkt")
	_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 404, "NoSuchLifecycleConfiguration")

	midnight := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg := &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
		{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)}},
		{ID: aws.String("tagged"), Status: types.ExpirationStatusDisabled,
			Filter:     &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("tmp"), Value: aws.String("yes")}},
			Expiration: &types.LifecycleExpiration{Date: &midnight}},
		{ID: aws.String("versions"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
			NoncurrentVersionExpiration:    &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(2)},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(3)}},
		{Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{
			Prefix: aws.String("a/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}, ObjectSizeGreaterThan: aws.Int64(1024)}},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
	}}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(got.Rules) != 4 {
		t.Fatalf("lifecycle %+v %v", got, err)
	}
	r := got.Rules
	switch {
	case aws.ToString(r[0].ID) != "logs" || aws.ToString(r[0].Filter.Prefix) != "logs/" || aws.ToInt32(r[0].Expiration.Days) != 30:
		t.Errorf("rule 0 %+v", r[0])
	case r[1].Status != types.ExpirationStatusDisabled || aws.ToString(r[1].Filter.Tag.Key) != "tmp" || !r[1].Expiration.Date.Equal(midnight):
		t.Errorf("rule 1 %+v", r[1])
	case aws.ToInt32(r[2].NoncurrentVersionExpiration.NoncurrentDays) != 7 || aws.ToInt32(r[2].AbortIncompleteMultipartUpload.DaysAfterInitiation) != 3:
		t.Errorf("rule 2 %+v", r[2])
	case aws.ToString(r[3].ID) == "" || r[3].Filter.And == nil || len(r[3].Filter.And.Tags) != 1 || aws.ToInt64(r[3].Filter.And.ObjectSizeGreaterThan) != 1024:
		t.Errorf("rule 3 (its ID named by the emulator) %+v", r[3])
	}

	// The older form, a rule's own Prefix, is kept as sent.
	legacy := `<LifecycleConfiguration><Rule><ID>old</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>`
	if resp := putConfig(t, srv, "/bkt?lifecycle", legacy); resp.Status != 200 {
		t.Fatalf("legacy Prefix form: %d %s", resp.Status, resp.Body)
	}
	got, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(got.Rules) != 1 || aws.ToString(got.Rules[0].Prefix) != "tmp/" || got.Rules[0].Filter != nil {
		t.Fatalf("legacy lifecycle %+v %v", got, err)
	}

	if _, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 404, "NoSuchLifecycleConfiguration")
}

// lifecycleRule is a configuration of one rule with the given inner XML.
func lifecycleRule(inner string) string {
	return `<LifecycleConfiguration><Rule>` + inner + `</Rule></LifecycleConfiguration>`
}

func TestBucketLifecycleValidation(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	const (
		ok     = `<Filter><Prefix></Prefix></Filter><Status>Enabled</Status>`
		expire = `<Expiration><Days>1</Days></Expiration>`
	)
	tests := []struct{ name, doc, code string }{
		{"no rules", `<LifecycleConfiguration></LifecycleConfiguration>`, "MalformedXML"},
		{"bad status", lifecycleRule(`<Filter/><Status>On</Status>` + expire), "MalformedXML"},
		{"no filter or prefix", lifecycleRule(`<Status>Enabled</Status>` + expire), "MalformedXML"},
		{"filter and prefix", lifecycleRule(`<Prefix>a</Prefix>` + ok + expire), "MalformedXML"},
		{"filter of two conditions", lifecycleRule(`<Filter><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter><Status>Enabled</Status>` + expire), "MalformedXML"},
		{"no action", lifecycleRule(ok), "InvalidRequest"},
		{"zero days", lifecycleRule(ok + `<Expiration><Days>0</Days></Expiration>`), "InvalidArgument"},
		{"days and date", lifecycleRule(ok + `<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>`), "MalformedXML"},
		{"date not at midnight", lifecycleRule(ok + `<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>`), "InvalidArgument"},
		{"noncurrent days zero", lifecycleRule(ok + `<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>`), "InvalidArgument"},
		{"abort without days", lifecycleRule(ok + `<AbortIncompleteMultipartUpload></AbortIncompleteMultipartUpload>`), "InvalidArgument"},
		{"abort with a tag filter", lifecycleRule(`<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>`), "InvalidArgument"},
		{"long ID", lifecycleRule(`<ID>` + strings.Repeat("i", 256) + `</ID>` + ok + expire), "InvalidArgument"},
		{"duplicate IDs", `<LifecycleConfiguration><Rule><ID>x</ID>` + ok + expire + `</Rule><Rule><ID>x</ID>` + ok + expire + `</Rule></LifecycleConfiguration>`, "InvalidArgument"},
		{"transition without class", lifecycleRule(ok + `<Transition><Days>1</Days></Transition>`), "MalformedXML"},
		{"not XML", `<LifecycleConfiguration>`, "MalformedXML"},
	}
	for _, tt := range tests {
		r := putConfig(t, srv, "/bkt?lifecycle", tt.doc)
		if r.Status != 400 || r.ErrorDoc(t).Code != tt.code {
			t.Errorf("%s: %d %s, want 400 %s", tt.name, r.Status, r.Body, tt.code)
		}
	}
	if r := putConfig(t, srv, "/bkt?lifecycle", lifecycleRule(`<ID>`+strings.Repeat("i", 255)+`</ID>`+ok+expire)); r.Status != 200 {
		t.Errorf("255-character ID: %d %s", r.Status, r.Body)
	}
	// S3 wants a digest of the configuration.
	req := srv.SignedRequest(t, http.MethodPut, "/bkt?lifecycle", []byte(lifecycleRule(ok+expire)), "", nil)
	srv.Do(t, req).WantError(t, 400, "InvalidRequest")
}
