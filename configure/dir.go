package configure

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DirEnv names the environment variable that moves the settings directory.
const DirEnv = "QCLI_CONFIG_DIR"

// DefaultDir returns the settings directory: $QCLI_CONFIG_DIR, else
// ~/.qcli. getenv is os.Getenv when nil; tests pass a fake so the real home
// is never touched.
func DefaultDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv(DirEnv); d != "" {
		return d, nil
	}
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return "", errors.New("cannot find your home directory for ~/.qcli: set HOME, or set " + DirEnv + " to the settings directory")
	}
	return filepath.Join(home, ".qcli"), nil
}
