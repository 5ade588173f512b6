package root

import (
	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// Shells lists the shells `qcli completion` writes scripts for; the
// generated scripts are committed in completions/ as qcli.<shell>.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

func newCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a shell completion script. For bash:
  source <(qcli completion bash)
or save it: qcli completion bash > /etc/bash_completion.d/qcli`,
		ValidArgs: Shells,
		Args:      cmdutil.ExactArgs(1, "a shell: bash, zsh, fish or powershell"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return WriteCompletion(cmd.Root(), args[0], f.IO.Out)
		},
	}
}

// WriteCompletion writes root's completion script for shell to w.
func WriteCompletion(root *cobra.Command, shell string, w interface{ Write([]byte) (int, error) }) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return cmdutil.Usagef("unknown shell %q: use bash, zsh, fish or powershell", shell)
}
