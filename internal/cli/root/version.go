package root

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print qcli's version",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p := output.New(f.IO.Out, output.Format(f.Flags.Output))
			if p.Format == output.JSON {
				return p.JSON(map[string]string{"version": client.Version, "go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH})
			}
			_, err := fmt.Fprintf(f.IO.Out, "qcli %s (%s, %s/%s)\n", client.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
