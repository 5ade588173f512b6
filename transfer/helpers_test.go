package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/transfer"
)

// Small sizes keep the tests fast: the emulator accepts 1 KiB parts.
const (
	testMinPart   = 1024
	testPartSize  = 4096
	testThreshold = 8192
)

type env struct {
	t      *testing.T
	srv    *emulatortest.Server
	c      *client.Client
	events *eventLog
}

// newEnv starts an emulator over TLS with bucket "bkt" and returns a
// client with fast retries.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newWrappedEnv(t, nil)
}

// newWrappedEnv is newEnv with the emulator's handler passed through wrap,
// for a server that misbehaves.
func newWrappedEnv(t *testing.T, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	srv := emulatortest.StartWrapped(t, emulator.Options{MinPartSize: testMinPart}, wrap)
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, MaxAttempts: 3,
		RetryBaseDelay: time.Millisecond, RetryMaxBackoff: 5 * time.Millisecond,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBucket(context.Background(), "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, c: c, events: &eventLog{}}
}

// manager builds a Manager with the small test sizes; tweak adjusts them.
func (e *env) manager(tweak ...func(*transfer.Options)) *transfer.Manager {
	e.t.Helper()
	o := transfer.Options{MinPartSize: testMinPart, PartSize: testPartSize, Threshold: testThreshold,
		Concurrency: 4, Progress: e.events.add}
	for _, f := range tweak {
		f(&o)
	}
	m, err := transfer.New(e.c, o)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// randomFile writes n random bytes to a new file and returns its path and content.
func randomFile(t *testing.T, dir string, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	_, _ = rand.Read(data)
	path := filepath.Join(dir, "file.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// read fetches an object with the raw SDK, as another client would.
func (e *env) read(key string) []byte {
	e.t.Helper()
	out, err := e.srv.S3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		e.t.Fatal(err)
	}
	defer out.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(out.Body); err != nil {
		e.t.Fatal(err)
	}
	return buf.Bytes()
}

// put stores an object with the raw SDK, as another client would.
func (e *env) put(key string, data []byte) {
	e.t.Helper()
	_, err := e.srv.S3Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key),
		Body: bytes.NewReader(data)})
	if err != nil {
		e.t.Fatal(err)
	}
}

// openUploads counts multipart uploads left on the service.
func (e *env) openUploads() int {
	e.t.Helper()
	n := 0
	for _, err := range e.c.ListMultipartUploads(context.Background(), "bkt", "") {
		if err != nil {
			e.t.Fatal(err)
		}
		n++
	}
	return n
}

// eventLog records progress events.
type eventLog struct {
	mu  sync.Mutex
	evs []transfer.Event
}

func (l *eventLog) add(ev transfer.Event) {
	l.mu.Lock()
	l.evs = append(l.evs, ev)
	l.mu.Unlock()
}

// summary counts events by type and sums Bytes.
func (l *eventLog) summary() (counts map[transfer.EventType]int, bytes int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	counts = map[transfer.EventType]int{}
	for _, ev := range l.evs {
		counts[ev.Type]++
		bytes += ev.Bytes
	}
	return counts, bytes
}

// isPartUpload matches UploadPart requests (not UploadPartCopy).
func isPartUpload(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Query().Has("partNumber") && r.Header.Get("X-Amz-Copy-Source") == ""
}

func isRangedGet(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.Header.Get("Range"), "bytes=")
}

// requests records what the emulator authenticated.
type requests struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (e *env) record() *requests {
	rs := &requests{}
	e.srv.Emulator.Observe(func(r *http.Request) {
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, r.Clone(context.Background()))
		rs.mu.Unlock()
	})
	return rs
}

func (rs *requests) count(match func(*http.Request) bool) int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	n := 0
	for _, r := range rs.reqs {
		if match(r) {
			n++
		}
	}
	return n
}

func (rs *requests) all(match func(*http.Request) bool) []*http.Request {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []*http.Request
	for _, r := range rs.reqs {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

// withoutChecksums makes the emulator answer as a server that keeps no
// flexible checksums (MinIO, older S3-compatible services): the
// x-amz-checksum-* headers are dropped from its answers, so downloads are
// checked against the ETag's MD5s rather than the CRC64NVME the emulator
// stores with every object, as S3 does.
func withoutChecksums(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&checksumStripper{ResponseWriter: w}, r)
	})
}

type checksumStripper struct {
	http.ResponseWriter
	wroteHeader bool
}

func (s *checksumStripper) WriteHeader(code int) {
	if !s.wroteHeader {
		for k := range s.Header() {
			if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") {
				s.Header().Del(k)
			}
		}
		s.wroteHeader = true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *checksumStripper) Write(p []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(p)
}
