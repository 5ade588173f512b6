package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// NoArgs rejects positional arguments as a parse error (exit 2).
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return unknownCommand(cmd, args[0])
		}
		return &FlagError{Err: fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))}
	}
	return nil
}

// ExactArgs wants n arguments, described by what (e.g. "s3://bucket").
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &FlagError{Err: fmt.Errorf("%s needs %s; usage: %s", cmd.CommandPath(), what, cmd.UseLine())}
		}
		return nil
	}
}

// RangeArgs wants between lo and hi arguments.
func RangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return &FlagError{Err: fmt.Errorf("%s takes %s; usage: %s", cmd.CommandPath(), what, cmd.UseLine())}
		}
		return nil
	}
}

// GroupRunE runs for a command group called without a subcommand: it
// prints help and fails, since nothing was done.
func GroupRunE(cmd *cobra.Command, args []string) error {
	cmd.SetOut(cmd.ErrOrStderr())
	_ = cmd.Help()
	return &FlagError{Err: errors.New(cmd.CommandPath() + " needs a subcommand")}
}
