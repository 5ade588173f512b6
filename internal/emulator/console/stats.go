package console

import (
	"net/http"
	"time"

	consoleapi "github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/humanize"
)

// stats counts what the store holds now, so it always agrees with S3.
func (c *Server) stats(*http.Request, consoleapi.Params) (int, any, error) {
	var out consoleapi.Stats
	out.Buckets, out.Objects, out.TotalStorage, out.ActiveMultipartUploads = c.store.Totals()
	out.TotalStorageHuman = humanize.Bytes(out.TotalStorage)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	c.pruneLocked()
	out.Credentials = int64(len(c.creds))
	out.ActivePresignedURLs = int64(len(c.presigned))
	return http.StatusOK, out, nil
}

// stamp is a time as 003 shows them: UTC, whole seconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
