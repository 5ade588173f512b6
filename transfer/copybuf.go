package transfer

import (
	"io"
	"sync"
)

// copyBufferSize is the buffer each range (and each hashed section of a
// file) is read through. Filling it before writing turns the few KiB a
// socket read returns into one write to the file and one to the hash:
// fewer system calls, and md5-simd's lanes get equal, full blocks. It costs
// Options.Concurrency buffers of memory. Measured on a 256 MiB download
// (2-core AMD EPYC, Linux 6.18, ext4): 32 KiB 1.9-2.0 CPU s/GiB, 64 and
// 128 KiB 1.5-1.9; 256 KiB as good at first, but once the page cache had
// churned, 16 goroutines writing 256 KiB at a time into one file spent
// 3-4 times the system time in the kernel's copy into the page cache.
const copyBufferSize = 128 << 10

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
