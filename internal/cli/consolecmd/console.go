// Package consolecmd holds the `qcli console` commands, which drive the
// storage console's management API through client/console. Each command
// has an Options struct, a NewCmdX that only wires flags, and a runX that
// does the work, as in s3cmd.
package consolecmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

const consoleLong = `Manage QStorage through its console's management API: system stats,
access credentials, buckets with their sizes, objects, unfinished multipart
uploads and presigned URLs.

The API needs the console's URL and an API key, per profile:
  qcli configure set console_endpoint https://console.example.com
  qcli configure set console_api_key -      # reads the key from stdin
or QCLI_CONSOLE_ENDPOINT and QCLI_CONSOLE_API_KEY (--console-endpoint too).
qcli server serves this API beside its S3 emulator.

Text and table output are for people (sizes in KiB, MiB, ...); --output
json prints the API's own documents, with its field names.`

// NewCmdConsole is the `qcli console` group.
func NewCmdConsole(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Manage credentials, buckets and more through the console API",
		Long:  consoleLong,
		Args:  cmdutil.NoArgs,
		RunE:  cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdStats(f, nil),
		newCmdCredentials(f),
		newCmdBuckets(f),
		newCmdObjects(f),
		newCmdUploads(f),
		newCmdPresigned(f),
	)
	return cmd
}

// group is a command group whose subcommands do the work.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cmdutil.NoArgs, RunE: cmdutil.GroupRunE}
	cmd.AddCommand(subs...)
	return cmd
}

// clientFunc builds the client a command talks to (Factory.ConsoleClient).
type clientFunc func(context.Context) (*console.Client, error)
