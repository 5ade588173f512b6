package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func responseError(status int, header http.Header) error {
	resp := &http.Response{StatusCode: status, Header: header}
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: errors.New("boom")}}
}

func TestServerDelay(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"retry-after seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"retry-after date", http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}, 3 * time.Second, true},
		{"retry-after past date", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{"rate-limit reset epoch", http.Header{"X-Ratelimit-Reset": {"1767323050"}}, 5 * time.Second, true},
		{"rate-limit reset delta", http.Header{"X-Ratelimit-Reset": {"12"}}, 12 * time.Second, true},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"none", http.Header{}, 0, false},
	}
	for _, tc := range cases {
		got, ok := serverDelay(responseError(429, tc.header), now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %s %v, want %s %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := serverDelay(errors.New("no response"), now); ok {
		t.Error("a plain error has no server delay")
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	b := &retryDelay{base: 100 * time.Millisecond, max: time.Second, now: time.Now}
	for attempt := 1; attempt <= 40; attempt++ {
		d, err := b.BackoffDelay(attempt, errors.New("x"))
		if err != nil || d < 0 || d > time.Second {
			t.Fatalf("attempt %d: %s %v", attempt, d, err)
		}
	}
	d, _ := b.BackoffDelay(1, responseError(503, http.Header{"Retry-After": {"3600"}}))
	if d != time.Second {
		t.Errorf("Retry-After beyond the cap waited %s, want the 1s cap", d)
	}
}

func TestAddressingStyle(t *testing.T) {
	cases := []struct {
		style    AddressingStyle
		endpoint string
		path     bool
	}{
		{AddressingPath, "https://qstorage.quilibrium.com", true},
		{AddressingVirtual, "https://qstorage.quilibrium.com", false},
		{AddressingVirtual, "http://127.0.0.1:9000", false},
		{AddressingAuto, "https://qstorage.quilibrium.com", false},
		{AddressingAuto, "http://127.0.0.1:9000", true},
		{AddressingAuto, "http://[::1]:9000", true},
		{AddressingAuto, "http://localhost:9000", true},
	}
	for _, tc := range cases {
		if got := usePathStyle(Config{AddressingStyle: tc.style, Endpoint: tc.endpoint}); got != tc.path {
			t.Errorf("%s at %s: path style %v, want %v", tc.style, tc.endpoint, got, tc.path)
		}
	}
}

func TestEndpointCacheIgnoresKeys(t *testing.T) {
	sdk := s3.NewDefaultEndpointResolverV2()
	cached := newCachedResolver()
	for _, style := range []bool{true, false} {
		for _, key := range []string{"a", "dir/b c+d", ""} {
			p := s3.EndpointParameters{Bucket: aws.String("bucket"), Region: aws.String(DefaultRegion),
				Endpoint: aws.String("https://qstorage.quilibrium.com"), ForcePathStyle: aws.Bool(style),
				Key: aws.String(key), Prefix: aws.String(key), CopySource: aws.String("src/" + key)}
			want, err := sdk.ResolveEndpoint(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cached.ResolveEndpoint(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if got.URI.String() != want.URI.String() {
				t.Errorf("path style %v, key %q: cached %s, SDK %s", style, key, got.URI.String(), want.URI.String())
			}
		}
	}
	if n := len(cached.cache); n != 2 {
		t.Errorf("%d cache entries, want one per addressing style", n)
	}
}

func BenchmarkResolveEndpoint(b *testing.B) {
	p := s3.EndpointParameters{Bucket: aws.String("bench"), Region: aws.String(DefaultRegion),
		Endpoint: aws.String("http://127.0.0.1:9000"), ForcePathStyle: aws.Bool(true), Key: aws.String("k")}
	for name, r := range map[string]s3.EndpointResolverV2{"sdk": s3.NewDefaultEndpointResolverV2(), "cached": newCachedResolver()} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.ResolveEndpoint(context.Background(), p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Which failed attempts of a CreateMultipartUpload may have started an
// upload unseen: one whose answer was lost, not one refused before it
// left (a failed dial) nor one with an error answer.
func TestAnswerLost(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"success", nil, false},
		{"refused dial", fmt.Errorf("send: %w", dial), false},
		{"reset while reading", fmt.Errorf("read: %w", reset), true},
		{"cancelled", context.Canceled, true},
	} {
		if got := answerLost([]retry.AttemptResult{{Err: tc.err}}); got != tc.want {
			t.Errorf("%s: answerLost = %v, want %v", tc.name, got, tc.want)
		}
	}
}
