package transfer

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"

	md5simd "github.com/minio/md5-simd"
)

// TestMD5LanesMatchCryptoMD5 hashes many parts at once on the lanes, fed
// in writes of awkward sizes (around the 64-byte block and md5-simd's
// 32 KiB internal block), and compares every sum with crypto/md5.
func TestMD5LanesMatchCryptoMD5(t *testing.T) {
	var lanes md5Lanes
	writes := []int{1, 63, 64, 65, 1000, 32<<10 - 1, 32 << 10, 32<<10 + 1, 100 << 10}
	for _, parallel := range []int{1, minLanes, 16, 24} {
		t.Run(fmt.Sprint("parallel=", parallel), func(t *testing.T) {
			hs := lanes.hashers(parallel)
			var wg sync.WaitGroup
			for i := range parallel {
				wg.Go(func() {
					data := bytes.Repeat([]byte{byte(i), byte(i * 7), 3}, 50_000+i*1_001)
					h := hs.New()
					defer h.Close()
					for p, k := data, 0; len(p) > 0; k++ {
						n := min(len(p), writes[(i+k)%len(writes)])
						h.Write(p[:n])
						p = p[n:]
					}
					if got, want := h.Sum(nil), md5.Sum(data); !bytes.Equal(got, want[:]) {
						t.Errorf("part %d: lanes give %x, crypto/md5 %x", i, got, want)
					}
					withSHA256 := i%2 == 1
					sum, n, err := sumWith(hs.New(), bytes.NewReader(data), &copyBuffers{}, sumOpts{sha256: withSHA256})
					if err != nil || n != int64(len(data)) || sum.md5 != md5.Sum(data) {
						t.Errorf("part %d: sum gives %x, %d bytes, %v", i, sum.md5, n, err)
					}
					wantSHA := ""
					if withSHA256 {
						s := sha256.Sum256(data)
						wantSHA = hex.EncodeToString(s[:])
					}
					if sum.sha256 != wantSHA {
						t.Errorf("part %d: SHA-256 %q, want %q", i, sum.sha256, wantSHA)
					}
				})
			}
			wg.Wait()
			hs.Close()
			hs.Close() // a second Close does nothing
			if lanes.cur != nil || lanes.users != 0 {
				t.Errorf("after the last Close: server %v, %d users; want none", lanes.cur, lanes.users)
			}
		})
	}
}

// TestMD5LanesShared checks that transfers running at once share one
// server, which stops only when the last of them is done with it.
func TestMD5LanesShared(t *testing.T) {
	var lanes md5Lanes
	a, b := lanes.hashers(16), lanes.hashers(8)
	ha, hb := a.New(), b.New()
	if lanes.cur == nil || ha.(*laneHasher).s != hb.(*laneHasher).s {
		t.Fatal("two transfers at once got different servers; want one shared")
	}
	ha.Close()
	a.Close()
	if lanes.cur == nil {
		t.Fatal("the server stopped while a transfer still used it")
	}
	hb.Write([]byte("abc"))
	if got, want := hb.Sum(nil), md5.Sum([]byte("abc")); !bytes.Equal(got, want[:]) {
		t.Fatalf("after the other transfer closed: %x, want %x", got, want)
	}
	hb.Close()
	if lanes.cur == nil {
		t.Fatal("the server stopped between two parts of a transfer still open")
	}
	b.Close()
	if lanes.cur != nil {
		t.Fatal("the server outlived its last transfer")
	}
	if small := lanes.hashers(minLanes - 1); small.lanes != nil {
		t.Fatalf("a transfer of %d parts at once got lanes; want crypto/md5", minLanes-1)
	}
}

// TestMD5LanesRecycle hashes more parts than one server makes hashers for,
// a few at a time: every sum is right, a fresh server takes over, and the
// old one stops once its last hasher is closed.
func TestMD5LanesRecycle(t *testing.T) {
	var lanes md5Lanes
	hs := lanes.hashers(16)
	var open []md5simd.Hasher
	servers := map[*laneServer]bool{}
	for i := range 3*recycleAfter + 5 {
		h := hs.New()
		servers[h.(*laneHasher).s] = true
		data := []byte(fmt.Sprint("part ", i))
		h.Write(data)
		if got, want := h.Sum(nil), md5.Sum(data); !bytes.Equal(got, want[:]) {
			t.Fatalf("part %d: %x, want %x", i, got, want)
		}
		open = append(open, h)
		if len(open) == 5 { // a few parts stay open across the switch to a new server
			for _, h := range open {
				h.Close()
			}
			open = open[:0]
		}
	}
	for _, h := range open {
		h.Close()
	}
	if len(servers) != 4 {
		t.Errorf("%d hashers came from %d servers; want 4", 3*recycleAfter+5, len(servers))
	}
	for s := range servers {
		if s.live != 0 {
			t.Errorf("a server has %d live hashers after all were closed", s.live)
		}
	}
	hs.Close()
	if lanes.cur != nil {
		t.Error("the server outlived its last transfer")
	}
}
