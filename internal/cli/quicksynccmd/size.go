package quicksynccmd

import (
	"fmt"
	"strconv"
	"strings"
)

// parseSize reads a byte count as the AWS CLI reads multipart_chunksize:
// a number with an optional unit, where KB, MB and GB mean KiB, MiB and
// GiB ("8MB", "8MiB", "8388608"). It reads sizes as s3cmd's parseSize
// does; both belong in cmdutil once that package is free to change.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1}}
	v := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size: use a number of bytes or e.g. 8MiB", s)
	}
	return n * mult, nil
}
