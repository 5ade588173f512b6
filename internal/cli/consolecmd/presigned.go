package consolecmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdPresigned(f *cmdutil.Factory) *cobra.Command {
	return group("presigned", "List and generate presigned URLs",
		NewCmdPresignedList(f, nil), NewCmdPresignedCreate(f, nil))
}

// PresignedOptions are the inputs of the `qcli console presigned` commands.
type PresignedOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	// ProfileAccessKey is the profile's access key id, the default signer.
	ProfileAccessKey func() string

	Create console.CreatePresignedURLInput
}

func newPresignedOptions(f *cmdutil.Factory) *PresignedOptions {
	return &PresignedOptions{Client: f.ConsoleClient, Printer: f.Printer, ProfileAccessKey: func() string {
		if r, err := f.Config(); err == nil {
			return r.Client.Credentials.AccessKeyID
		}
		return ""
	}}
}

// NewCmdPresignedList builds `qcli console presigned list`.
func NewCmdPresignedList(f *cmdutil.Factory, runF func(context.Context, *PresignedOptions) error) *cobra.Command {
	opts := newPresignedOptions(f)
	return &cobra.Command{
		Use:   "list",
		Short: "List the presigned URLs that have not expired",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runPresignedList)
		},
	}
}

func runPresignedList(ctx context.Context, opts *PresignedOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	urls, err := c.ListPresignedURLs(ctx)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.PresignedURLList{URLs: nonNil(urls)})
	}
	rows := make([][]string, len(urls))
	for i, u := range urls {
		rows[i] = []string{u.BucketName, u.ObjectKey, u.Method, u.AccessKey, when(u.ExpiresAt), when(u.CreatedAt)}
	}
	return printRows(p, []string{"Bucket", "Key", "Method", "Access key", "Expires", "Created"}, rows)
}

// NewCmdPresignedCreate builds `qcli console presigned create BUCKET KEY`.
func NewCmdPresignedCreate(f *cmdutil.Factory, runF func(context.Context, *PresignedOptions) error) *cobra.Command {
	opts := newPresignedOptions(f)
	cmd := &cobra.Command{
		Use:   "create BUCKET KEY [--method GET|PUT|POST|DELETE] [--expires-in SECONDS] [--access-key KEY]",
		Short: "Have the console generate a presigned URL",
		Long: `Have the console generate a presigned URL for one object, signed with the
secret of --access-key (default: the profile's access_key_id). It lasts
--expires-in seconds, 1 to 604800 (7 days). Text output is the URL alone,
so a script can use $(qcli console presigned create ...); a URL the console
returns as a path is made absolute with the console endpoint.`,
		Args: cmdutil.ExactArgs(2, "a bucket name and a key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Create.BucketName, opts.Create.ObjectKey = args[0], args[1]
			opts.Create.Method = strings.ToUpper(opts.Create.Method)
			if err := checkPresign(opts); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runPresignedCreate)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Create.Method, "method", "GET", "HTTP method the URL is for: GET, PUT, POST or DELETE")
	fl.Int64Var(&opts.Create.ExpiresIn, "expires-in", console.DefaultExpiresIn, "lifetime in seconds, 1 to 604800")
	fl.StringVar(&opts.Create.AccessKey, "access-key", "", "access key whose secret signs the URL (default: the profile's)")
	return cmd
}

// checkPresign catches bad values before any request (exit 252).
func checkPresign(opts *PresignedOptions) error {
	if err := console.ValidateExpiresIn(opts.Create.ExpiresIn); err != nil {
		return err
	}
	if err := console.ValidateMethod(opts.Create.Method); err != nil {
		return err
	}
	if opts.Create.AccessKey == "" {
		opts.Create.AccessKey = opts.ProfileAccessKey()
	}
	if opts.Create.AccessKey == "" {
		return cmdutil.Usagef("no access key to sign with: give --access-key, or set access_key_id in the profile")
	}
	return nil
}

func runPresignedCreate(ctx context.Context, opts *PresignedOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	raw, err := c.CreatePresignedURL(ctx, opts.Create)
	if err != nil {
		return err
	}
	u := c.ResolveURL(raw)
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.PresignedURLOutput{URL: u})
	}
	return p.Line("%s", u)
}
