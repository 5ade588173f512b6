package consolecmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdCredentials(f *cmdutil.Factory) *cobra.Command {
	return group("credentials", "Create, inspect, rename and turn off access credentials",
		NewCmdCredentialsCreate(f, nil), NewCmdCredentialsGet(f, nil), NewCmdCredentialsUpdate(f, nil), NewCmdCredentialsList(f, nil))
}

// CredentialsOptions are the inputs of the `qcli console credentials` commands.
type CredentialsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	ErrOut  io.Writer

	ID        int64                         // get, update
	Create    console.CreateCredentialInput // create
	Update    console.UpdateCredentialInput // update
	SecretIn  io.Reader                     // create: where --secret-key - reads from
	ReadStdin bool                          // create: --secret-key -
}

func newCredentialsOptions(f *cmdutil.Factory) *CredentialsOptions {
	return &CredentialsOptions{Client: f.ConsoleClient, Printer: f.Printer, ErrOut: f.IO.ErrOut, SecretIn: f.IO.In}
}

// NewCmdCredentialsCreate builds `qcli console credentials create`.
func NewCmdCredentialsCreate(f *cmdutil.Factory, runF func(context.Context, *CredentialsOptions) error) *cobra.Command {
	opts := newCredentialsOptions(f)
	cmd := &cobra.Command{
		Use:   "create --user-name NAME",
		Short: "Create an access credential and show its secret once",
		Long: `Create an access credential (a key pair for S3 requests). The secret key is
printed this once: the console does not show it again. Keys not given are
generated. --secret-key - reads the secret from stdin, keeping it out of
the shell history and the process list.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ReadStdin = opts.Create.SecretKey == "-"
			return cmdutil.Run(cmd.Context(), opts, runF, runCredentialsCreate)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Create.UserName, "user-name", "", "name of the credential's user")
	fl.StringVar(&opts.Create.AccessKey, "access-key", "", "access key id to use (default: generated)")
	fl.StringVar(&opts.Create.SecretKey, "secret-key", "", "secret key to use, or - to read it from stdin (default: generated)")
	return cmd
}

func runCredentialsCreate(ctx context.Context, opts *CredentialsOptions) error {
	if opts.ReadStdin {
		line, _ := bufio.NewReader(opts.SecretIn).ReadString('\n')
		if opts.Create.SecretKey = strings.TrimSpace(line); opts.Create.SecretKey == "" {
			return cmdutil.Usagef("--secret-key -: stdin held no secret")
		}
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	cred, err := c.CreateCredential(ctx, opts.Create)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.ErrOut, "qcli: warning: the secret key is shown only now and cannot be retrieved again; store it safely")
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(cred)
	}
	return printFields(p, append(credentialFields(*cred), field{"secret_key", cred.SecretKey}))
}

func credentialFields(c console.Credential) []field {
	return []field{
		{"id", fmt.Sprint(c.ID)},
		{"access_key", c.AccessKey},
		{"user_name", orDash(c.UserName)},
		{"is_active", strconv.FormatBool(c.IsActive)},
		{"created_at", when(c.CreatedAt)},
	}
}

// NewCmdCredentialsGet builds `qcli console credentials get ID`.
func NewCmdCredentialsGet(f *cmdutil.Factory, runF func(context.Context, *CredentialsOptions) error) *cobra.Command {
	opts := newCredentialsOptions(f)
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show a credential and the buckets it owns",
		Args:  cmdutil.ExactArgs(1, "a credential id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.ID, err = parseID(args[0]); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runCredentialsGet)
		},
	}
}

// parseID reads a credential id; a value that is no number is a bad value.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, cmdutil.Usagef("invalid credential id %q: use the number shown by `qcli console credentials list`", s)
	}
	return id, validateID(id)
}

// validateID checks a credential id as the SDK does, naming the qcli
// command that lists them as the fix.
func validateID(id int64) error {
	err := console.ValidateID(id)
	var ve *client.ValidationError
	if errors.As(err, &ve) {
		withFix := *ve
		withFix.Fix = "use the id shown by `qcli console credentials list`"
		return &withFix
	}
	return err
}

func runCredentialsGet(ctx context.Context, opts *CredentialsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	cred, err := c.GetCredential(ctx, opts.ID)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(cred)
	}
	if err := printFields(p, append(credentialFields(cred.Credential), field{"buckets", fmt.Sprint(cred.BucketCount)})); err != nil {
		return err
	}
	return printBucketList(p, cred.Buckets, true)
}

// NewCmdCredentialsUpdate builds `qcli console credentials update ID`.
func NewCmdCredentialsUpdate(f *cmdutil.Factory, runF func(context.Context, *CredentialsOptions) error) *cobra.Command {
	opts := newCredentialsOptions(f)
	var userName string
	var active bool
	cmd := &cobra.Command{
		Use:   "update ID [--user-name NAME] [--active=true|false]",
		Short: "Rename a credential, or turn it off or on",
		Long: `Rename a credential, or turn it off (--active=false) or on again. S3
requests signed with a credential that is off are refused (403).`,
		Args: cmdutil.ExactArgs(1, "a credential id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.ID, err = parseID(args[0]); err != nil {
				return err
			}
			if cmd.Flags().Changed("user-name") {
				opts.Update.UserName = &userName
			}
			if cmd.Flags().Changed("active") {
				opts.Update.IsActive = &active
			}
			if opts.Update.UserName == nil && opts.Update.IsActive == nil {
				return &cmdutil.FlagError{Err: fmt.Errorf("nothing to update: give --user-name and/or --active")}
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runCredentialsUpdate)
		},
	}
	cmd.Flags().StringVar(&userName, "user-name", "", "new user name")
	cmd.Flags().BoolVar(&active, "active", true, "turn the credential on (true) or off (false)")
	return cmd
}

func runCredentialsUpdate(ctx context.Context, opts *CredentialsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	msg, err := c.UpdateCredential(ctx, opts.ID, opts.Update)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(msg)
	}
	var changes []string
	if u := opts.Update.UserName; u != nil {
		changes = append(changes, "user_name="+strconv.Quote(*u))
	}
	if a := opts.Update.IsActive; a != nil {
		changes = append(changes, "is_active="+strconv.FormatBool(*a))
	}
	return p.Line("update_credential: %d %s", opts.ID, strings.Join(changes, " "))
}

// NewCmdCredentialsList builds `qcli console credentials list`.
func NewCmdCredentialsList(f *cmdutil.Factory, runF func(context.Context, *CredentialsOptions) error) *cobra.Command {
	opts := newCredentialsOptions(f)
	return &cobra.Command{
		Use:   "list",
		Short: "List access credentials (without secrets)",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runCredentialsList)
		},
	}
}

func runCredentialsList(ctx context.Context, opts *CredentialsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	creds, err := c.ListCredentials(ctx)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.CredentialList{Credentials: nonNil(creds)})
	}
	rows := make([][]string, len(creds))
	for i, cr := range creds {
		rows[i] = []string{fmt.Sprint(cr.ID), cr.AccessKey, orDash(cr.UserName), yesNo(cr.IsActive), when(cr.CreatedAt)}
	}
	return printRows(p, []string{"ID", "Access key", "User", "Active", "Created"}, rows)
}

// nonNil keeps empty lists as [] in JSON, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
