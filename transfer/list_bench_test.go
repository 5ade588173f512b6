package transfer_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/transfer"
)

// BenchmarkList lists QCLI_BENCH_KEYS keys (default 20,000, in 100
// "directories" of 10 sub-directories) from the emulator over TLS,
// sequentially (concurrency 1) and in parallel, on loopback and with
// 50 ms added to every listing request, as a service across a network
// answers. Compare the keys/s of each latency's rows:
//
//	go test -run XXX -bench List -benchtime 3x ./transfer/
func BenchmarkList(b *testing.B) {
	n := 20000
	if v := os.Getenv("QCLI_BENCH_KEYS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	var latency atomic.Int64
	srv := emulatortest.StartWrapped(b, emulator.Options{}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("list-type") == "2" {
				time.Sleep(time.Duration(latency.Load())) // the network, for a benchmark only
			}
			h.ServeHTTP(w, r)
		})
	})
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.CreateBucket(context.Background(), "bench", client.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	putObjects(b, c, "bench", n, func(i int) string { return fmt.Sprintf("d%03d/s%d/f%05d", i%100, i/100%10, i) })
	for _, lat := range []time.Duration{0, 50 * time.Millisecond} {
		for _, conc := range []int{1, 4, 8, 16} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", lat, conc), func(b *testing.B) {
				latency.Store(int64(lat))
				for b.Loop() {
					listed := 0
					for page, err := range transfer.List(context.Background(), c, transfer.ListInput{Bucket: "bench", Concurrency: conc}) {
						if err != nil {
							b.Fatal(err)
						}
						listed += len(page.Objects)
					}
					if listed != n {
						b.Fatalf("listed %d keys, want %d", listed, n)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
			})
		}
	}
}
