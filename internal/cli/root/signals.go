package root

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// stopSignals stop a command the way Ctrl-C does. A cancelled CI job or
// `docker stop` sends SIGTERM and a closed terminal SIGHUP; left to their
// default action they would kill the process with its multipart uploads
// open and its temporary files in place.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signalContext is cancelled, with a *cmdutil.SignalError as its cause,
// by the first of stopSignals to arrive. stop releases the signals.
func signalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(&cmdutil.SignalError{Signal: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// stoppedBy is the error of a command whose context was cancelled: the
// signal that cancelled it, or a plain interruption.
func stoppedBy(ctx context.Context) error {
	if sig, ok := context.Cause(ctx).(*cmdutil.SignalError); ok {
		return sig
	}
	return cmdutil.ErrInterrupted
}
