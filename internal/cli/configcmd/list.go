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
default) and the flag, variable or file that set it.`,
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
	case output.JSON:
		type row struct {
			Name     string `json:"name"`
			Value    string `json:"value"`
			Source   string `json:"source"`
			Location string `json:"location,omitempty"`
		}
		rows := make([]row, len(settings))
		for i, s := range settings {
			rows[i] = row{s.Key, s.Value, s.Source, s.Location}
		}
		return p.JSONIndented(rows)
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

func orNotSet(v string) string {
	if v == "" {
		return "<not set>"
	}
	return v
}
