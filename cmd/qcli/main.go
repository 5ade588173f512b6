// Command qcli is the command line for QStorage and QuickSync.
package main

import (
	"os"

	"github.com/quilibrium/qcli/internal/cli/root"
)

func main() {
	os.Exit(root.Main())
}
