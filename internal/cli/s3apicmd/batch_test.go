package s3apicmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// s3api commands run in a qcli run batch, their answers in its JSON lines.
func TestInABatch(t *testing.T) {
	e := clitest.New(t)
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte("s3api create-bucket --bucket batched\n"), 0o644)
	e.MustRun("run", batch)
	os.WriteFile(batch, []byte("s3api put-object --bucket batched --key k --tagging a=b\ns3api get-object-tagging --bucket batched --key k\n"), 0o644)
	out := e.MustRun("--output", "json", "run", "--concurrency", "1", batch).Stdout
	var tagging map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var v struct {
			Line   int
			Output []map[string]any
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if v.Line == 2 && len(v.Output) == 1 {
			tagging = v.Output[0]
		}
	}
	if get(tagging, "TagSet", 0, "Key") != "a" {
		t.Errorf("the batch printed %s", out)
	}
}
