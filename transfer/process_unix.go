//go:build unix

package transfer

import (
	"errors"
	"syscall"
)

// processRunning reports whether a process with this ID exists (signal 0
// checks without signalling; EPERM means it exists but is not ours).
func processRunning(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
