package emulator

import (
	"net/http"
	"time"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/humanize"
)

// stats counts what the store holds now, so it always agrees with S3.
func (c *consoleAPI) stats(*http.Request, console.Params) (int, any, error) {
	var out console.Stats
	out.Buckets, out.Objects, out.TotalStorage, out.ActiveMultipartUploads = c.e.store.totals()
	out.TotalStorageHuman = humanize.Bytes(out.TotalStorage)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	c.pruneLocked()
	out.Credentials = int64(len(c.creds))
	out.ActivePresignedURLs = int64(len(c.presigned))
	return http.StatusOK, out, nil
}

// totals counts buckets, objects, their bytes and unfinished uploads.
func (s *store) totals() (buckets, objects, bytes, uploads int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.buckets {
		buckets++
		for _, o := range b.objects {
			objects++
			bytes += o.Size
		}
	}
	return buckets, objects, bytes, int64(len(s.uploads))
}

// stamp is a time as 003 shows them: UTC, whole seconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
