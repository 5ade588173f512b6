package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quilibrium/qcli/transfer"
)

func TestResolve(t *testing.T) {
	cases := []struct {
		m                  Mode
		tty, quiet, asJSON bool
		want               Mode
	}{
		{Auto, true, false, false, Bar},
		{Auto, false, false, false, Log},
		{Auto, true, true, false, None},
		{Auto, true, false, true, None},
		{Bar, false, false, true, Bar}, // asked for explicitly, even with --output json
		{Bar, true, true, false, None}, // but --quiet wins over an explicit mode
		{Log, false, true, false, None},
	}
	for _, c := range cases {
		if got := Resolve(c.m, c.tty, c.quiet, c.asJSON); got != c.want {
			t.Errorf("Resolve(%v, tty=%v, quiet=%v, json=%v) = %v, want %v", c.m, c.tty, c.quiet, c.asJSON, got, c.want)
		}
	}
	if _, err := ParseMode("loud"); err == nil {
		t.Error("ParseMode accepted loud")
	}
}

// lineWriter signals each write, so a test can wait for the first tick.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return w.buf.Write(p)
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func feed(d Display) {
	for i := range 3 {
		d.Event(transfer.Event{Type: transfer.Queued, Size: 1000})
		d.Event(transfer.Event{Type: transfer.Started, Size: 1000})
		d.Event(transfer.Event{Type: transfer.Bytes, Bytes: 1000})
		if i < 2 {
			d.Event(transfer.Event{Type: transfer.Done})
		} else {
			d.Event(transfer.Event{Type: transfer.Failed})
		}
	}
}

func TestLogModeWritesPlainLines(t *testing.T) {
	w := &lineWriter{wrote: make(chan struct{}, 1)}
	d := New(Log, w, time.Millisecond)
	feed(d)
	select {
	case <-w.wrote:
	case <-time.After(time.Minute):
		t.Fatal("no progress line")
	}
	d.Close()
	out := w.String()
	if strings.Contains(out, "\r") || !strings.Contains(out, "progress: 2 of 3 objects, 2.9 KiB of 2.9 KiB") || !strings.Contains(out, "1 failed") {
		t.Errorf("log output %q", out)
	}
}

func TestQuietLogForShortCommands(t *testing.T) {
	var buf bytes.Buffer
	d := New(Log, &buf, time.Hour)
	feed(d)
	d.Close()
	if buf.Len() != 0 {
		t.Errorf("a command shorter than the interval logged %q", buf.String())
	}
}

func TestBarDraws(t *testing.T) {
	var buf bytes.Buffer
	d := New(Bar, &buf, 0)
	feed(d)
	printed := false
	d.Print(func() { printed = true })
	d.Close()
	if !printed || !strings.Contains(buf.String(), " objects") {
		t.Errorf("bar output %q", buf.String())
	}
}
