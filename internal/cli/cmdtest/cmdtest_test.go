package cmdtest

import (
	"io"
	"os"
	"reflect"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// Inputs drops what a Factory gives (functions, streams, writers) at any
// depth and keeps what the command line gives, pointers to values included.
func TestInputsKeepsOnlyWhatTheCommandLineGave(t *testing.T) {
	type nested struct {
		Hook func()
		Name *string
	}
	type options struct {
		IO      *iostreams.IOStreams
		Client  func() error
		Out     io.Writer
		Target  string
		Keys    []string
		Nested  nested
		private func()
	}
	name := "n"
	got := Inputs(options{IO: &iostreams.IOStreams{}, Client: func() error { return nil }, Out: os.Stdout,
		Target: "s3://b", Keys: []string{"k"}, Nested: nested{Hook: func() {}, Name: &name}})
	want := options{Target: "s3://b", Keys: []string{"k"}, Nested: nested{Name: &name}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inputs = %+v, want %+v", got, want)
	}
}
