package transfer

import (
	"crypto/md5"
	"fmt"
	"hash"
	"sync"
	"syscall"
	"testing"
	"time"

	md5simd "github.com/minio/md5-simd"
)

// BenchmarkPartMD5 compares ways of hashing the parts of a multipart
// transfer, each part in its own goroutine as the engine does: crypto/md5
// per part against md5-simd's shared multi-lane server. cpu-s/GiB is the
// process's CPU time per GiB hashed (getrusage), which a loaded machine
// disturbs less than ns/op.
//
//	go test -run XXX -bench PartMD5 -benchtime 4x ./transfer/
func BenchmarkPartMD5(b *testing.B) {
	const partSize = 8 << 20
	data := make([]byte, partSize)
	for i := range data {
		data[i] = byte(i ^ i>>9)
	}
	for _, parts := range []int{1, 2, 4, 8, 16, 32} {
		b.Run(fmt.Sprintf("crypto-md5/parts=%d", parts), func(b *testing.B) {
			benchParts(b, data, parts, func() (hash.Hash, func()) { return md5.New(), func() {} })
		})
		b.Run(fmt.Sprintf("md5-simd/parts=%d", parts), func(b *testing.B) {
			srv := md5simd.NewServer()
			defer srv.Close()
			benchParts(b, data, parts, func() (hash.Hash, func()) { h := srv.NewHash(); return h, h.Close })
		})
	}
}

// benchParts hashes parts copies of data at once, 32 KiB per Write (as
// io.Copy feeds a hash).
func benchParts(b *testing.B, data []byte, parts int, newHash func() (hash.Hash, func())) {
	b.SetBytes(int64(len(data) * parts))
	cpu0 := cpuTime()
	for b.Loop() {
		var wg sync.WaitGroup
		for range parts {
			wg.Go(func() {
				h, done := newHash()
				defer done()
				for p := data; len(p) > 0; p = p[min(len(p), 32<<10):] {
					h.Write(p[:min(len(p), 32<<10)])
				}
				h.Sum(nil)
			})
		}
		wg.Wait()
	}
	gib := float64(b.N) * float64(len(data)*parts) / (1 << 30)
	b.ReportMetric((cpuTime()-cpu0).Seconds()/gib, "cpu-s/GiB")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
