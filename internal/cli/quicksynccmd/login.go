package quicksynccmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// PasswordEnv is read by login when neither --password-stdin nor a terminal
// gives the password.
const PasswordEnv = "QCLI_QUICKSYNC_PASSWORD"

// LoginOptions are `qcli quicksync login`'s inputs.
type LoginOptions struct {
	IO      *iostreams.IOStreams
	Config  func() (*configure.Resolved, error)
	Client  clientFunc
	Printer func() *output.Printer
	Getenv  func(string) string
	// ReadPassword reads a password from the terminal without echo.
	ReadPassword func() (string, error)

	SessionID     string
	PasswordStdin bool
}

const loginLong = `Join a QuickSync session: exchange its ID and password for a token, and
store the token, the session ID and the token's expiry in the profile's
credentials file (mode 0600). Without --session, the profile's stored
session is joined again (after the token expired).

The password comes from, in order: --password-stdin (the first line of
stdin), $QCLI_QUICKSYNC_PASSWORD, or a prompt when stdin is a terminal. It
is never stored, printed or traced.`

// NewCmdLogin builds `qcli quicksync login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{IO: f.IO, Config: f.Config, Client: f.QuickSyncLoginClient, Printer: f.Printer,
		Getenv: f.Getenv, ReadPassword: terminalPassword(f.IO)}
	cmd := &cobra.Command{
		Use:   "login [--session ID]",
		Short: "Join a session and store its token",
		Long:  loginLong,
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runLogin)
		},
	}
	cmd.Flags().StringVar(&opts.SessionID, "session", "", "the session ID to join (default: the profile's stored one)")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from the first line of stdin")
	return cmd
}

// terminalPassword reads without echo when stdin is a terminal; nil otherwise.
func terminalPassword(ios *iostreams.IOStreams) func() (string, error) {
	f, ok := ios.In.(*os.File)
	if !ok || !ios.StdinTTY {
		return nil
	}
	return func() (string, error) {
		fmt.Fprint(ios.ErrOut, "QuickSync password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(ios.ErrOut)
		return string(b), err
	}
}

func runLogin(ctx context.Context, opts *LoginOptions) error {
	r, err := opts.Config()
	if err != nil {
		return err
	}
	session := opts.SessionID
	if session == "" {
		session = r.QuickSync.SessionID
	}
	if session == "" {
		return cmdutil.Usagef("no session to join: give --session ID (the session ID QuickSync shows)")
	}
	password, err := readPassword(opts)
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	sess, err := c.JoinSession(ctx, session, password)
	if err != nil {
		return err
	}
	path, err := storeSession(r, session, sess.Token, sess.ExpiresAt)
	if err != nil {
		return &cmdutil.ConfigError{Err: err}
	}
	if opts.Getenv("QCLI_QUICKSYNC_TOKEN") != "" {
		fmt.Fprintln(opts.IO.ErrOut, "qcli: note: QCLI_QUICKSYNC_TOKEN is set and overrides the token just stored; unset it to use this login")
	}
	return printLogin(opts.Printer(), r.Profile, session, sess.ExpiresAt, path)
}

// readPassword takes the password from stdin, the environment or the
// terminal, in that order.
func readPassword(opts *LoginOptions) (string, error) {
	var pw string
	switch {
	case opts.PasswordStdin:
		line, err := bufio.NewReader(opts.IO.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the password from stdin: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	case opts.Getenv(PasswordEnv) != "":
		pw = opts.Getenv(PasswordEnv)
	case opts.ReadPassword != nil:
		var err error
		if pw, err = opts.ReadPassword(); err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
	default:
		return "", cmdutil.Usagef("no password: pipe it in with --password-stdin, or set %s", PasswordEnv)
	}
	if pw == "" {
		return "", cmdutil.Usagef("the password is empty")
	}
	return pw, nil
}

// storeSession writes the login to the profile's credentials file and
// returns its path. An unknown expiry removes a stale stored one.
func storeSession(r *configure.Resolved, session, token string, expires time.Time) (string, error) {
	files, err := configure.LoadFiles(r.Dir)
	if err != nil {
		return "", err
	}
	exp := ""
	if !expires.IsZero() {
		exp = expires.UTC().Format(time.RFC3339)
	}
	for _, kv := range [][2]string{
		{configure.KeyQuickSyncToken, token}, {configure.KeyQuickSyncSession, session}, {configure.KeyQuickSyncExpiry, exp},
	} {
		if err := files.Set(r.Profile, kv[0], kv[1]); err != nil {
			return "", fmt.Errorf("the service's answer cannot be stored: %w", err)
		}
	}
	return files.Path(configure.CredentialsFile), files.Save()
}

func printLogin(p *output.Printer, profile, session string, expires time.Time, path string) error {
	if p.Format == output.JSON {
		return p.JSONIndented(struct {
			Profile         string      `json:"profile"`
			ExpiresAt       output.Time `json:"expires_at,omitzero"` // the one JSON time form
			CredentialsFile string      `json:"credentials_file"`
		}{Profile: profile, ExpiresAt: output.Time(expires), CredentialsFile: path})
	}
	until := "its expiry is unknown"
	if !expires.IsZero() {
		until = "it expires " + expires.Local().Format(time.RFC3339)
	}
	return p.Line("Joined QuickSync session %s for profile %q; the token is stored in %s (%s)",
		configure.Mask(session), profile, path, until)
}
