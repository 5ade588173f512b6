package quicksynccmd_test

import (
	"context"
	"testing"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdtest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/internal/cli/quicksynccmd"
	"github.com/quilibrium/qcli/transfer"
)

// The quicksync commands' flag tables: each command line, through the
// command's runF, gives these Options or fails with this error, before any
// request or file is read.

func newCmd[O any](t *testing.T, newCmdX func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command) cmdtest.NewCmd[O] {
	f := cmdtest.Factory(t, nil)
	return func(runF func(context.Context, *O) error) *cobra.Command { return newCmdX(f, runF) }
}

func TestLoginAndLsFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, quicksynccmd.NewCmdLogin), []cmdtest.Case[quicksynccmd.LoginOptions]{
		{Args: nil, Want: quicksynccmd.LoginOptions{}},
		{Args: []string{"--session", "S-1", "--password-stdin"}, Want: quicksynccmd.LoginOptions{SessionID: "S-1", PasswordStdin: true}},
		{Args: []string{"S-1"}, Err: "takes no arguments", Code: cmdutil.ExitParse},
		{Args: []string{"--password", "x"}, Err: "unknown flag: --password; did you mean --password-stdin?", Code: cmdutil.ExitParse},
	})
	cmdtest.Run(t, newCmd(t, quicksynccmd.NewCmdLs), []cmdtest.Case[quicksynccmd.LsOptions]{
		{Args: nil, Want: quicksynccmd.LsOptions{}},
	})
}

func TestUploadFlags(t *testing.T) {
	type o = quicksynccmd.UploadOptions
	cmdtest.Run(t, newCmd(t, quicksynccmd.NewCmdUpload), []cmdtest.Case[o]{
		{Args: []string{"a.pdf"}, Want: o{Files: []string{"a.pdf"}, Concurrency: transfer.DefaultQuickSyncConcurrency, Progress: progress.Auto}},
		{Args: []string{"a.pdf", "--name", "report.pdf", "--part-size", "1KiB", "--concurrency", "3", "--progress", "log"},
			Want: o{Files: []string{"a.pdf"}, Name: "report.pdf", PartSize: 1024, Concurrency: 3, Progress: progress.Log}},
		{Args: []string{"a", "b"}, Want: o{Files: []string{"a", "b"}, Concurrency: transfer.DefaultQuickSyncConcurrency, Progress: progress.Auto}},
		{Args: []string{"a", "b", "--name", "x"}, Err: "--name names one file", Code: cmdutil.ExitSyntax},
		{Args: []string{"a", "--part-size", "0"}, Err: "invalid --part-size", Code: cmdutil.ExitSyntax},
		{Args: []string{"a", "--part-size", "lots"}, Err: "invalid --part-size", Code: cmdutil.ExitSyntax},
		{Args: []string{"a", "--concurrency", "0"}, Err: "invalid --concurrency 0", Code: cmdutil.ExitSyntax},
		{Args: []string{"a", "--progress", "loud"}, Err: "loud", Code: cmdutil.ExitSyntax},
		{Args: nil, Err: "one or more files", Code: cmdutil.ExitParse},
	})
}

func TestFileCommandFlags(t *testing.T) {
	type d = quicksynccmd.DownloadOptions
	cmdtest.Run(t, newCmd(t, quicksynccmd.NewCmdDownload), []cmdtest.Case[d]{
		{Args: []string{"KEY"}, Want: d{FileID: "KEY", Progress: progress.Auto}},
		{Args: []string{"KEY", "-o", "-", "--progress", "none"}, Want: d{FileID: "KEY", Output: "-", Progress: progress.None}},
		{Args: []string{"KEY", "--progress", "loud"}, Err: "loud", Code: cmdutil.ExitSyntax},
		{Args: nil, Err: "one file ID", Code: cmdutil.ExitParse},
	})
	for name, newCmdX := range map[string]func(*cmdutil.Factory, func(context.Context, *quicksynccmd.FileOptions) error) *cobra.Command{
		"info": quicksynccmd.NewCmdInfo, "url": quicksynccmd.NewCmdURL, "rm": quicksynccmd.NewCmdRm,
	} {
		t.Run(name, func(t *testing.T) {
			cmdtest.Run(t, newCmd(t, newCmdX), []cmdtest.Case[quicksynccmd.FileOptions]{
				{Args: []string{"KEY"}, Want: quicksynccmd.FileOptions{FileID: "KEY"}},
				{Args: []string{"K1", "K2"}, Err: "one file ID", Code: cmdutil.ExitParse},
			})
		})
	}
}
