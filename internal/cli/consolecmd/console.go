// Package consolecmd holds the `qcli console` commands, which drive the
// storage console's management API through client/console. Each command
// has an Options struct, a NewCmdX that only wires flags, and a runX that
// does the work, as in s3cmd.
package consolecmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/configure"
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

// clientFunc builds the client a command talks to.
type clientFunc func(context.Context) (*console.Client, error)

// newClientFunc resolves the profile's console settings, with the same
// transport settings (TLS, timeouts, retries, --debug) as S3 commands.
func newClientFunc(f *cmdutil.Factory) clientFunc {
	return func(context.Context) (*console.Client, error) {
		r, err := f.Config()
		if err != nil {
			return nil, err
		}
		if err := requireConsole(r); err != nil {
			return nil, &cmdutil.ConfigError{Err: err}
		}
		settings := r.Client
		if f.Debug {
			settings.Debug = f.IO.ErrOut
		}
		c, err := console.New(console.Config{Endpoint: r.Console.Endpoint, APIKey: r.Console.APIKey, Transport: settings})
		if err != nil {
			return nil, &cmdutil.ConfigError{Err: err}
		}
		return c, nil
	}
}

// requireConsole says, with the fix, which console setting is missing.
func requireConsole(r *configure.Resolved) error {
	switch {
	case r.Console.Endpoint == "":
		return fmt.Errorf("no console endpoint for profile %q: run `qcli configure set console_endpoint URL%s`, or set QCLI_CONSOLE_ENDPOINT or --console-endpoint",
			r.Profile, profileFlag(r.Profile))
	case r.Console.APIKey == "":
		return fmt.Errorf("no console API key for profile %q: %s", r.Profile, apiKeyFix(r.Profile))
	}
	return nil
}

func apiKeyFix(profile string) string {
	return fmt.Sprintf("run `qcli configure set console_api_key KEY%s`, or set QCLI_CONSOLE_API_KEY", profileFlag(profile))
}

func profileFlag(profile string) string {
	if profile == "" || profile == configure.DefaultProfile {
		return ""
	}
	return " --profile " + profile
}

// classify gives the console's error answers the service-error exit code
// and, when the API key was refused, the fix. Other errors already carry
// their kind (validation 252, configuration 253, network 255).
func classify(err error) error {
	var ce *console.Error
	if !errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, console.ErrUnauthorized) || errors.Is(err, console.ErrForbidden) {
		err = fmt.Errorf("%w; the console refused the API key: %s", err, apiKeyFix(""))
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitService, Err: err}
}

// execute runs runF (tests of flag parsing) or run, classifying run's error.
func execute[O any](ctx context.Context, opts *O, runF, run func(context.Context, *O) error) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return classify(run(ctx, opts))
}
