package quicksync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/httptransport"
	"github.com/quilibrium/qcli/internal/jsonapi"
)

// Download writes a file's bytes to w: DownloadURL, then Fetch. It returns
// the number of bytes written; compare it with the file's size.
func (c *Client) Download(ctx context.Context, fileID string, w io.Writer, progress func(n int64)) (int64, error) {
	u, err := c.DownloadURL(ctx, fileID)
	if err != nil {
		return 0, err
	}
	return c.Fetch(ctx, u, w, progress)
}

// Fetch GETs a download URL into w. The bearer token is not sent: the URL
// carries its own authorization and may point at another host. Failures
// are retried like any call; a body that breaks off resumes where it
// stopped with a Range request, and fails when the server cannot resume.
// progress, when set, is told of every chunk written.
func (c *Client) Fetch(ctx context.Context, rawURL string, w io.Writer, progress func(n int64)) (int64, error) {
	var written int64
	api := c.api()
	ctx = httptransport.WithCall(ctx) // the resumed GETs are one call: they share one stall budget
	err := api.Run(ctx, opDownload, true, func() jsonapi.Attempt {
		n, a := c.fetchFrom(ctx, api, rawURL, w, written, progress)
		written += n
		return a
	})
	return written, err
}

var (
	errWrite    = errors.New("writing the download")
	errNoResume = errors.New("the server cannot resume the download (no range support); try again")
)

// fetchFrom GETs the URL from byte offset on and copies the body to w. A
// failure to write or to resume is final: its Attempt is not retryable.
func (c *Client) fetchFrom(ctx context.Context, api *jsonapi.Client, rawURL string, w io.Writer, offset int64, progress func(int64)) (int64, jsonapi.Attempt) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, jsonapi.Attempt{Err: fmt.Errorf("%s: bad URL: %w", opDownload, err)}
	}
	req.Header.Set("User-Agent", jsonapi.UserAgent(c.cfg.UserAgent))
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	hc := *c.hc
	hc.CheckRedirect = nil // a download URL may redirect (a gateway); no token rides along
	resp, err := hc.Do(req)
	if err != nil {
		return 0, jsonapi.NoAnswer(err, &ConnectionError{Op: opDownload, Endpoint: hostOf(req), Err: err})
	}
	defer resp.Body.Close()
	if err := checkFetchStatus(resp, offset); err != nil {
		if errors.Is(err, errNoResume) {
			return 0, jsonapi.Attempt{Err: err}
		}
		return 0, api.Failed(&jsonapi.Call{Op: opDownload}, resp)
	}
	n, err := copyCounting(w, resp.Body, progress)
	switch {
	case err == nil:
		return n, jsonapi.Attempt{}
	case errors.Is(err, errWrite):
		return n, jsonapi.Attempt{Err: err}
	}
	return n, jsonapi.NoAnswer(err, &ConnectionError{Op: opDownload, Endpoint: hostOf(req), Err: err})
}

// checkFetchStatus accepts 200 for a fresh fetch and 206 from offset for a
// resumed one.
func checkFetchStatus(resp *http.Response, offset int64) error {
	switch {
	case resp.StatusCode == http.StatusOK && offset == 0:
		return nil
	case resp.StatusCode == http.StatusPartialContent && offset > 0 &&
		strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(offset, 10)+"-"):
		return nil
	case resp.StatusCode == http.StatusOK, resp.StatusCode == http.StatusPartialContent:
		return errNoResume
	}
	return errors.New("unexpected status")
}

// copyCounting copies src to dst, reporting progress; a write failure is
// wrapped in errWrite so it is not retried.
func copyCounting(dst io.Writer, src io.Reader, progress func(int64)) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return total, fmt.Errorf("%w: %w", errWrite, err)
			}
			total += int64(n)
			if progress != nil {
				progress(int64(n))
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

func hostOf(req *http.Request) string { return req.URL.Scheme + "://" + req.URL.Host }
