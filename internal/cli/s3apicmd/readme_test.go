package s3apicmd

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

const (
	readmePath  = "../../../README.md"
	tableStart  = "<!-- s3api operations: generated; QCLI_UPDATE_README=1 go test ./internal/cli/s3apicmd/ rewrites it -->\n"
	tableFinish = "<!-- end of s3api operations -->\n"
)

// operationTable is README's table of the s3api commands.
func operationTable() string {
	var b strings.Builder
	b.WriteString("| command | S3 operation | required flags | |\n|---|---|---|---|\n")
	for _, op := range client.Operations() {
		sdk := sdkOperations[op.Name]
		var required []string
		for name := range requiredFlags(sdk) {
			required = append(required, "`--"+name+"`")
		}
		slices.Sort(required)
		if hasStreamedBody(sdk.output) {
			required = append(required, "OUTFILE")
		}
		note := ""
		if _, ok := paginators[op.Name]; ok {
			note = "pages"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", op.CLIName(), op.Name, strings.Join(required, " "), note)
	}
	return b.String()
}

// TestReadmeListsEveryOperation keeps README's table of operations current.
func TestReadmeListsEveryOperation(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start, finish := strings.Index(readme, tableStart), strings.Index(readme, tableFinish)
	if start < 0 || finish < start {
		t.Fatalf("README lacks the markers of the s3api table:\n%s%s", tableStart, tableFinish)
	}
	current := readme[start+len(tableStart) : finish]
	want := operationTable()
	if os.Getenv("QCLI_UPDATE_README") == "1" && current != want {
		readme = readme[:start+len(tableStart)] + want + readme[finish:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if current != want {
		t.Errorf("README's table of s3api operations is stale: run QCLI_UPDATE_README=1 go test ./internal/cli/s3apicmd/ and commit README.md")
	}
}
