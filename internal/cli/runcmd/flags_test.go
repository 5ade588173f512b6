package runcmd_test

import (
	"context"
	"testing"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdtest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/runcmd"
	"github.com/quilibrium/qcli/transfer"
)

// qcli run's flag table: each command line, through runF, gives these
// Options or fails with this error before any line is read.
func TestRunFlags(t *testing.T) {
	f := cmdtest.Factory(t, nil)
	newCmd := func(runF func(context.Context, *runcmd.Options) error) *cobra.Command {
		return runcmd.NewCmdRun(f, runcmd.Tree{}, runF)
	}
	cmdtest.Run(t, newCmd, []cmdtest.Case[runcmd.Options]{
		{Args: nil, Want: runcmd.Options{Concurrency: transfer.DefaultConcurrency}},
		{Args: []string{"batch.txt", "--concurrency", "4"}, Want: runcmd.Options{File: "batch.txt", Concurrency: 4}},
		{Args: []string{"-"}, Want: runcmd.Options{File: "-", Concurrency: transfer.DefaultConcurrency}},
		{Args: []string{"a", "b"}, Err: "at most one FILE", Code: cmdutil.ExitParse},
		{Args: []string{"--concurrency", "1001"}, Err: "invalid --concurrency 1001: use 1 to 1000", Code: cmdutil.ExitSyntax},
	})
}
