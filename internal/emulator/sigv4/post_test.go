package sigv4_test

import (
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/sigv4"
)

// TestPostSignatureAWSExample checks the signing chain against the worked
// example AWS publishes for browser uploads ("Example: Browser-Based Upload
// using HTTP POST (Using AWS Signature Version 4)").
func TestPostSignatureAWSExample(t *testing.T) {
	const (
		policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
		want   = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	)
	v := &sigv4.Verifier{
		Keys:   sigv4.NewKeys(map[string]string{"AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
		Region: "us-east-1", MaxSkew: time.Minute,
		Now: func() time.Time { return time.Date(2015, 12, 29, 0, 0, 0, 0, time.UTC) },
	}
	form := sigv4.PostForm{Algorithm: "AWS4-HMAC-SHA256", Credential: "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
		Date: "20151229T000000Z", Signature: want, Policy: policy}
	if p, err := v.VerifyPost(form); err != nil || p.AccessKey != "AKIAIOSFODNN7EXAMPLE" {
		t.Errorf("the AWS example: %+v %v", p, err)
	}
	form.Signature = "0" + want[1:]
	if _, err := v.VerifyPost(form); err == nil {
		t.Error("a wrong signature was accepted")
	}
}
