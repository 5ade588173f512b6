package runcmd

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
)

// line is one command of a batch, checked and ready to run.
type line struct {
	num  int      // 1-based line number in the batch
	text string   // as written, trimmed, secrets hidden (see shown)
	args []string // the words, with the s3 group added when left out
}

// badLine is a line that cannot run, and why.
type badLine struct {
	num  int
	text string
	err  error
}

// parseBatch splits the batch into lines and checks every one the way the
// command line itself would be checked (command, flags, arguments), without
// running anything. Blank and comment lines are skipped.
func parseBatch(text string, newRoot func(*cmdutil.Factory) *cobra.Command, batch *cmdutil.Batch) (lines []line, bad []badLine) {
	for i, t := range strings.Split(text, "\n") {
		t = strings.TrimSpace(strings.TrimSuffix(t, "\r"))
		args, err := splitWords(t)
		if err != nil {
			err = &cmdutil.FlagError{Err: err}
		} else if len(args) == 0 {
			continue
		} else {
			// Each line is checked on a tree of its own: parsing sets flags.
			ios := &iostreams.IOStreams{In: noStdin{}, Out: io.Discard, ErrOut: io.Discard}
			args, err = checkLine(newRoot(batch.Factory(ios)), args)
		}
		if err != nil {
			bad = append(bad, badLine{num: i + 1, text: shown(t), err: err})
			continue
		}
		lines = append(lines, line{num: i + 1, text: shown(t), args: args})
	}
	return lines, bad
}

// checkLine parses args on root as cobra's Execute would, up to the point
// where the command would run, and applies the batch's own rules. It
// returns args with the s3 group added when the line left it out.
func checkLine(root *cobra.Command, args []string) ([]string, error) {
	args = withGroup(root, args)
	cmd, rest, err := root.Find(s3cmd.LineArgs(root, args)) // parsed as Execute will
	if err != nil {
		return nil, &cmdutil.FlagError{Err: err}
	}
	if err := refused(cmd); err != nil {
		return nil, err
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return nil, cmd.FlagErrorFunc()(cmd, err)
	}
	if err := globalFlagSet(root); err != nil {
		return nil, err
	}
	if help, _ := cmd.Flags().GetBool("help"); help {
		return args, nil
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return nil, err
	}
	if cmd.HasAvailableSubCommands() {
		return nil, &cmdutil.FlagError{Err: fmt.Errorf("%s needs a subcommand", cmd.CommandPath())}
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return nil, &cmdutil.FlagError{Err: err}
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return nil, &cmdutil.FlagError{Err: err}
	}
	return args, dashArg(cmd)
}

// withGroup adds the s3 group to a line that names one of its commands
// (cp, rm, mb ...) without it, as s5cmd's batches are written.
func withGroup(root *cobra.Command, args []string) []string {
	if cmd, _, err := root.Find(args); err != nil || cmd != root {
		return args
	}
	withS3 := append([]string{"s3"}, args...)
	if cmd, _, err := root.Find(withS3); err == nil && cmd.Parent() != root {
		return withS3
	}
	return args
}

// notInBatch are the commands a batch cannot run, by command path prefix,
// and why.
var notInBatch = []struct{ path, why string }{
	{"qcli run", "batches do not nest: put its lines in this batch"},
	{"qcli server", "it serves until stopped: start it on its own"},
	{"qcli configure", "it reads and writes the settings the batch has already read: run it before qcli run"},
	{"qcli completion", "it prints a shell script, not an operation"},
	{"qcli s3 cat", "a line's output is held until it finishes: copy the object to a file instead"},
}

// refused explains why cmd cannot run in a batch, or returns nil.
func refused(cmd *cobra.Command) error {
	path := cmd.CommandPath()
	for _, r := range notInBatch {
		if path == r.path || strings.HasPrefix(path, r.path+" ") {
			return &cmdutil.FlagError{Err: fmt.Errorf("%s cannot run in a batch: %s", path, r.why)}
		}
	}
	return nil
}

// dashArg refuses cp and mv from standard input or to standard output: a
// line has no standard input, and its output is held in memory until it
// finishes.
func dashArg(cmd *cobra.Command) error {
	path := cmd.CommandPath()
	if (path == "qcli s3 cp" || path == "qcli s3 mv") && slices.Contains(cmd.Flags().Args(), "-") {
		return &cmdutil.FlagError{Err: fmt.Errorf("%s with - cannot run in a batch: a line has no standard input, and its output is held until it finishes; name a file", path)}
	}
	return nil
}

// globalFlagSet refuses root flags on a line, except --quiet: the batch has
// one configuration and one client, so a line's --profile or --endpoint-url
// would be silently ignored.
func globalFlagSet(root *cobra.Command) error {
	var set []string
	root.PersistentFlags().VisitAll(func(fl *pflag.Flag) {
		if fl.Changed && fl.Name != "quiet" {
			set = append(set, "--"+fl.Name)
		}
	})
	if len(set) > 0 {
		return &cmdutil.FlagError{Err: fmt.Errorf("%s applies to the whole batch: give it to qcli run itself (qcli run %s ... FILE)",
			strings.Join(set, ", "), set[0])}
	}
	return nil
}
