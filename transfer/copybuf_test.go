package transfer

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// sizesWriter records the size of every write.
type sizesWriter struct {
	bytes.Buffer
	sizes []int
}

func (w *sizesWriter) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.Buffer.Write(p)
}

// TestCopyFullWritesWholeBuffers feeds copyFull a reader that returns a
// few bytes at a time, as a socket does: every write but the last is a
// whole buffer, and the bytes arrive intact.
func TestCopyFullWritesWholeBuffers(t *testing.T) {
	var c copyBuffers
	data := bytes.Repeat([]byte("0123456789abcdef"), (2*copyBufferSize+1000)/16)
	var w sizesWriter
	n, err := c.copyFull(&w, iotest.HalfReader(bytes.NewReader(data)))
	if err != nil || n != int64(len(data)) || !bytes.Equal(w.Bytes(), data) {
		t.Fatalf("copied %d of %d bytes, err %v, intact %v", n, len(data), err, bytes.Equal(w.Bytes(), data))
	}
	want := []int{copyBufferSize, copyBufferSize, len(data) - 2*copyBufferSize}
	if len(w.sizes) != len(want) || w.sizes[0] != want[0] || w.sizes[1] != want[1] || w.sizes[2] != want[2] {
		t.Errorf("writes of %v bytes; want %v", w.sizes, want)
	}
}

// TestCopyFullWritesWhatCameBeforeAnError checks that a body breaking off
// mid-buffer still has its bytes written and counted, so that a resumed
// range starts exactly after them.
func TestCopyFullWritesWhatCameBeforeAnError(t *testing.T) {
	var c copyBuffers
	broken := errors.New("connection reset")
	data := bytes.Repeat([]byte{7}, 5000)
	r := io.MultiReader(bytes.NewReader(data), iotest.ErrReader(broken))
	var w sizesWriter
	n, err := c.copyFull(&w, r)
	if !errors.Is(err, broken) || n != 5000 || w.Len() != 5000 {
		t.Fatalf("copyFull = %d, %v with %d bytes written; want 5000, %v, 5000", n, err, w.Len(), broken)
	}
}

// TestCopyFullStopsAtAFailedWrite reports the writer's error (a full disk)
// with the count of what it took.
func TestCopyFullStopsAtAFailedWrite(t *testing.T) {
	var c copyBuffers
	full := errors.New("no space left on device")
	n, err := c.copyFull(failingWriter{err: full, take: 10}, bytes.NewReader(make([]byte, 100)))
	if !errors.Is(err, full) || n != 10 {
		t.Fatalf("copyFull = %d, %v; want 10, %v", n, err, full)
	}
}

type failingWriter struct {
	err  error
	take int
}

func (w failingWriter) Write(p []byte) (int, error) { return min(len(p), w.take), w.err }
