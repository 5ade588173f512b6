package client

import (
	"testing"
	"time"
)

// The promise behind the defaults: a call against an endpoint that never
// answers ends within a minute. Its attempts stop before their stalls could
// pass DefaultCallTimeout, and the waits between its DefaultMaxAttempts
// attempts are at most the backoff ceilings (refused connections cost
// nothing else). A slow transfer that keeps moving is bounded by nothing
// but DefaultReadTimeout of silence.
func TestDefaultsEndADeadCallWithinAMinute(t *testing.T) {
	worst := DefaultCallTimeout
	for n := 1; n < DefaultMaxAttempts; n++ {
		worst += min(DefaultRetryBaseDelay<<(n-1), DefaultRetryMaxBackoff)
	}
	if worst >= time.Minute {
		t.Errorf("a dead endpoint can take %s with the defaults", worst)
	}
	if max(DefaultReadTimeout, DefaultConnectTimeout)*2 > DefaultCallTimeout {
		t.Errorf("call timeout %s leaves no room for a retry after a stall of %s", DefaultCallTimeout, DefaultReadTimeout)
	}
}
