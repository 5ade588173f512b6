//go:build !linux && !darwin && !freebsd && !netbsd

package transfer

import (
	"os"
	"time"
)

// changeTime is unknown here: size, modification time and identity
// (os.SameFile) are checked without it.
func changeTime(os.FileInfo) time.Time { return time.Time{} }
