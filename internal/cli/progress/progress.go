// Package progress turns the transfer package's events into what a person
// or a CI log wants to see on stderr: a progressbar/v3 bar on a terminal,
// a plain line every few seconds in a log (no carriage returns), or
// nothing.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/quilibrium/qcli/internal/humanize"
	"github.com/quilibrium/qcli/transfer"
)

// Mode is a --progress value.
type Mode string

// Modes. Auto picks Bar on a terminal stderr, Log otherwise, and None
// with --quiet or --output json.
const (
	Auto Mode = "auto"
	Bar  Mode = "bar"
	Log  Mode = "log"
	None Mode = "none"
)

// ParseMode accepts auto, bar, log or none.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(s)); m {
	case Auto, Bar, Log, None:
		return m, nil
	}
	return "", fmt.Errorf("invalid --progress %q: use auto, bar, log or none", s)
}

// Resolve turns Auto into the concrete mode for these circumstances.
// --quiet means no progress whatever the mode, even an explicit one.
func Resolve(m Mode, stderrTTY, quiet, jsonOutput bool) Mode {
	switch {
	case quiet:
		return None
	case m != Auto:
		return m
	case jsonOutput:
		return None
	case stderrTTY:
		return Bar
	}
	return Log
}

// DefaultInterval is how often Log mode writes a line.
const DefaultInterval = 5 * time.Second

// Display shows progress. Event must be called with every transfer event
// (calls may come from many goroutines); Print runs a function that
// writes a result line, so that a bar is cleared first and redrawn after.
type Display interface {
	Event(transfer.Event)
	Print(func())
	Close()
}

// New returns the display for mode (not Auto; see Resolve) writing to w.
// interval is Log mode's period (DefaultInterval when 0).
func New(mode Mode, w io.Writer, interval time.Duration) Display {
	switch mode {
	case Bar:
		return newBar(w)
	case Log:
		if interval <= 0 {
			interval = DefaultInterval
		}
		return newLogger(w, interval, time.Now)
	}
	return none{}
}

type none struct{}

func (none) Event(transfer.Event) {}
func (none) Print(f func())       { f() }
func (none) Close()               {}

// counts is the state every display keeps.
type counts struct {
	objects, done, failed int64
	total, bytes          int64
	unknown               bool // some object's size is unknown (a stream)
}

// add folds one event into the counts. A Started event for an object no
// tree queued (a single cp) counts it now.
func (c *counts) add(ev transfer.Event) {
	if ev.Type == transfer.Started && c.objects <= c.done+c.failed {
		c.objects++
		c.total += max(ev.Size, 0)
	}
	switch ev.Type {
	case transfer.Queued:
		c.objects++
		c.total += max(ev.Size, 0)
	case transfer.Started:
		if ev.Size < 0 {
			c.unknown = true
		}
	case transfer.Bytes:
		c.bytes += ev.Bytes
	case transfer.Done:
		c.done++
	case transfer.Failed:
		c.failed++
	}
}

func (c *counts) line(elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d objects, %s", c.done, c.objects, humanize.Bytes(c.bytes))
	if c.total > 0 && !c.unknown {
		fmt.Fprintf(&b, " of %s", humanize.Bytes(c.total))
	}
	if secs := elapsed.Seconds(); secs > 0 {
		fmt.Fprintf(&b, ", %s/s", humanize.Bytes(int64(float64(c.bytes)/secs)))
	}
	if c.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", c.failed)
	}
	return b.String()
}

// logger writes a plain progress line every interval, and a last one at
// the end if it wrote any, so short commands stay quiet.
type logger struct {
	mu      sync.Mutex
	w       io.Writer
	now     func() time.Time
	start   time.Time
	c       counts
	wrote   bool
	stop    chan struct{}
	stopped sync.WaitGroup
}

func newLogger(w io.Writer, interval time.Duration, now func() time.Time) *logger {
	l := &logger{w: w, now: now, start: now(), stop: make(chan struct{})}
	l.stopped.Add(1)
	go l.tick(interval)
	return l
}

func (l *logger) tick(interval time.Duration) {
	defer l.stopped.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.mu.Lock()
			l.write()
			l.mu.Unlock()
		case <-l.stop:
			return
		}
	}
}

func (l *logger) write() {
	fmt.Fprintf(l.w, "progress: %s, %s elapsed\n", l.c.line(l.now().Sub(l.start)), l.now().Sub(l.start).Round(time.Second))
	l.wrote = true
}

func (l *logger) Event(ev transfer.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.c.add(ev)
}

func (l *logger) Print(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

func (l *logger) Close() {
	close(l.stop)
	l.stopped.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.wrote {
		l.write()
	}
}
