package faults_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
)

func isGet(r *http.Request) bool { return r.Method == http.MethodGet }

// noRetries is an SDK client that makes one attempt on fresh connections, so
// that a broken connection surfaces instead of being retried.
func noRetries(t *testing.T, srv interface{ HTTPClient() *http.Client }) func(*s3.Options) {
	hc := srv.HTTPClient()
	hc.Transport.(*http.Transport).DisableKeepAlives = true
	return func(o *s3.Options) { o.HTTPClient, o.RetryMaxAttempts = hc, 1 }
}

func TestResetRequestBodySendsRST(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	c := srv.S3Client(noRetries(t, srv))
	emulatortest.MustCreateBucket(t, c, "bkt")
	srv.Emulator.SetFault(faults.ResetRequestBody(1, 1000, isPut))
	body := strings.Repeat("x", 1<<20) // more than the socket buffers hold
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader(body)})
	// The reset reaches net/http's reader or writer first; either way the
	// request fails without a response.
	var re *smithyhttp.ResponseError
	if err == nil || (errors.As(err, &re) && re.HTTPStatusCode() != 0) {
		t.Fatalf("got %v, want a broken connection", err)
	}
	if _, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")}); err == nil {
		t.Fatal("the interrupted upload was stored")
	}
	emulatortest.MustPut(t, c, "bkt", "k", body) // the budget is spent
}

func TestResetResponseBodyAfterHalf(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := strings.Repeat("0123456789", 1000)
	emulatortest.MustPut(t, c, "bkt", "obj", body)
	srv.Emulator.SetFault(faults.ResetResponseBody(1, isGet))
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil {
		t.Fatalf("headers should arrive: %v", err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if !errors.Is(err, syscall.ECONNRESET) || len(got) > len(body)/2 || aws.ToInt64(out.ContentLength) != int64(len(body)) {
		t.Fatalf("read %d of %d bytes, err %v; want at most half and a reset", len(got), aws.ToInt64(out.ContentLength), err)
	}
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != body {
		t.Fatal("second GET should be whole")
	}
}

func TestWrongContentLength(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := strings.Repeat("0123456789", 100)
	emulatortest.MustPut(t, c, "bkt", "obj", body)

	srv.Emulator.SetFault(faults.WrongContentLength(1, -10, isGet))
	if got := emulatortest.MustGet(t, c, "bkt", "obj"); got != body[:len(body)-10] {
		t.Fatalf("short Content-Length: got %d bytes, want %d without an error", len(got), len(body)-10)
	}
	srv.Emulator.SetFault(faults.WrongContentLength(1, 10, isGet))
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err == nil || string(got) != body {
		t.Fatalf("long Content-Length: got %d bytes, err %v; want the body and an error", len(got), err)
	}
}

func TestStallHoldsUntilTheClientHangsUp(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := strings.Repeat("0123456789", 1000)
	emulatortest.MustPut(t, c, "bkt", "obj", body)
	srv.Emulator.SetFault(faults.Stall(1, time.Minute, isGet))
	cctx, cancel := context.WithCancel(t.Context())
	out, err := c.GetObject(cctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil {
		t.Fatal(err)
	}
	half := make([]byte, len(body)/2)
	if _, err := io.ReadFull(out.Body, half); err != nil || string(half) != body[:len(half)] {
		t.Fatalf("first half: %v", err)
	}
	cancel() // as a read timeout would
	if _, err := out.Body.Read(make([]byte, 1)); err == nil {
		t.Fatal("read past the stall")
	}
	out.Body.Close()

	// A response without a body stalls before its headers; limit ends it.
	srv.Emulator.SetFault(faults.Stall(1, time.Millisecond, isPut))
	nr := srv.S3Client(noRetries(t, srv))
	if _, err := nr.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("x")}); err == nil {
		t.Fatal("a stalled PUT succeeded")
	}
	if got := emulatortest.MustGet(t, c, "bkt", "k"); got != "x" {
		t.Fatalf("the stalled PUT was processed: %q", got) // only its answer was lost
	}
}
