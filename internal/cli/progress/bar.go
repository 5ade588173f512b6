package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/quilibrium/qcli/transfer"
)

// bar draws a progressbar/v3 bar of bytes (with rate and ETA) described
// by "objects done of total". Its total grows as a listing streams in.
type bar struct {
	mu  sync.Mutex
	b   *progressbar.ProgressBar
	c   counts
	max int64
}

func newBar(w io.Writer) *bar {
	return &bar{b: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription("0 of 0 objects"),
	)}
}

func (b *bar) Event(ev transfer.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.c.add(ev)
	if b.c.total != b.max && !b.c.unknown {
		b.max = b.c.total
		b.b.ChangeMax64(max(b.max, 1))
	}
	switch ev.Type {
	case transfer.Bytes:
		_ = b.b.Add64(ev.Bytes)
	case transfer.Done, transfer.Failed, transfer.Queued:
		desc := fmt.Sprintf("%d of %d objects", b.c.done, b.c.objects)
		if b.c.failed > 0 {
			desc += fmt.Sprintf(" (%d failed)", b.c.failed)
		}
		b.b.Describe(desc)
	}
}

// Print clears the bar so the line is not drawn over it; the bar comes
// back with the next update.
func (b *bar) Print(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.b.Clear()
	f()
}

func (b *bar) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.b.Finish()
}
