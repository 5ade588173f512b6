package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/buildinfo"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print qcli's version, commit, Go version and platform",
		Long: `Print qcli's version, the commit it was built from and that commit's date,
the Go version and the platform. Values that are not known are left out: a
build outside a git checkout has no commit.

--output json prints one object with the keys version, commit, date (RFC 3339),
modified (the build had uncommitted changes), go and platform; unknown values
are empty.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := buildinfo.Get()
			p := output.New(f.IO.Out, output.Format(f.Flags.Output))
			if p.Format == output.JSON {
				return p.JSON(struct {
					Type string `json:"type"`
					buildinfo.Info
				}{"version", info})
			}
			_, err := fmt.Fprintln(f.IO.Out, versionLine(info))
			return err
		},
	}
}

// versionLine is the text form: one line, fit for a bug report,
//
//	qcli 1.2.3 (commit 42dec4a4ea29, 2026-11-30T02:06:44Z, go1.26.8, linux/amd64)
//
// with the parts that are not known left out, and -dirty after the commit of
// a build from a working tree with uncommitted changes.
func versionLine(info buildinfo.Info) string {
	var parts []string
	if info.Commit != "" {
		c := "commit " + info.Commit[:min(12, len(info.Commit))]
		if info.Modified {
			c += "-dirty" // as git describe --dirty says it
		}
		parts = append(parts, c)
	}
	if info.Date != "" {
		parts = append(parts, info.Date)
	}
	parts = append(parts, info.Go, info.Platform)
	return fmt.Sprintf("qcli %s (%s)", info.Version, strings.Join(parts, ", "))
}
