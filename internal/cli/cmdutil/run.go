package cmdutil

import "context"

// Run ends a command's RunE, once the flags are parsed into opts and
// checked: with runF when a test passed one to NewCmdX (it receives the
// Options, and nothing is built or sent; see package cmdtest), else with
// run, the command's work. Errors are returned as they are: ExitCode and
// ErrorLine turn them into what the user sees.
func Run[O any](ctx context.Context, opts *O, runF, run func(context.Context, *O) error) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return run(ctx, opts)
}
