package transfer_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/transfer"
)

// The benchmarks compare qcli's engine with one plain HTTP PUT or GET of
// the same bytes to a presigned URL, against the same loopback emulator
// over TLS. QCLI_BENCH_SIZE sets the object size (default 1 GiB). Compare
// the ns/op of each pair:
//
//	go test -run XXX -bench . -benchtime 3x ./transfer/

func benchSize(b *testing.B) int64 {
	if v := os.Getenv("QCLI_BENCH_SIZE"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 1 << 30
}

type benchEnv struct {
	srv  *emulatortest.Server
	m    *transfer.Manager
	path string
	size int64
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	size := benchSize(b)
	srv := emulatortest.Start(b, emulator.Options{})
	o := transfer.Options{}
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, MaxConnsPerHost: o.ConnsPerHost(),
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.CreateBucket(context.Background(), "bench", client.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	m, err := transfer.New(c, o)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "data.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rng{}, size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(size)
	return &benchEnv{srv: srv, m: m, path: path, size: size}
}

// rng yields cheap, incompressible-enough bytes.
type rng struct{}

func (rng) Read(p []byte) (int, error) {
	x := uint64(time.Now().UnixNano()) | 1
	for i := range p {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		p[i] = byte(x)
	}
	return len(p), nil
}

func BenchmarkUploadFile(b *testing.B) {
	e := newBenchEnv(b)
	for b.Loop() {
		if _, err := e.m.UploadFile(context.Background(), e.path, transfer.UploadInput{Bucket: "bench", Key: "obj"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUploadPresignedPUT(b *testing.B) {
	e := newBenchEnv(b)
	ps := s3.NewPresignClient(e.srv.S3Client())
	req, err := ps.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	hc := e.srv.HTTPClient()
	for b.Loop() {
		f, err := os.Open(e.path)
		if err != nil {
			b.Fatal(err)
		}
		put, _ := http.NewRequest(http.MethodPut, req.URL, f)
		put.ContentLength = e.size
		resp, err := hc.Do(put)
		f.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", err, resp)
		}
		resp.Body.Close()
	}
}

func (e *benchEnv) seed(b *testing.B) {
	if _, err := e.m.UploadFile(context.Background(), e.path, transfer.UploadInput{Bucket: "bench", Key: "obj"}); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkDownloadFile(b *testing.B) {
	e := newBenchEnv(b)
	e.seed(b)
	out := filepath.Join(b.TempDir(), "out.bin")
	for b.Loop() {
		if _, err := e.m.DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "bench", Key: "obj"}, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDownloadPresignedGET(b *testing.B) {
	e := newBenchEnv(b)
	e.seed(b)
	ps := s3.NewPresignClient(e.srv.S3Client())
	req, err := ps.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	hc := e.srv.HTTPClient()
	out := filepath.Join(b.TempDir(), "out.bin")
	for b.Loop() {
		resp, err := hc.Get(req.URL)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", err, resp)
		}
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(f, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		f.Sync()
		f.Close()
	}
}

// BenchmarkDownloadTreeSmall downloads 1,000 objects of 16 KiB: the cost
// per object (request, temporary file, rename) rather than per byte.
func BenchmarkDownloadTreeSmall(b *testing.B) {
	srv := emulatortest.Start(b, emulator.Options{})
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "bench", client.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	m, err := transfer.New(c, transfer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	src := b.TempDir()
	data := make([]byte, 16<<10)
	for i := range 1000 {
		_, _ = rng{}.Read(data)
		if err := os.WriteFile(filepath.Join(src, strconv.Itoa(i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := m.UploadTree(ctx, src, transfer.Location{Bucket: "bench", Prefix: "s/"}, transfer.TreeOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(1000 * 16 << 10)
	for b.Loop() {
		sum, err := m.DownloadTree(ctx, transfer.Location{Bucket: "bench", Prefix: "s/"}, b.TempDir(), transfer.TreeOptions{})
		if err != nil || sum.Done != 1000 {
			b.Fatal(sum, err)
		}
	}
}
