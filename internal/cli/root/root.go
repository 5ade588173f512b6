// Package root assembles the qcli command tree and runs it.
package root

import (
	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/configcmd"
	"github.com/quilibrium/qcli/internal/cli/consolecmd"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/cli/quicksynccmd"
	"github.com/quilibrium/qcli/internal/cli/runcmd"
	"github.com/quilibrium/qcli/internal/cli/s3apicmd"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/internal/cli/servercmd"
)

// NewCmdRoot builds the whole command tree over f.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "qcli",
		Short: "The command line for QStorage",
		Long: `qcli works with QStorage, the S3-compatible object store, the way the AWS
CLI does: qcli configure, then qcli s3 ls, mb, rb and more.

Try it with no account: qcli --profile local s3 mb s3://demo runs against a
built-in emulator whose data lives in the config directory.`,
		Version:       client.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cmdutil.NoArgs,
		RunE:          cmdutil.GroupRunE,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if f.Flags.Output == "" {
				return nil
			}
			if _, err := output.ParseFormat(f.Flags.Output); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			return nil
		},
	}
	cmd.SetVersionTemplate("qcli {{.Version}}\n")
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	// Each flag's default is f's current value: the zero value, except in
	// the Factory of a line of qcli run, which starts with the batch's
	// flags (binding a flag resets its variable to the default).
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.Flags.Profile, "profile", f.Flags.Profile, "profile to use (default: $QCLI_PROFILE, else default)")
	pf.StringVar(&f.Flags.EndpointURL, "endpoint-url", f.Flags.EndpointURL, "service URL, e.g. http://127.0.0.1:9000")
	pf.StringVar(&f.Flags.ConsoleEndpoint, "console-endpoint", f.Flags.ConsoleEndpoint, "management console URL, for qcli console")
	pf.StringVar(&f.Flags.QuickSyncEndpoint, "quicksync-endpoint", f.Flags.QuickSyncEndpoint, "QuickSync API URL, for qcli quicksync (default https://api.quicksync.me)")
	pf.StringVar(&f.Flags.Region, "region", f.Flags.Region, "region to sign requests for (default q-world-1)")
	pf.StringVar(&f.Flags.Output, "output", f.Flags.Output, "output format: text, json or table")
	pf.BoolVar(&f.Flags.NoVerifySSL, "no-verify-ssl", f.Flags.NoVerifySSL, "do not verify TLS certificates (test servers only)")
	pf.BoolVar(&f.Debug, "debug", f.Debug, "trace requests and responses on stderr, secrets redacted")
	pf.BoolVar(&f.Quiet, "quiet", f.Quiet, "no progress or per-object lines; errors, warnings and results (listings, URLs) still print")

	cmd.AddCommand(
		configcmd.NewCmdConfigure(f),
		s3cmd.NewCmdS3(f),
		s3apicmd.NewCmdS3api(f),
		consolecmd.NewCmdConsole(f),
		quicksynccmd.NewCmdQuickSync(f),
		servercmd.NewCmdServer(f, nil),
		runcmd.NewCmdRun(f, runcmd.Tree{New: NewCmdRoot, Execute: Execute}, nil),
		newCmdVersion(f),
		newCmdCompletion(f),
	)
	return cmd
}
