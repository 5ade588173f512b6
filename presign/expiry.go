package presign

import (
	"strconv"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
)

// expiryUnits are the units ParseExpiry knows; d is there because the
// longest lifetime, 7d, is most naturally written in days.
var expiryUnits = map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}

// ParseExpiry parses a lifetime as written on a command line: a whole
// number of seconds ("90") or whole numbers with units s, m, h and d, alone
// or combined ("15m", "12h", "7d", "1h30m"). The result is between
// MinExpiry and MaxExpiry; anything else is a *client.ValidationError.
func ParseExpiry(s string) (time.Duration, error) {
	bad := func(problem string) error {
		return &client.ValidationError{Field: "expiry", Value: s, Problem: problem, Fix: "use 1s to 7d, written as e.g. 90, 15m, 12h or 7d"}
	}
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, bad("is negative")
	}
	d, ok := parseDuration(t)
	switch {
	case !ok:
		return 0, bad("is not a number of seconds or a duration")
	case d < MinExpiry:
		return 0, bad("is shorter than 1 second")
	case d > MaxExpiry:
		return 0, bad("is longer than 7 days")
	}
	return d, nil
}

// parseDuration reads digits-unit groups. It saturates just past MaxExpiry
// instead of overflowing: beyond 7 days the exact value does not matter.
func parseDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if strings.Trim(s, "0123456789") == "" {
		s += "s"
	}
	const ceiling = MaxExpiry + time.Second
	var total time.Duration
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		unit, known := expiryUnits[s[max(i, 0)]]
		if i <= 0 || !known {
			return 0, false
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n > int64(ceiling/unit) {
			n = int64(ceiling/unit) + 1
		}
		total = min(total+time.Duration(n)*unit, ceiling)
		s = s[i+1:]
	}
	return total, true
}
