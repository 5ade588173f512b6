package configcmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Show every setting, its value and where it came from",
		Long: `Show every setting of the profile in effect, its value (secrets masked),
where it came from (flag, env, config-file, credentials-file, builtin,
default) and the flag, variable or file that set it. --output json prints
one line per setting:
  {"type":"setting","name":"region","value":"q-world-1","source":"default"}`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.Config()
			if err != nil {
				return err
			}
			return printSettings(f.Printer(), r.Settings)
		},
	}
}

func printSettings(p *output.Printer, settings []configure.Setting) error {
	switch p.Format {
	case output.JSON: // one line per setting, as every JSON output
		for _, s := range settings {
			if err := p.JSON(jsonSetting{"setting", s.Key, s.Value, s.Source, s.Location}); err != nil {
				return err
			}
		}
		return nil
	case output.Table:
		t := p.Table("Name", "Value", "Source", "Location")
		for _, s := range settings {
			if err := t.Row(s.Key, orNotSet(s.Value), s.Source, s.Location); err != nil {
				return err
			}
		}
		return t.Close()
	}
	w := tabwriter.NewWriter(p.Writer(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tVALUE\tSOURCE\tLOCATION")
	for _, s := range settings {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.Key, orNotSet(s.Value), s.Source, s.Location)
	}
	return w.Flush()
}

// jsonSetting is one line of configure list --output json.
type jsonSetting struct {
	Type     string `json:"type"` // setting
	Name     string `json:"name"`
	Value    string `json:"value"`
	Source   string `json:"source"`
	Location string `json:"location,omitempty"`
}

func orNotSet(v string) string {
	if v == "" {
		return "<not set>"
	}
	return v
}
