package transfer

import (
	"io"
	"sync"
)

// copyBufferSize is the buffer each range (and each hashed section of a
// file) is read through. Filling it before writing turns the few KiB a
// socket read often returns into one write to the file and one to the
// hash, and gives md5-simd's lanes equal, full blocks: a 256 MiB download
// took 1.9-2.0 CPU s/GiB against 2.4-2.6 with io.Copy's writes of whatever
// arrived. Larger buffers looked cheaper at first (1.6-1.8 at 128 and
// 256 KiB) but, on Linux 6.18 with ext4, 16 goroutines writing 128 KiB or
// more at a time into one file hit a kernel slow path once the page cache
// had churned (3-4 times the system time, in copy_folio_from_iter_atomic
// under pwrite), which 32 KiB writes never did in the same runs.
const copyBufferSize = 32 << 10

// copyBuffers lends the buffers of copyFull.
type copyBuffers struct{ pool sync.Pool }

func (c *copyBuffers) get() *[]byte {
	if b, ok := c.pool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, copyBufferSize)
	return &b
}

func (c *copyBuffers) put(b *[]byte) { c.pool.Put(b) }

// copyFull copies r to w as io.Copy does, but fills a whole buffer from r
// before each write (the last may be shorter). What was read before a read
// error is written before the error is returned, so the count is exact.
func (c *copyBuffers) copyFull(w io.Writer, r io.Reader) (written int64, err error) {
	bp := c.get()
	defer c.put(bp)
	buf := *bp
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			k, werr := w.Write(buf[:n])
			written += int64(k)
			if werr != nil {
				return written, werr
			}
			if k < n {
				return written, io.ErrShortWrite
			}
		}
		switch rerr {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF: // ReadFull's words for the end of r
			return written, nil
		default:
			return written, rerr
		}
	}
}
