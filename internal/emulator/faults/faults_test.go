package faults_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func isPut(r *http.Request) bool { return r.Method == http.MethodPut }

func TestFailTimesIsCountedAcrossGoroutines(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	srv.Emulator.SetFault(faults.FailTimes(5, 503, "SlowDown", http.Header{"Retry-After": {"1"}}, isPut))
	var failed, ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(fmt.Sprint(i)), Body: strings.NewReader("x")})
			var re *smithyhttp.ResponseError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &re) && re.HTTPStatusCode() == 503 && re.Response.Header.Get("Retry-After") == "1":
				failed.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 5 || ok.Load() != 15 {
		t.Fatalf("%d failed, %d succeeded; want 5 and 15", failed.Load(), ok.Load())
	}
	if _, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")}); err != nil {
		t.Fatalf("non-matching request failed: %v", err)
	}
	srv.Emulator.SetFault(nil)
}

func TestFaultRunsAfterAuthentication(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	srv.Emulator.SetFault(faults.FailTimes(100, 500, "InternalError", nil, nil))
	_, err := srv.S3Client(emulatortest.WithCredentials(srv.AccessKey, "bad")).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	emulatortest.WantAPIError(t, err, 403, "SignatureDoesNotMatch")
}

func TestResetAndTruncateFaults(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := strings.Repeat("0123456789", 10000)
	emulatortest.MustPut(t, c, "bkt", "obj", body)

	// Without keep-alives net/http cannot silently retry on a new connection.
	hc := srv.HTTPClient()
	hc.Transport.(*http.Transport).DisableKeepAlives = true
	fresh := srv.S3Client(func(o *s3.Options) { o.HTTPClient, o.RetryMaxAttempts = hc, 1 })
	srv.Emulator.SetFault(faults.ResetTimes(1, nil))
	if _, err := fresh.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err == nil {
		t.Fatal("reset request succeeded")
	}
	if _, err := fresh.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("after the reset: %v", err)
	}

	srv.Emulator.SetFault(faults.TruncateBody(1, 1000, func(r *http.Request) bool { return r.Method == http.MethodGet }))
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil {
		t.Fatalf("headers should arrive intact: %v", err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err == nil || len(got) != 1000 {
		t.Fatalf("read %d bytes, err %v; want 1000 and an error", len(got), err)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != body {
		t.Fatal("second GET should be whole")
	}
}

func TestDelayFault(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	srv.Emulator.SetFault(faults.Delay(time.Millisecond, nil))
	if _, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse mixes writers, readers, listers and multipart uploads;
// it is meant for -race.
func TestConcurrentUse(t *testing.T) {
	_, c := emulatortest.StartS3(t, func(o *emulator.Options) { o.DataDir = t.TempDir() })
	emulatortest.MustCreateBucket(t, c, "bkt")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				key := fmt.Sprintf("w%d/%d", w, i%3)
				if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
					t.Error(err)
				}
				if _, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Delimiter: aws.String("/")}); err != nil {
					t.Error(err)
				}
				out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
				if err != nil {
					t.Error(err)
					continue
				}
				if got := emulatortest.ReadAll(t, out.Body); got != key {
					t.Errorf("%s = %q", key, got)
				}
			}
		})
		wg.Go(func() {
			key := fmt.Sprintf("mp%d", w)
			want := emulatortest.RandomBytes(3000, uint64(w))
			if got := emulatortest.UploadParts(t, c, "bkt", key, [][]byte{want[:1500], want[1500:]}); got != string(want) {
				t.Errorf("%s differs", key)
			}
		})
	}
	wg.Wait()
}
