// Package humanize formats byte counts as people read them.
package humanize

import "fmt"

// Bytes renders n as the AWS CLI's --human-readable does: "1 Byte",
// "512 Bytes", "1.5 KiB", "2.0 GiB".
func Bytes(n int64) string {
	if n == 1 {
		return "1 Byte"
	}
	if n < 1024 && n > -1024 {
		return fmt.Sprintf("%d Bytes", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n) / 1024
	i := 0
	for (v >= 1024 || v <= -1024) && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
