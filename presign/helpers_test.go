package presign_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/presign"
)

// testClock is the emulator's clock; tests move it to expire URLs without
// sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// env is an emulator over TLS with signature checking, a client for setting
// up and checking state, and a presigner made from that client.
type env struct {
	srv   *emulatortest.Server
	c     *client.Client
	p     *presign.Presigner
	clock *testClock
}

func start(t *testing.T, cfg ...func(*client.Config)) *env {
	t.Helper()
	clock := &testClock{}
	srv := emulatortest.Start(t, emulator.Options{MinPartSize: 5, Now: clock.Now, HostBases: []string{"example.com"}})
	conf := client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, MaxAttempts: 1,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	for _, f := range cfg {
		f(&conf)
	}
	c, err := client.New(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBucket(t.Context(), "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, c: c, p: presign.New(c), clock: clock}
}

// response is an HTTP answer read in full.
type response struct {
	status int
	header http.Header
	body   string
}

// send makes a request with a plain net/http client that knows nothing of
// S3: the method, the URL as given, the headers, the body.
func (e *env) send(t *testing.T, method, url string, header http.Header, body string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	return do(t, e.srv.HTTPClient(), req)
}

func do(t *testing.T, hc *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// sendRequest sends a presigned request as its documentation says to.
func (e *env) sendRequest(t *testing.T, r *presign.Request, body string) response {
	t.Helper()
	return e.send(t, r.Method, r.URL, r.Header, body)
}

func (e *env) put(t *testing.T, key, body string) {
	t.Helper()
	if _, err := e.c.Upload(t.Context(), "bkt", key, []byte(body)); err != nil {
		t.Fatal(err)
	}
}

func (e *env) get(t *testing.T, key string) (string, client.ObjectInfo) {
	t.Helper()
	out, err := e.c.GetObject(context.Background(), client.GetObjectInput{Bucket: "bkt", Key: key})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), out.ObjectInfo
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: HTTP %d (%s), want %d", what, r.status, r.body, status)
	}
}

func clientMPU(key string) client.CreateMultipartUploadInput {
	return client.CreateMultipartUploadInput{Bucket: "bkt", Key: key}
}
