// Package servercmd holds `qcli server`, the local emulator as a server.
package servercmd

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/emulator/embedded"
)

// Options are `qcli server`'s inputs.
type Options struct {
	Out       io.Writer
	Addr      string
	DataDir   string
	Memory    bool
	AccessKey string
	SecretKey string
}

// NewCmdServer builds `qcli server`. runF replaces runServer in tests.
func NewCmdServer(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Out: f.IO.Out}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Serve the local QStorage emulator",
		Long: `Serve a local QStorage emulator over HTTP: S3 with signatures checked, data
kept on disk across restarts. By default it serves the built-in local
profile's data and credentials, so other S3 tools can reach what
qcli --profile local made:
  qcli server &
  aws --endpoint-url http://127.0.0.1:9000 s3 ls   # with the printed keys
Stop it with Ctrl-C.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.DataDir != "" && opts.Memory {
				return &cmdutil.UsageError{Err: fmt.Errorf("--data and --memory exclude each other: keep data in a directory or in memory")}
			}
			if (opts.AccessKey == "") != (opts.SecretKey == "") {
				return &cmdutil.UsageError{Err: fmt.Errorf("--access-key and --secret-key go together: give both or neither")}
			}
			if opts.DataDir == "" && !opts.Memory {
				dir, err := configure.DefaultDir(f.Getenv)
				if err != nil {
					return &cmdutil.ConfigError{Err: err}
				}
				opts.DataDir = filepath.Join(dir, embedded.DataDirName)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServer(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:9000", "address to listen on")
	fl.StringVar(&opts.DataDir, "data", "", "data directory (default: the local profile's, in the config directory)")
	fl.BoolVar(&opts.Memory, "memory", false, "keep data in memory only; it is gone when the server stops")
	fl.StringVar(&opts.AccessKey, "access-key", "", "access key id clients sign with (default: the local profile's)")
	fl.StringVar(&opts.SecretKey, "secret-key", "", "secret key clients sign with (default: the local profile's)")
	return cmd
}

func runServer(ctx context.Context, opts *Options) error {
	key, secret := opts.AccessKey, opts.SecretKey
	if key == "" {
		key, secret = configure.LocalAccessKeyID, configure.LocalSecretAccessKey
	}
	data := opts.DataDir
	if opts.Memory {
		data = ""
	}
	s, err := embedded.Serve(embedded.Options{Addr: opts.Addr, DataDir: data, Credentials: map[string]string{key: secret}})
	if err != nil {
		return &cmdutil.ConfigError{Err: err}
	}
	defer s.Close()
	where := data
	if where == "" {
		where = "memory (lost when the server stops)"
	}
	fmt.Fprintf(opts.Out, "qcli server: QStorage emulator at %s\n  data:       %s\n  access key: %s\n  secret key: %s\n  region:     %s\n"+
		"Try: QCLI_ENDPOINT_URL=%s qcli --profile local s3 ls\n",
		s.Endpoint, where, key, secret, configure.LocalRegion, s.Endpoint)
	<-ctx.Done()
	fmt.Fprintln(opts.Out, "qcli server: stopped")
	return nil
}
