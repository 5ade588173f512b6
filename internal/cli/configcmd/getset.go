package configcmd

import (
	"bufio"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print one setting of the profile as stored in its file",
		Long: `Print one setting of the profile (--profile, else $QCLI_PROFILE, else default)
as stored in its file. Secrets are printed masked. A setting that is not
stored exits 1 with nothing on stdout, as aws configure get does.`,
		Args: cmdutil.ExactArgs(1, "a setting name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, profile, err := dirAndProfile(f)
			if err != nil {
				return err
			}
			key, ok := configure.LookupKey(args[0])
			if !ok {
				return &cmdutil.UsageError{Err: unknownKey(args[0])}
			}
			files, err := loadFiles(f, dir)
			if err != nil {
				return &cmdutil.ConfigError{Err: err}
			}
			v, _, ok := files.Get(profile, key.Name)
			if !ok {
				return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("%s is not set in profile %q", key.Name, profile)}
			}
			if key.Secret {
				v = configure.Mask(v)
			}
			_, err = fmt.Fprintln(f.IO.Out, v)
			return err
		},
	}
}

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Store one setting in the profile",
		Long: `Store one setting in the profile's file (secrets in credentials, mode 0600).
A VALUE of - reads the value from stdin, so a secret need not appear in the
shell history or the process list. An empty VALUE removes the setting.`,
		Args: cmdutil.ExactArgs(2, "a setting name and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, profile, err := dirAndProfile(f)
			if err != nil {
				return err
			}
			if _, ok := configure.LookupKey(args[0]); !ok {
				return &cmdutil.UsageError{Err: unknownKey(args[0])}
			}
			value := args[1]
			if value == "-" {
				line, _ := bufio.NewReader(f.IO.In).ReadString('\n')
				value = strings.TrimSpace(line)
			}
			files, err := loadFiles(f, dir)
			if err != nil {
				return &cmdutil.ConfigError{Err: err}
			}
			if err := files.Set(profile, args[0], value); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			if err := files.Save(); err != nil {
				return &cmdutil.ConfigError{Err: err}
			}
			return nil
		},
	}
}

func newCmdListProfiles(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list-profiles",
		Short: "List the profiles in the settings files, and the built-in local profile",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, _, err := dirAndProfile(f)
			if err != nil {
				return err
			}
			files, err := loadFiles(f, dir)
			if err != nil {
				return &cmdutil.ConfigError{Err: err}
			}
			profiles := files.Profiles()
			if !slices.Contains(profiles, configure.LocalProfile) {
				profiles = append(profiles, configure.LocalProfile)
			}
			p := f.Printer()
			for _, name := range profiles {
				var err error
				if p.Format == output.JSON {
					err = p.JSON(jsonProfile{Type: "profile", Name: name})
				} else {
					err = p.Line("%s", name)
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// jsonProfile is one line of configure list-profiles --output json.
type jsonProfile struct {
	Type string `json:"type"` // profile
	Name string `json:"name"`
}

func unknownKey(name string) error {
	var names []string
	for _, k := range configure.Keys() {
		names = append(names, k.Name)
	}
	return fmt.Errorf("unknown setting %q; use one of: %s", name, strings.Join(names, ", "))
}

// loadFiles reads the settings files and shows their warnings (a
// credentials file others can read).
func loadFiles(f *cmdutil.Factory, dir string) (*configure.Files, error) {
	files, err := configure.LoadFiles(dir)
	if err == nil {
		f.Warn(files.Warnings())
	}
	return files, err
}
