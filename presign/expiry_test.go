package presign_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/presign"
)

func TestParseExpiry(t *testing.T) {
	good := map[string]time.Duration{
		"1": time.Second, "90": 90 * time.Second, "604800": 7 * 24 * time.Hour, " 15m ": 15 * time.Minute,
		"12h": 12 * time.Hour, "7d": 7 * 24 * time.Hour, "1h30m": 90 * time.Minute, "1d12h": 36 * time.Hour,
		"30s": 30 * time.Second, "0001": time.Second,
	}
	for in, want := range good {
		if got, err := presign.ParseExpiry(in); err != nil || got != want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"": "not a number", "0": "shorter than 1 second", "0s": "shorter than 1 second", "-5": "negative",
		"-1h": "negative", "604801": "longer than 7 days", "8d": "longer than 7 days", "7d1s": "longer than 7 days",
		"99999999999999999999d": "longer than 7 days", "abc": "not a number", "1.5h": "not a number", "15M": "not a number",
		"h": "not a number", "12h30": "not a number", "1w": "not a number", "1 h": "not a number", "+5": "not a number",
	}
	for in, problem := range bad {
		_, err := presign.ParseExpiry(in)
		var ve *client.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Problem, problem) {
			t.Errorf("ParseExpiry(%q) = %v; want a ValidationError saying %q", in, err, problem)
		}
	}
}

// FuzzParseExpiry: whatever the input, the parser neither panics nor returns
// a lifetime SigV4 would refuse, and what it accepts round-trips as seconds.
func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"90", "15m", "12h", "7d", "1h30m", "0", "-5", "8d", "abc", "99999999999999999999d", "1d1d1d1d1d1d1d1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := presign.ParseExpiry(s)
		if err != nil {
			var ve *client.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseExpiry(%q): %T %v, want *client.ValidationError", s, err, err)
			}
			return
		}
		if presign.CheckExpiry(d) != nil {
			t.Fatalf("ParseExpiry(%q) = %v, outside 1s..7d", s, d)
		}
		if again, err := presign.ParseExpiry(strconv.FormatInt(int64(d/time.Second), 10)); err != nil || again != d {
			t.Fatalf("%v does not round-trip as seconds: %v, %v", d, again, err)
		}
	})
}
