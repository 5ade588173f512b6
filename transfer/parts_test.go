package transfer

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRunPartsPreparesInOrderAndSendsEveryPart(t *testing.T) {
	var prepared []int
	var mu sync.Mutex
	sent := map[int]string{}
	var inFlight, peak atomic.Int32
	err := RunParts(context.Background(), 20, 3,
		func(_ context.Context, n int) (string, error) {
			prepared = append(prepared, n) // the calling goroutine only: no lock
			return strings.Repeat("x", n), nil
		},
		func(_ context.Context, n int, part string) error {
			cur := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if cur <= p || peak.CompareAndSwap(p, cur) {
					break
				}
			}
			mu.Lock()
			sent[n] = part
			mu.Unlock()
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range prepared {
		if n != i+1 {
			t.Fatalf("prepared out of order: %v", prepared)
		}
	}
	if len(sent) != 20 || sent[7] != "xxxxxxx" || peak.Load() > 3 {
		t.Errorf("sent %d parts, peak %d in flight", len(sent), peak.Load())
	}
}

func TestRunPartsStopsAtTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	var sends atomic.Int32
	err := RunParts(context.Background(), 1000, 1,
		func(ctx context.Context, n int) (int, error) { return n, ctx.Err() },
		func(_ context.Context, n int, _ int) error {
			sends.Add(1)
			if n == 2 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) || sends.Load() > 3 {
		t.Errorf("err %v after %d sends", err, sends.Load())
	}
	err = RunParts(context.Background(), 5, 2,
		func(_ context.Context, n int) (int, error) {
			if n == 3 {
				return 0, boom
			}
			return n, nil
		},
		func(context.Context, int, int) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("prepare error: %v", err)
	}
}

func TestProgressReaderCountsRereadBytesOnce(t *testing.T) {
	var total int64
	r := NewProgressReader(strings.NewReader("0123456789"), func(n int64) { total += n })
	_, _ = io.ReadAll(r)
	_, _ = r.Seek(0, io.SeekStart)
	_, _ = io.ReadAll(r)
	if total != 10 {
		t.Errorf("reported %d bytes, want 10", total)
	}
}
