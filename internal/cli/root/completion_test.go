package root

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

var completionFiles = map[string]string{"bash": "qcli.bash", "zsh": "qcli.zsh", "fish": "qcli.fish", "powershell": "qcli.ps1"}

// TestCompletionsAreCurrent fails when a command or flag changed without
// regenerating completions/. Regenerate with: go run ./cmd/qcli completion SHELL > completions/FILE
// (or QCLI_UPDATE_COMPLETIONS=1 go test ./internal/cli/root/).
func TestCompletionsAreCurrent(t *testing.T) {
	for _, shell := range Shells {
		ios, _, _, _ := iostreams.Test()
		var got bytes.Buffer
		if err := WriteCompletion(NewCmdRoot(&cmdutil.Factory{IO: ios}), shell, &got); err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		path := filepath.Join("..", "..", "..", "completions", completionFiles[shell])
		if os.Getenv("QCLI_UPDATE_COMPLETIONS") == "1" {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (generate it: go run ./cmd/qcli completion %s > completions/%s)", shell, err, shell, completionFiles[shell])
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("completions/%s is stale: run QCLI_UPDATE_COMPLETIONS=1 go test ./internal/cli/root/ and commit it", completionFiles[shell])
		}
	}
}
