package cmdutil

import (
	"fmt"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagErrorFunc makes pflag's parse errors FlagErrors (exit 2), with the
// nearest flag suggested for an unknown one: "unknown flag: --recursve;
// did you mean --recursive?".
func FlagErrorFunc(c *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return &FlagError{Err: err}
	}
	if s := nearestFlag(c, name); s != "" {
		err = fmt.Errorf("%w; did you mean --%s?", err, s)
	}
	return &FlagError{Err: err}
}

// nearestFlag is the flag of c closest to name (at most 2 edits away, or
// one that starts with it), or "".
func nearestFlag(c *cobra.Command, name string) string {
	best, bestDist := "", 3
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein.ComputeDistance(name, f.Name)
		if strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// unknownCommand is the error for an unknown subcommand of cmd, with
// cobra's suggestions ("did you mean sync?").
func unknownCommand(cmd *cobra.Command, arg string) error {
	msg := fmt.Sprintf("unknown command %q for %q", arg, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it sets only on its own path
	}
	if s := cmd.SuggestionsFor(arg); len(s) > 0 {
		return &FlagError{Err: fmt.Errorf("%s; did you mean %s? See %s --help", msg, strings.Join(s, " or "), cmd.CommandPath())}
	}
	return &FlagError{Err: fmt.Errorf("%s; see %s --help", msg, cmd.CommandPath())}
}
