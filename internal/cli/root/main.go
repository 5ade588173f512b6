package root

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
)

// Main runs qcli with the process's arguments and returns the exit code.
func Main() int {
	f := cmdutil.New()
	f.StartEmbedded = embedded.Start
	defer f.Close()

	ctx, stop := signalContext(context.Background())
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// Run executes one command line against f and returns the exit code,
// printing any error as one line on stderr.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	code, msg := Execute(ctx, f, args)
	if msg != "" {
		// The message may quote keys and paths: escaped as every name printed is.
		fmt.Fprintf(f.IO.ErrOut, "qcli: %s\n", output.Name(msg))
	}
	return code
}

// Execute executes one command line against f and returns the exit code
// and, when it failed, the error as one line, unprinted: `qcli run` reports
// each line's error itself.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) (code int, msg string) {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(s3cmd.LineArgs(cmd, args))
	cmd.SetIn(f.IO.In)
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK, ""
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, cmdutil.ErrInterrupted)) {
		err = stoppedBy(ctx)
	}
	return cmdutil.ExitCode(err), cmdutil.ErrorLine(err)
}
