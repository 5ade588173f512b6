package client_test

import (
	"bytes"
	"encoding/json"
	"go/version"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// codeNeedsGo is the lowest Go release the module's own code builds and
// vets with, found with `GOTOOLCHAIN=goX.Y.0 go vet ./...` against
// dependencies old enough not to decide it: go1.24.0 builds every package
// (aws-sdk-go-v2 itself declares go 1.24); the tests use
// sync.WaitGroup.Go, new in go1.25. Raise it with new evidence when code
// starts using something newer.
const codeNeedsGo = "go1.25.0"

// Issue 11 D27: go.mod's go line forced importers up to a patch release
// (1.26.8). It must be the lowest version that works: the larger of what
// the code needs and what the required modules declare, a .0 release.
func TestGoLineIsTheLowestNeeded(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := ""
	for _, line := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			goLine = "go" + strings.TrimSpace(v)
		}
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cmd := exec.Command(gobin, "list", "-m", "-json=Path,GoVersion,Main", "all")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list -m all (needs the module cache or the proxy): %v", err)
	}
	need, by := codeNeedsGo, "the code"
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var m struct {
			Path, GoVersion string
			Main            bool
		}
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if v := "go" + m.GoVersion; !m.Main && m.GoVersion != "" && version.Compare(v, need) > 0 {
			need, by = v, m.Path
		}
	}
	if version.Compare(goLine, need) != 0 {
		t.Errorf("go.mod says %s; the lowest that works is %s (set by %s)", goLine, need, by)
	}
}
