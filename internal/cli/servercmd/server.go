// Package servercmd holds `qcli server`, the local emulator as a server.
package servercmd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
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
	// Region is the region clients sign for (--region); "" is the local
	// profile's.
	Region string
	// ConsoleAPIKey guards the management console API; "" generates one.
	ConsoleAPIKey string
	// QuickSyncSession and QuickSyncPassword are the one QuickSync session
	// served; "" generates them.
	QuickSyncSession  string
	QuickSyncPassword string
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
The storage console's management API is served on the same address,
under /api/v1, to requests carrying --console-api-key (a random key is
generated and printed when it is not given):
  QCLI_CONSOLE_ENDPOINT=http://127.0.0.1:9000 QCLI_CONSOLE_API_KEY=KEY qcli console stats
The QuickSync upload API is served there too, under /v1, for one session
(--quicksync-session and --quicksync-password, generated and printed when
not given; files are kept in memory only):
  qcli --quicksync-endpoint http://127.0.0.1:9000 quicksync login --session ID
With --region R it serves region R (default q-world-1): requests must be
signed for it, and answers name it, so clients that start from another
region (the AWS CLI's default us-east-1) find it and sign again.
Stop it with Ctrl-C.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.DataDir != "" && opts.Memory {
				return cmdutil.Usagef("--data and --memory exclude each other: keep data in a directory or in memory")
			}
			if (opts.AccessKey == "") != (opts.SecretKey == "") {
				return cmdutil.Usagef("--access-key and --secret-key go together: give both or neither")
			}
			if opts.Region = f.Flags.Region; opts.Region != "" {
				if err := client.ValidateRegion(opts.Region); err != nil {
					return &cmdutil.UsageError{Err: err}
				}
			}
			if opts.DataDir == "" && !opts.Memory {
				dir, err := configure.DefaultDir(f.Getenv)
				if err != nil {
					return &cmdutil.ConfigError{Err: err}
				}
				opts.DataDir = filepath.Join(dir, embedded.DataDirName)
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runServer)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:9000", "address to listen on")
	fl.StringVar(&opts.DataDir, "data", "", "data directory (default: the local profile's, in the config directory)")
	fl.BoolVar(&opts.Memory, "memory", false, "keep data in memory only; it is gone when the server stops")
	fl.StringVar(&opts.AccessKey, "access-key", "", "access key id clients sign with (default: the local profile's)")
	fl.StringVar(&opts.SecretKey, "secret-key", "", "secret key clients sign with (default: the local profile's)")
	fl.StringVar(&opts.ConsoleAPIKey, "console-api-key", "", "API key of the management console API served beside S3 (default: a random one, printed)")
	fl.StringVar(&opts.QuickSyncSession, "quicksync-session", "", "session ID of the QuickSync API served beside S3 (default: a random one, printed)")
	fl.StringVar(&opts.QuickSyncPassword, "quicksync-password", "", "password of that QuickSync session (default: a random one, printed)")
	return cmd
}

func runServer(ctx context.Context, opts *Options) error {
	key, secret := opts.AccessKey, opts.SecretKey
	if key == "" {
		key, secret = configure.LocalAccessKeyID, configure.LocalSecretAccessKey
	}
	region := opts.Region
	if region == "" {
		region = configure.LocalRegion
	}
	data := opts.DataDir
	if opts.Memory {
		data = ""
	}
	apiKey := opts.ConsoleAPIKey
	if apiKey == "" {
		apiKey = newAPIKey()
	}
	qsSession, qsPassword := opts.QuickSyncSession, opts.QuickSyncPassword
	if qsSession == "" {
		qsSession = "local-" + newAPIKey()[:12]
	}
	if qsPassword == "" {
		qsPassword = newAPIKey()
	}
	s, err := embedded.Serve(embedded.Options{Addr: opts.Addr, DataDir: data, Credentials: map[string]string{key: secret}, Region: region,
		ConsoleAPIKey: apiKey, QuickSyncSessions: map[string]string{qsSession: qsPassword}})
	if err != nil {
		return &cmdutil.ConfigError{Err: err}
	}
	defer s.Close()
	announce(opts.Out, banner{endpoint: s.Endpoint, data: data, key: key, secret: secret, region: region,
		apiKey: apiKey, qsSession: qsSession, qsPassword: qsPassword})
	<-ctx.Done()
	fmt.Fprintln(opts.Out, "qcli server: stopped")
	return nil
}

// banner is what `qcli server` tells its user: where it serves, what it
// takes, and commands to try.
type banner struct {
	endpoint, data, key, secret, region string
	apiKey, qsSession, qsPassword       string
}

func announce(out io.Writer, b banner) {
	where := b.data
	if where == "" {
		where = "memory (lost when the server stops)"
	}
	try := "QCLI_ENDPOINT_URL=" + b.endpoint
	if b.region != configure.LocalRegion {
		try += " QCLI_REGION=" + b.region
	}
	fmt.Fprintf(out, "qcli server: QStorage emulator at %s\n  data:       %s\n  access key: %s\n  secret key: %s\n  region:     %s\n"+
		"  console:    %s%s (X-API-Key: %s)\n"+
		"  quicksync:  %s/v1 (session: %s, password: %s)\n"+
		"Try: %s qcli --profile local s3 ls\n"+
		"     QCLI_CONSOLE_ENDPOINT=%s QCLI_CONSOLE_API_KEY=%s qcli console stats\n"+
		"     QCLI_QUICKSYNC_PASSWORD=%s qcli --quicksync-endpoint %s quicksync login --session %s\n",
		b.endpoint, where, b.key, b.secret, b.region, b.endpoint, console.DefaultBasePath, b.apiKey,
		b.endpoint, b.qsSession, b.qsPassword,
		try, b.endpoint, b.apiKey, b.qsPassword, b.endpoint, b.qsSession)
}

// newAPIKey is 128 random bits in hex: the console is reachable by anyone
// who can reach the address, so its key must not be guessable.
func newAPIKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
