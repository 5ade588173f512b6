package backoff

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestJitterStaysUnderTheCeiling(t *testing.T) {
	for attempt := 0; attempt <= 64; attempt++ {
		ceiling := min(10*time.Millisecond<<min(max(attempt-1, 0), 30), time.Second)
		if d := Jitter(attempt, 10*time.Millisecond, time.Second); d < 0 || d > ceiling {
			t.Fatalf("attempt %d: %s outside 0..%s", attempt, d, ceiling)
		}
	}
}

func TestWaitPrefersTheServer(t *testing.T) {
	if d := Wait(1, http.Header{"Retry-After": {"2"}}, time.Millisecond, time.Minute); d != 2*time.Second {
		t.Errorf("Retry-After 2: waited %s", d)
	}
	if d := Wait(1, http.Header{"Retry-After": {"600"}}, time.Millisecond, time.Second); d != time.Second {
		t.Errorf("Retry-After beyond the cap: waited %s", d)
	}
	if d := Wait(1, nil, time.Millisecond, time.Second); d > time.Millisecond {
		t.Errorf("no header: waited %s", d)
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a cancelled context: %v", err)
	}
}
