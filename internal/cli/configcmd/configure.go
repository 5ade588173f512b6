// Package configcmd holds `qcli configure` and its subcommands.
package configcmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// ConfigureOptions are the interactive `qcli configure`'s inputs.
type ConfigureOptions struct {
	In     io.Reader
	ErrOut io.Writer // prompts go to stderr, so stdout stays clean for scripts
	// Interactive: stdin is a terminal, so a bad answer is asked again.
	// Piped answers are not: the next line answers the next question, so a
	// bad one fails the command, saving nothing.
	Interactive bool
	Dir         string
	Profile     string
	Quiet       bool
	// Warn shows problems found reading the files (nil: ignore them).
	Warn func([]string)
}

// prompt is one question of `qcli configure`, in the AWS CLI's order.
type prompt struct {
	key, label string
}

var prompts = []prompt{
	{"access_key_id", "Access Key ID"},
	{"secret_access_key", "Secret Access Key"},
	{"account_id", "Account ID (optional)"},
	{"region", "Region"},
	{"endpoint_url", "Endpoint URL"},
	{"output", "Output format"},
}

// NewCmdConfigure builds `qcli configure` and its subcommands.
func NewCmdConfigure(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Set up credentials and settings",
		Long: `Ask for the access key pair, account id, region, endpoint and output format
of a profile, showing the current value in brackets; Enter keeps it.

Files: $QCLI_CONFIG_DIR (default ~/.qcli) holds config and credentials, AWS-style
INI; credentials is written with mode 0600. Answers can be piped in for CI;
the end of input keeps the remaining values, and a bad value fails the
command (exit 253) with nothing saved:
  printf 'AKID\nSECRET\n' | qcli configure --profile ci`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, profile, err := dirAndProfile(f)
			if err != nil {
				return err
			}
			return runConfigure(&ConfigureOptions{In: f.IO.In, ErrOut: f.IO.ErrOut, Interactive: f.IO.StdinTTY,
				Dir: dir, Profile: profile, Quiet: f.Quiet, Warn: f.Warn})
		},
	}
	cmd.AddCommand(newCmdList(f), newCmdGet(f), newCmdSet(f), newCmdListProfiles(f))
	return cmd
}

// dirAndProfile picks the settings directory and the profile to edit:
// --profile, else QCLI_PROFILE, else default.
func dirAndProfile(f *cmdutil.Factory) (dir, profile string, err error) {
	dir, err = configure.DefaultDir(f.Getenv)
	if err != nil {
		return "", "", &cmdutil.ConfigError{Err: err}
	}
	profile = f.Flags.Profile
	if profile == "" {
		profile = f.Getenv("QCLI_PROFILE")
	}
	if profile == "" {
		profile = configure.DefaultProfile
	}
	return dir, profile, nil
}

func runConfigure(opts *ConfigureOptions) error {
	files, err := configure.LoadFiles(opts.Dir)
	if err != nil {
		return &cmdutil.ConfigError{Err: err}
	}
	if opts.Warn != nil {
		opts.Warn(files.Warnings())
	}
	in := bufio.NewReader(opts.In)
	for _, p := range prompts {
		if err := ask(in, opts.ErrOut, opts.Interactive, files, opts.Profile, p); err != nil {
			return err
		}
	}
	if err := files.Save(); err != nil {
		return &cmdutil.ConfigError{Err: err}
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.ErrOut, "Saved profile %q in %s\n", opts.Profile, opts.Dir)
	}
	return nil
}

// ask prompts until the answer is empty (keep the current value) or valid.
// The end of input counts as Enter for every remaining question, so a
// script may pipe in just the answers it wants to change. A bad answer is
// asked again on a terminal; piped in, it fails the command (exit 253).
func ask(in *bufio.Reader, out io.Writer, interactive bool, files *configure.Files, profile string, p prompt) error {
	key, _ := configure.LookupKey(p.key)
	for {
		fmt.Fprintf(out, "%s [%s]: ", p.label, currentValue(files, profile, key))
		line, readErr := in.ReadString('\n')
		atEOF := errors.Is(readErr, io.EOF)
		if readErr != nil && !atEOF {
			return readErr
		}
		answer := strings.TrimSpace(line)
		if answer == "" {
			if atEOF {
				fmt.Fprintln(out)
			}
			return nil
		}
		err := files.Set(profile, p.key, answer)
		if err == nil {
			return nil
		}
		if atEOF || !interactive { // no way to ask again: fail, saving nothing
			fmt.Fprintln(out) // end the prompt's line
			return &cmdutil.ConfigError{Err: fmt.Errorf("%w; nothing was saved", err)}
		}
		fmt.Fprintln(out, err)
	}
}

// currentValue is what the prompt shows in brackets: the stored value,
// masked for secrets and key ids; else the default; else None.
func currentValue(files *configure.Files, profile string, key configure.Key) string {
	v, _, ok := files.Get(profile, key.Name)
	switch {
	case ok && (key.Secret || key.Name == "access_key_id"):
		return configure.Mask(v)
	case ok:
		return v
	case key.Default != "":
		return key.Default
	}
	return "None"
}
