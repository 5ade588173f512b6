package s3cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

const mvLong = `Move a local file or S3 object: copy it as cp does, then remove the
source, but only once the copy is complete and verified. A source whose
copy failed is left where it was.

  qcli s3 mv ./report.pdf s3://bucket/reports/
  qcli s3 mv s3://bucket/incoming/ s3://bucket/done/ --recursive
  qcli s3 mv s3://bucket/logs/ ./logs --recursive --exclude "*" --include "*.gz"

Output lines read "move: SOURCE to DEST". Flags and exit status are cp's.`

// NewCmdMv builds `qcli s3 mv`; it shares cp's options with Move set.
func NewCmdMv(f *cmdutil.Factory, runF func(context.Context, *CpOptions) error) *cobra.Command {
	return newCopyCommand(f, runF, true, "mv SOURCE DEST", "Move files and objects", mvLong)
}
