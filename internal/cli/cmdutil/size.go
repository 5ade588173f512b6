package cmdutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the suffixes ParseSize reads, longest first so that "KiB"
// is not read as "B". As in the AWS CLI's configuration (multipart_chunksize),
// KB, MB and GB mean KiB, MiB and GiB.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"tb", 1 << 40},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
}

// ParseSize reads a byte count given on the command line (--part-size,
// --multipart-threshold, --expected-size): a whole number with an optional
// unit, any case, spaces allowed ("8MiB", "8mb", "5 MiB", "1048576"). It
// refuses fractions, signs and sizes that do not fit in an int64; zero is
// allowed, callers refuse it where it makes no sense.
func ParseSize(s string) (int64, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 63) // digits only: no sign, no fraction, no "_"
	if err != nil || int64(n) > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size: use a number of bytes or a size such as 8MiB, 64MB or 1048576", s)
	}
	return int64(n) * mult, nil
}
