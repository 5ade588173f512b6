package cmdutil_test

import (
	"math/big"
	"strings"
	"testing"
	"unicode"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1024": 1024, "8MiB": 8 << 20, "8MB": 8 << 20, "8mb": 8 << 20, "8M": 8 << 20, "5 MiB": 5 << 20,
		" 1k ": 1024, "2GiB": 2 << 30, "7b": 7, "1TiB": 1 << 40, "512KiB": 512 << 10, "8388608": 8 << 20,
		"8589934591GiB": 8589934591 << 30,
	} {
		if got, err := cmdutil.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "+1", "lots", "1.5MiB", "MiB", "8 8MiB", "0x10", "99999999999999GiB",
		"9223372036854775808", "8589934592GiB", "1e6", "8MiBB", "MiB8"} {
		if n, err := cmdutil.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, n)
		}
	}
}

// sizeMults is the fuzz oracle's own table of units.
var sizeMults = map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
	"mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40}

// FuzzParseSize: whatever the input, ParseSize does not panic, and a size
// it accepts is exactly the number times the unit, computed here without
// overflow, so a wrapped product can never pass for a size.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"8MiB", "5 MiB", "1048576", "0", "-1", "1.5G", "9223372036854775807", "8589934592GiB", "1tb", " 7 b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := cmdutil.ParseSize(s)
		if err != nil {
			return
		}
		v := strings.ToLower(strings.TrimSpace(s))
		num := strings.TrimSpace(strings.TrimRightFunc(v, unicode.IsLetter))
		mult, ok := sizeMults[v[len(strings.TrimRightFunc(v, unicode.IsLetter)):]]
		want, okNum := new(big.Int).SetString(num, 10)
		if !ok || !okNum {
			t.Fatalf("ParseSize(%q) = %d, but %q is not a number and a unit", s, n, s)
		}
		if want.Mul(want, big.NewInt(mult)); n < 0 || want.Cmp(big.NewInt(n)) != 0 {
			t.Fatalf("ParseSize(%q) = %d, want %s", s, n, want)
		}
	})
}
