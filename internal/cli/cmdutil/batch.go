package cmdutil

import (
	"io"
	"sync"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// Batch is what the commands of one `qcli run` share: the parent Factory's
// configuration, resolved once, and one S3 client, so that every command
// of the batch draws on one connection pool instead of dialling its own.
// It is safe for concurrent use.
type Batch struct {
	parent *Factory
	conns  int       // connections per host in the shared pool
	errOut io.Writer // the shared client's --debug trace

	once sync.Once
	cfg  client.Config
	c    *client.Client
	err  error
}

// NewBatch starts a batch over f whose shared client keeps at least
// connsPerHost connections per host and writes its --debug trace to errOut,
// which the batch also writes its own reports to: it must be safe for
// concurrent use. The client is built when a command first needs it, so a
// configuration error is reported by the commands that need S3.
func (f *Factory) NewBatch(connsPerHost int, errOut io.Writer) *Batch {
	return &Batch{parent: f, conns: connsPerHost, errOut: errOut}
}

// Factory returns a Factory for one command of the batch: its own streams
// and root flags (starting as the parent's), the batch's configuration and
// client. Each command gets its own, so that concurrent commands neither
// share flag variables nor interleave their output.
func (b *Batch) Factory(ios *iostreams.IOStreams) *Factory {
	p := b.parent
	return &Factory{IO: ios, Getenv: p.Getenv, Flags: p.Flags, Debug: p.Debug, Quiet: p.Quiet, batch: b}
}

// resolve builds the client configuration and the client once: the
// embedded emulator of the local profile is started once, too.
func (b *Batch) resolve() {
	b.once.Do(func() {
		b.cfg, b.err = b.parent.ClientConfig()
		if b.err != nil {
			return
		}
		b.cfg.MaxConnsPerHost = max(b.cfg.MaxConnsPerHost, b.conns)
		if b.cfg.Debug != nil {
			b.cfg.Debug = b.errOut
		}
		c, err := client.New(b.cfg)
		if err != nil {
			b.err = &ConfigError{Err: err}
			return
		}
		b.c = c
	})
}

func (b *Batch) clientConfig() (client.Config, error) {
	b.resolve()
	return b.cfg, b.err
}

func (b *Batch) client() (*client.Client, error) {
	b.resolve()
	return b.c, b.err
}
