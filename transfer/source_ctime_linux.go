package transfer

import (
	"os"
	"syscall"
	"time"
)

// changeTime is the file's status change time (ctime), which no write can
// leave unchanged and no user can set back; zero where unknown.
func changeTime(info os.FileInfo) time.Time {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec)) //nolint:unconvert // int32 on 32-bit platforms
	}
	return time.Time{}
}
