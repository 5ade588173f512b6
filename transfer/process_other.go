//go:build !unix

package transfer

import "os"

// processRunning reports whether a process with this ID exists: on
// Windows, FindProcess opens the process and fails when there is none.
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
