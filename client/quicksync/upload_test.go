package quicksync

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

func randomData(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// recorder keeps an upload's events.
type recorder struct {
	events []transfer.Event
	bytes  int64
}

func (r *recorder) record(ev transfer.Event) {
	r.events = append(r.events, ev)
	if ev.Type == transfer.Bytes {
		r.bytes += ev.Bytes
	}
}

func (r *recorder) last() transfer.Event { return r.events[len(r.events)-1] }

// checkStored downloads key and compares it with data and name.
func checkStored(t *testing.T, c *Client, key, name string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := c.Download(ctx, key, &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download of %s: %v, identical %v", key, err, bytes.Equal(buf.Bytes(), data))
	}
	info, err := c.Info(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecryptName(info.FileName, testSession); err != nil || got != name {
		t.Errorf("stored name %q, %v; want %q", got, err, name)
	}
}

func TestUploadSendsPartsInParallelAndCompletesInOrder(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	data := randomData(100_000)
	for name, r := range map[string]io.Reader{
		"file.bin":   bytes.NewReader(data),                 // an io.ReaderAt, read in place
		"stream.bin": io.MultiReader(bytes.NewReader(data)), // a stream, buffered per part
	} {
		var rec recorder
		res, err := c.Upload(ctx, name, r, int64(len(data)), UploadOptions{PartSize: 7000, Concurrency: 3, Progress: rec.record})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Parts != 15 || res.Size != int64(len(data)) || res.PartSize != 7000 || res.UploadID == "" {
			t.Errorf("%s: result %+v", name, res)
		}
		checkStored(t, c, res.FileKey, name, data)
		if rec.events[0].Type != transfer.Started || rec.last().Type != transfer.Done || rec.bytes != int64(len(data)) ||
			rec.last().Dest != res.FileKey || rec.last().Result.Parts != 15 {
			t.Errorf("%s: events end %+v, %d bytes reported", name, rec.last(), rec.bytes)
		}
	}
}

func TestUploadRefusesWhatCannotWork(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	if _, err := c.Upload(ctx, "empty", strings.NewReader(""), 0, UploadOptions{}); !errors.Is(err, ErrEmptyFile) {
		t.Errorf("empty: %v", err)
	}
	noSession := c.WithSession(&Session{Token: c.cfg.Token})
	if _, err := noSession.Upload(ctx, "x", strings.NewReader("x"), 1, UploadOptions{}); !errors.Is(err, ErrNoSession) {
		t.Errorf("no session: %v", err)
	}
	for _, tc := range []struct {
		data string
		want string
	}{{"short", "ended after 5 bytes, not the 9"}, {"much too long", "longer than the 9 bytes"}} {
		_, err := c.Upload(ctx, "x", io.MultiReader(strings.NewReader(tc.data)), 9, UploadOptions{PartSize: 4})
		var ue *UploadError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) || ue.CleanupErr != nil {
			t.Errorf("%q: %v", tc.data, err)
		}
	}
	if files, _ := c.List(ctx); len(files) != 0 {
		t.Errorf("left behind: %+v", files)
	}
}

func isPart(n string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodPut && r.Header.Get("partNumber") == n }
}

// A part that keeps failing is retried, then the upload fails naming it
// and the unfinished upload is deleted.
func TestUploadNamesThePartThatKeepsFailingAndCleansUp(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, s := login(t, srv)
	srv.Emulator.SetFault(faults.FailTimes(1000, http.StatusInternalServerError, "InternalError", nil, isPart("2")))
	var rec recorder
	_, err := c.Upload(ctx, "doomed.bin", bytes.NewReader(randomData(10)), 10, UploadOptions{PartSize: 4, Concurrency: 1, Progress: rec.record})
	var ue *UploadError
	if !errors.As(err, &ue) || ue.Part != 2 || ue.CleanupErr != nil || !errors.Is(err, ErrServer) ||
		!strings.Contains(err.Error(), "failed at part 2 of 3") || !strings.Contains(err.Error(), "was deleted") {
		t.Fatalf("err = %v", err)
	}
	if n := len(s.all()); n != c.cfg.MaxAttempts-1 {
		t.Errorf("%d retries of part 2, want %d", n, c.cfg.MaxAttempts-1)
	}
	if rec.last().Type != transfer.Failed || rec.last().Err != err {
		t.Errorf("last event %+v", rec.last())
	}
	if files, _ := c.List(ctx); len(files) != 0 {
		t.Errorf("left behind: %+v", files)
	}
}

func TestUploadSaysHowToCleanUpWhenTheDeleteFailsToo(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	srv.Emulator.SetFault(faults.FailTimes(1000, http.StatusBadGateway, "BadGateway", nil, func(r *http.Request) bool {
		return r.Method == http.MethodDelete || isPart("1")(r)
	}))
	_, err := c.Upload(ctx, "stuck.bin", strings.NewReader("abc"), 3, UploadOptions{})
	var ue *UploadError
	if !errors.As(err, &ue) || ue.CleanupErr == nil || !strings.Contains(err.Error(), "unfinished upload "+ue.FileKey+" could not be deleted") ||
		strings.Contains(err.Error(), "qcli") {
		t.Fatalf("err = %v", err)
	}
	srv.Emulator.SetFault(nil)
	if files, _ := c.List(ctx); len(files) != 1 || files[0].Completed {
		t.Errorf("listed %+v, want the unfinished upload", files)
	}
}

func TestUploadReportsARejectedComplete(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	srv.Emulator.SetFault(faults.FailTimes(1, http.StatusBadRequest, "InvalidPart", nil, func(r *http.Request) bool {
		return strings.HasSuffix(r.URL.Path, "/complete")
	}))
	_, err := c.Upload(ctx, "x.bin", strings.NewReader("abcdef"), 6, UploadOptions{PartSize: 2})
	var ue *UploadError
	if !errors.As(err, &ue) || ue.Step != "complete" || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("err = %v", err)
	}
}

// Cancelling mid-upload stops it and deletes what was sent.
func TestCancelledUploadIsDeleted(t *testing.T) {
	srv := startServer(t, emulator.QuickSyncOptions{})
	c, _ := login(t, srv)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := func(ev transfer.Event) {
		if ev.Type == transfer.Bytes {
			cancel()
		}
	}
	_, err := c.Upload(cctx, "x.bin", bytes.NewReader(randomData(50)), 50, UploadOptions{PartSize: 5, Concurrency: 1, Progress: progress})
	var ue *UploadError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ue) || ue.CleanupErr != nil {
		t.Fatalf("err = %v", err)
	}
	if files, _ := c.List(ctx); len(files) != 0 {
		t.Errorf("left behind: %+v", files)
	}
}
