package s3

import (
	"encoding/base64"
	"errors"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// TestPostPolicyAWSExample checks the policy of the worked example AWS
// publishes for browser uploads ("Example: Browser-Based Upload using HTTP
// POST (Using AWS Signature Version 4)"); sigv4 checks its signature.
func TestPostPolicyAWSExample(t *testing.T) {
	const (
		policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
		want   = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	)
	p, err := parsePostPolicy(policy)
	if err != nil {
		t.Fatalf("the AWS example policy: %v", err)
	}
	form := postForm{"key": "user/user1/a.jpg", "acl": "public-read", "content-type": "image/jpeg",
		"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
		"x-amz-meta-uuid":         "14365123651274", "x-amz-server-side-encryption": "AES256", "x-amz-meta-tag": "",
		"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
		"x-amz-algorithm":  "AWS4-HMAC-SHA256", "x-amz-date": "20151229T000000Z", "policy": policy, "x-amz-signature": want}
	if err := p.check(form, "sigv4examplebucket"); err != nil {
		t.Errorf("the AWS example form: %v", err)
	}
	if err := p.check(form, "otherbucket"); err == nil {
		t.Error("the bucket condition was not applied")
	}
}

func TestParsePostPolicyRejectsMalformed(t *testing.T) {
	for _, doc := range []string{
		`{not json`,
		`{"conditions": []}`,
		`{"expiration": "tomorrow", "conditions": []}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "key", "x"]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["eq", "$key"]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["matches", "$key", ".*"]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 10, 1]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", -1, 1]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 1.5, 2]]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": [{"key": 5}]}`,
		`{"expiration": "2030-01-01T00:00:00Z", "conditions": ["key"]}`,
	} {
		_, err := parsePostPolicy(base64.StdEncoding.EncodeToString([]byte(doc)))
		var ae *s3err.Error
		if !errors.As(err, &ae) || ae.Code != "InvalidPolicyDocument" || ae.Status() != 400 {
			t.Errorf("%s: %v, want 400 InvalidPolicyDocument", doc, err)
		}
	}
	if _, err := parsePostPolicy("%%%"); err == nil {
		t.Error("non-base64 policy accepted")
	}
}

func TestPostPolicySizeRangeIntersects(t *testing.T) {
	doc := `{"expiration": "2030-01-01T00:00:00Z", "conditions": [["content-length-range", 1, 100], ["CONTENT-LENGTH-RANGE", 10, 1000], ["Starts-With", "$Key", ""]]}`
	p, err := parsePostPolicy(base64.StdEncoding.EncodeToString([]byte(doc)))
	if err != nil {
		t.Fatal(err)
	}
	if p.minSize != 10 || p.maxSize != 100 || len(p.conds) != 1 || p.conds[0] != (postCondition{op: "starts-with", field: "key", name: "Key"}) {
		t.Errorf("policy %+v", p)
	}
}
