package configure

import (
	"fmt"
	"os"
	"runtime"
)

// permissionWarning says when a credentials file can be read by other
// users: it holds secrets, and Save writes it 0600, but a file copied in
// by hand or unpacked from an archive may be 0644. Reading goes on; the
// warning tells the user how to fix it. Windows has no such mode bits.
func permissionWarning(kind FileKind, path string) string {
	if kind != CredentialsFile || runtime.GOOS == "windows" {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s can be read by other users (mode %04o) and holds secrets; run: chmod 600 %s", path, fi.Mode().Perm(), path)
}

// Warnings are problems found while reading the files that do not stop
// qcli: a credentials file other users can read. Each is one line.
func (f *Files) Warnings() []string {
	var out []string
	for _, file := range []*iniFile{f.config, f.credentials} {
		if file.warning != "" {
			out = append(out, file.warning)
		}
	}
	return out
}
