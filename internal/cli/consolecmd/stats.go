package consolecmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

// StatsOptions are `qcli console stats`'s inputs.
type StatsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
}

// NewCmdStats builds `qcli console stats`. runF replaces runStats in tests.
func NewCmdStats(f *cmdutil.Factory, runF func(context.Context, *StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{Client: f.ConsoleClient, Printer: f.Printer}
	return &cobra.Command{
		Use:   "stats",
		Short: "Show system statistics",
		Long: `Show the system's counts: credentials, buckets, objects, bytes stored,
unfinished multipart uploads and active presigned URLs.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Run(cmd.Context(), opts, runF, runStats)
		},
	}
}

func runStats(ctx context.Context, opts *StatsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	s, err := c.Stats(ctx)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(s)
	}
	return printFields(p, []field{
		{"credentials", fmt.Sprint(s.Credentials)},
		{"buckets", fmt.Sprint(s.Buckets)},
		{"objects", fmt.Sprint(s.Objects)},
		{"total storage", fmt.Sprintf("%s (%d bytes)", size(s.TotalStorage), s.TotalStorage)},
		{"multipart uploads", fmt.Sprint(s.ActiveMultipartUploads)},
		{"presigned URLs", fmt.Sprint(s.ActivePresignedURLs)},
	})
}
