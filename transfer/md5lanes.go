package transfer

import (
	"sync"

	md5simd "github.com/minio/md5-simd"
)

// minLanes is the fewest parts in flight at once for which the parts of a
// transfer are hashed on md5-simd's lanes rather than with crypto/md5 each.
// Lanes left empty cost their share: BenchmarkPartMD5 on a 2-core AMD EPYC
// (AVX-512) measured, in CPU seconds per GiB hashed, crypto/md5 1.40 at any
// count; md5-simd 2.3 for 1 part at a time, 2.0 for 2, 1.2 for 4, 0.6-0.8
// for 8 and 0.5 for 16.
const minLanes = 4

// recycleAfter is how many hashers one md5-simd server makes before a
// fresh one takes over: md5-simd v1.1.2 never forgets a closed hasher (its
// server deletes the wrong map key), and visits every one it remembers on
// each pass, so a server that outlived thousands of parts would spend more
// time walking them than hashing.
const recycleAfter = 128

// md5Lanes hashes the parts of multipart transfers side by side: md5-simd
// runs up to 16 MD5 computations in one pass of AVX-512 instructions (8
// with AVX2) on one goroutine, which the parts in flight at once feed.
// Without AVX2 (or on other architectures) it falls back to crypto/md5.
// A server (one goroutine and 1.5 MiB of buffers) runs while transfers use
// it and is shared by all of a Manager's transfers, whose parts then fill
// the lanes together.
type md5Lanes struct {
	mu    sync.Mutex
	users int         // transfers holding the lanes open
	cur   *laneServer // the server new hashers come from; nil until needed
}

// laneServer is one md5-simd server and the hashers it has made.
type laneServer struct {
	srv        md5simd.Server
	made, live int
}

// partHashers lends one transfer its part hashers; Close it once every
// hasher it lent is closed.
type partHashers struct {
	lanes *md5Lanes // nil: crypto/md5
}

// hashers returns the part hashers of a transfer that hashes up to
// parallel parts at once.
func (l *md5Lanes) hashers(parallel int) *partHashers {
	if parallel < minLanes {
		return &partHashers{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.users++
	return &partHashers{lanes: l}
}

// Close releases the lanes; the server stops when no transfer uses it.
func (p *partHashers) Close() {
	l := p.lanes
	if l == nil {
		return
	}
	p.lanes = nil
	l.mu.Lock()
	defer l.mu.Unlock()
	l.users--
	if s := l.cur; l.users == 0 && s != nil && s.live == 0 {
		s.srv.Close()
		l.cur = nil
	}
}

// New returns a hasher for one part; Close it after its Sum.
func (p *partHashers) New() md5simd.Hasher {
	l := p.lanes
	if l == nil {
		return md5simd.StdlibHasher()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.cur; s == nil || s.made >= recycleAfter {
		if s != nil && s.live == 0 {
			s.srv.Close()
		}
		l.cur = &laneServer{srv: md5simd.NewServer()}
	}
	s := l.cur
	s.made++
	s.live++
	return &laneHasher{Hasher: s.srv.NewHash(), lanes: l, s: s}
}

// laneHasher is a hasher on a lane server; closing the last one of a
// server that is no longer current, or no longer used, stops the server.
type laneHasher struct {
	md5simd.Hasher
	lanes *md5Lanes
	s     *laneServer
}

func (h *laneHasher) Close() {
	if h.s == nil {
		return
	}
	h.Hasher.Close()
	l, s := h.lanes, h.s
	h.s = nil
	l.mu.Lock()
	defer l.mu.Unlock()
	s.live--
	if s.live == 0 && (s != l.cur || l.users == 0) {
		s.srv.Close()
		if s == l.cur {
			l.cur = nil
		}
	}
}
