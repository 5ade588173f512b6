package cmdtest

import (
	"io"
	"os"
	"reflect"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// Inputs drops what a Factory gives (functions, streams, readers and
// writers, the Factory, clients) at any depth and keeps what the command
// line gives, pointers and interfaces included: a flag table over s3api's
// Input (an any) or a parsed *struct can fail. Before, every interface and
// every pointer to a struct was dropped.
func TestInputsKeepsOnlyWhatTheCommandLineGave(t *testing.T) {
	type parsed struct{ Pattern string }
	type nested struct {
		Hook func()
		Name *string
		Rule *parsed
	}
	type options struct {
		IO      *iostreams.IOStreams
		F       *cmdutil.Factory
		S3      *client.Client
		Client  func() error
		Out     io.Writer
		In      io.Reader
		File    *os.File
		Target  string
		Keys    []string
		Input   any
		Nested  nested
		private func()
	}
	name := "n"
	got := Inputs(options{IO: &iostreams.IOStreams{}, F: &cmdutil.Factory{}, S3: &client.Client{}, Client: func() error { return nil },
		Out: os.Stdout, In: os.Stdin, File: os.Stderr, Target: "s3://b", Keys: []string{"k"}, Input: &parsed{Pattern: "in"},
		Nested: nested{Hook: func() {}, Name: &name, Rule: &parsed{Pattern: "*.txt"}}})
	want := options{Target: "s3://b", Keys: []string{"k"}, Input: &parsed{Pattern: "in"},
		Nested: nested{Name: &name, Rule: &parsed{Pattern: "*.txt"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inputs = %+v, want %+v", got, want)
	}
}
