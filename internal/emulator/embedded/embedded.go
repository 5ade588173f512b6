// Package embedded runs the emulator inside the qcli process, for the
// built-in local profile and for `qcli server`.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/quilibrium/qcli/configure"
	"github.com/quilibrium/qcli/internal/emulator"
)

// DataDirName is the local profile's data directory inside the settings directory.
const DataDirName = "local-data"

// Server is a running emulator.
type Server struct {
	Endpoint string
	emu      *emulator.Emulator
	http     *http.Server
	unlock   func()
}

// Options configure Serve.
type Options struct {
	Addr        string            // host:port; port 0 picks a free one
	DataDir     string            // "" keeps everything in memory
	Credentials map[string]string // access key id -> secret
	Region      string            // the region requests are signed for; "" is emulator.DefaultRegion
	// ConsoleAPIKey serves the management console API beside S3, on the
	// same address, to requests carrying it; "" leaves the console off.
	ConsoleAPIKey string
	// QuickSyncSessions (session ID -> password) serve the QuickSync API
	// beside S3, on the same address; none leaves it off.
	QuickSyncSessions map[string]string
}

// Serve starts an emulator on opts.Addr over plain HTTP. A data directory
// is locked for the server's lifetime: two processes writing one directory
// would each keep a stale index of it.
func Serve(opts Options) (*Server, error) {
	unlock := func() {}
	if opts.DataDir != "" {
		var err error
		if unlock, err = lockDir(opts.DataDir, 10*time.Second); err != nil {
			return nil, err
		}
	}
	emu, err := emulator.New(emulator.Options{Credentials: opts.Credentials, DataDir: opts.DataDir, Region: opts.Region,
		ConsoleAPIKey: opts.ConsoleAPIKey, QuickSync: emulator.QuickSyncOptions{Sessions: opts.QuickSyncSessions}})
	if err != nil {
		unlock()
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		emu.Close()
		unlock()
		return nil, fmt.Errorf("cannot listen on %s: %w; pick another address with --addr", opts.Addr, err)
	}
	s := &Server{Endpoint: "http://" + ln.Addr().String(), emu: emu, unlock: unlock,
		http: &http.Server{Handler: emu, ReadHeaderTimeout: 30 * time.Second}}
	// Serve returns only when Close shuts the listener; its error says nothing new.
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// Close stops serving, then releases the store and its lock.
func (s *Server) Close() error {
	err := s.http.Close()
	err = errors.Join(err, s.emu.Close())
	s.unlock()
	return err
}

// Start serves the local profile's emulator on a free loopback port with
// its data under dir; it fits cmdutil.Factory.StartEmbedded.
func Start(dir string) (endpoint string, stop func(), err error) {
	s, err := Serve(Options{
		Addr:        "127.0.0.1:0",
		DataDir:     filepath.Join(dir, DataDirName),
		Credentials: map[string]string{configure.LocalAccessKeyID: configure.LocalSecretAccessKey},
	})
	if err != nil {
		return "", nil, err
	}
	return s.Endpoint, func() { _ = s.Close() }, nil
}
