//go:build !unix

package embedded

import "time"

// lockDir is a no-op where flock is missing; concurrent qcli processes on
// one data directory are then the user's to avoid.
func lockDir(dir string, wait time.Duration) (func(), error) { return func() {}, nil }
