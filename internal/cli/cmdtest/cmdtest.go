// Package cmdtest tests the commands' flag parsing the GitHub CLI's way.
// Every NewCmdX takes a runF which, when set, receives the Options the
// command would run with instead of running it (cmdutil.Run). A table of
// command lines and the Options, or the error, each must give then runs
// with no client built, no file read but the test's, and nothing sent;
// what the command does with its Options is tested through runX.
package cmdtest

import (
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// Factory is a Factory over test streams and an environment that holds
// env and nothing else, with a settings directory of the test's own.
func Factory(t testing.TB, env map[string]string) *cmdutil.Factory {
	vars := map[string]string{"QCLI_CONFIG_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return vars[k] }}
}

// NewCmd builds the command under test with runF, over a Factory of the
// test's.
type NewCmd[O any] func(runF func(context.Context, *O) error) *cobra.Command

// Case is a command line (the command's own arguments and flags) and what
// it must parse into.
type Case[O any] struct {
	Args []string
	// Want is what runF must receive when Err is empty, compared by
	// Inputs: the dependencies (clients, printers, streams) are not
	// compared.
	Want O
	// Err, when set, is a part of the error the command must fail with
	// before runF is called, and Code that error's exit code.
	Err  string
	Code int
}

// Run runs each case as a subtest named by its command line.
func Run[O any](t *testing.T, newCmd NewCmd[O], cases []Case[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.Join(tc.Args, " "), func(t *testing.T) {
			got, err := Parse(newCmd, tc.Args...)
			switch {
			case tc.Err != "":
				if got != nil || err == nil || !strings.Contains(err.Error(), tc.Err) || cmdutil.ExitCode(err) != tc.Code {
					t.Errorf("got %+v, error %v (exit %d); want an error with %q, exit %d", got, err, cmdutil.ExitCode(err), tc.Err, tc.Code)
				}
			case err != nil:
				t.Errorf("error %v (exit %d)", err, cmdutil.ExitCode(err))
			case got == nil:
				t.Error("runF was not called")
			case !reflect.DeepEqual(Inputs(*got), Inputs(tc.Want)):
				t.Errorf("Options\n got %+v\nwant %+v", Inputs(*got), Inputs(tc.Want))
			}
		})
	}
}

// Parse runs a command line through newCmd and returns the Options its
// runF received: nil when the command failed before it. Flag errors are
// FlagErrors, as under the root command.
func Parse[O any](newCmd NewCmd[O], args ...string) (*O, error) {
	var got *O
	cmd := newCmd(func(_ context.Context, o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	err := cmd.ExecuteContext(context.Background())
	return got, err
}

// Inputs is o with its dependencies zeroed, at any depth of its struct
// fields (see isDependency). What is left is what the command line gave,
// pointers and interfaces included (s3api's Input, a parsed filter), so two
// Options compare with reflect.DeepEqual and a flag that fills one of them
// wrongly fails its test.
func Inputs[O any](o O) O {
	zeroDependencies(reflect.ValueOf(&o).Elem())
	return o
}

func zeroDependencies(v reflect.Value) {
	if v.Kind() != reflect.Struct {
		return
	}
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case !f.CanSet():
		case isDependency(f.Type()):
			f.SetZero()
		case f.Kind() == reflect.Struct:
			zeroDependencies(f)
		}
	}
}

var (
	readerType = reflect.TypeFor[io.Reader]()
	writerType = reflect.TypeFor[io.Writer]()
	// dependencyTypes are what a Factory hands a command, besides
	// functions and streams.
	dependencyTypes = []reflect.Type{reflect.TypeFor[*iostreams.IOStreams](), reflect.TypeFor[*cmdutil.Factory](),
		reflect.TypeFor[*client.Client](), reflect.TypeFor[*console.Client](), reflect.TypeFor[*quicksync.Client]()}
)

// isDependency says whether a field of type t is given by the Factory,
// not by the command line: a function (a client, printer, clock or
// environment getter, never equal to another), a stream (anything that
// reads or writes), the IO streams, the Factory itself or an API client.
func isDependency(t reflect.Type) bool {
	return t.Kind() == reflect.Func || t.Implements(readerType) || t.Implements(writerType) ||
		slices.Contains(dependencyTypes, t)
}
