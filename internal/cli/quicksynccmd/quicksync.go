// Package quicksynccmd holds the `qcli quicksync` commands, which drive the
// QuickSync upload API through client/quicksync. Each command has an
// Options struct, a NewCmdX that only wires flags, and a runX that does the
// work, as in s3cmd.
package quicksynccmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

const quickSyncLong = `Upload files to QuickSync and manage them: join a session once with
qcli quicksync login, then upload, ls, info, url, download and rm.

The session's token, its ID and the token's expiry are kept in the
profile's credentials file (mode 0600); QCLI_QUICKSYNC_TOKEN and
QCLI_QUICKSYNC_SESSION set them for scripts. File names are encrypted with
the session ID before they leave this machine (the OpenSSL/CryptoJS
passphrase format: openssl enc -d -aes-256-cbc -md md5 -a -A
-pass pass:SESSION_ID decrypts them), so ls shows them decrypted only when
the session ID is known.

The API is at https://api.quicksync.me unless quicksync_endpoint,
QCLI_QUICKSYNC_ENDPOINT or --quicksync-endpoint say otherwise; qcli server
serves it beside its S3 emulator.`

// NewCmdQuickSync is the `qcli quicksync` group.
func NewCmdQuickSync(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quicksync",
		Short: "Upload and manage files with the QuickSync API",
		Long:  quickSyncLong,
		Args:  cmdutil.NoArgs,
		RunE:  cmdutil.GroupRunE,
	}
	cmd.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdUpload(f, nil),
		NewCmdLs(f, nil),
		NewCmdInfo(f, nil),
		NewCmdRm(f, nil),
		NewCmdURL(f, nil),
		NewCmdDownload(f, nil),
	)
	return cmd
}

// clientFunc builds the client a command talks to
// (Factory.QuickSyncClient, or QuickSyncLoginClient for login).
type clientFunc func(context.Context) (*quicksync.Client, error)
