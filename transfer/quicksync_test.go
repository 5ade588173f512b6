package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

const (
	qsSession  = "session-4711-abcdef"
	qsPassword = "pass+word/that-must-not-leak"
	qsAttempts = 3
)

// qsEnv is an emulator serving QuickSync over TLS and a client that joined
// its session, with fast retries.
type qsEnv struct {
	srv *emulatortest.Server
	c   *quicksync.Client
}

func newQSEnv(t *testing.T) *qsEnv {
	t.Helper()
	srv := emulatortest.Start(t, emulator.Options{QuickSync: emulator.QuickSyncOptions{Sessions: map[string]string{qsSession: qsPassword}}})
	c, err := quicksync.New(quicksync.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, MaxAttempts: qsAttempts,
		RetryBaseDelay: time.Microsecond, RetryMaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.JoinSession(context.Background(), qsSession, qsPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &qsEnv{srv: srv, c: c.WithSession(sess)}
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// checkStored downloads key and compares it with data and name.
func (e *qsEnv) checkStored(t *testing.T, key, name string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := e.c.Download(context.Background(), key, &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download of %s: %v, identical %v", key, err, bytes.Equal(buf.Bytes(), data))
	}
	info, err := e.c.Info(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := quicksync.DecryptName(info.FileName, qsSession); err != nil || got != name {
		t.Errorf("stored name %q, %v; want %q", got, err, name)
	}
}

func (e *qsEnv) nothingLeft(t *testing.T) {
	t.Helper()
	if files, _ := e.c.List(context.Background()); len(files) != 0 {
		t.Errorf("left behind: %+v", files)
	}
}

// qsRecorder keeps an upload's events.
type qsRecorder struct {
	mu     sync.Mutex
	events []transfer.Event
	bytes  int64
}

func (r *qsRecorder) record(ev transfer.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	if ev.Type == transfer.Bytes {
		r.bytes += ev.Bytes
	}
}

func (r *qsRecorder) last() transfer.Event { return r.events[len(r.events)-1] }

func isQSPart(n string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodPut && r.Header.Get("partNumber") == n }
}

func TestUploadQuickSyncSendsPartsInParallelAndCompletesInOrder(t *testing.T) {
	e := newQSEnv(t)
	data := randomBytes(100_000)
	for name, r := range map[string]io.Reader{
		"file.bin":   bytes.NewReader(data),                 // an io.ReaderAt, read in place
		"stream.bin": io.MultiReader(bytes.NewReader(data)), // a stream, buffered per part
	} {
		var rec qsRecorder
		res, err := transfer.UploadQuickSync(context.Background(), e.c, r, transfer.QuickSyncInput{Name: name, Size: int64(len(data)),
			PartSize: 7000, Concurrency: 3, Progress: rec.record})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Parts != 15 || res.Size != int64(len(data)) || res.PartSize != 7000 || res.UploadID == "" {
			t.Errorf("%s: result %+v", name, res)
		}
		e.checkStored(t, res.FileKey, name, data)
		if rec.events[0].Type != transfer.Started || rec.events[0].Size != int64(len(data)) || rec.last().Type != transfer.Done ||
			rec.bytes != int64(len(data)) || rec.last().Dest != res.FileKey || rec.last().Result.Parts != 15 {
			t.Errorf("%s: events end %+v, %d bytes reported", name, rec.last(), rec.bytes)
		}
	}
}

func TestUploadQuickSyncRefusesWhatCannotWork(t *testing.T) {
	e := newQSEnv(t)
	ctx := context.Background()
	up := func(c *quicksync.Client, r io.Reader, size int64, ps int64) error {
		_, err := transfer.UploadQuickSync(ctx, c, r, transfer.QuickSyncInput{Name: "x", Size: size, PartSize: ps})
		return err
	}
	if err := up(e.c, strings.NewReader(""), 0, 0); !errors.Is(err, quicksync.ErrEmptyFile) {
		t.Errorf("empty: %v", err)
	}
	noSession := e.c.WithSession(&quicksync.Session{Token: "t"})
	if err := up(noSession, strings.NewReader("x"), 1, 0); !errors.Is(err, quicksync.ErrNoSession) {
		t.Errorf("no session: %v", err)
	}
	for _, tc := range []struct {
		data string
		want string
	}{{"short", "ended after 5 bytes, not the 9"}, {"much too long", "longer than the 9 bytes"}} {
		err := up(e.c, io.MultiReader(strings.NewReader(tc.data)), 9, 4)
		var ue *quicksync.UploadError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) || ue.CleanupErr != nil {
			t.Errorf("%q: %v", tc.data, err)
		}
	}
	e.nothingLeft(t)
}

// A part that keeps failing is retried, then the upload fails naming it
// and the unfinished upload is deleted.
func TestUploadQuickSyncNamesThePartThatKeepsFailingAndCleansUp(t *testing.T) {
	e := newQSEnv(t)
	var tries atomic.Int32
	e.srv.Emulator.Observe(func(r *http.Request) {
		if isQSPart("2")(r) {
			tries.Add(1)
		}
	})
	e.srv.Emulator.SetFault(faults.FailTimes(1000, http.StatusInternalServerError, "InternalError", nil, isQSPart("2")))
	var rec qsRecorder
	_, err := transfer.UploadQuickSync(context.Background(), e.c, bytes.NewReader(randomBytes(10)),
		transfer.QuickSyncInput{Name: "doomed.bin", Size: 10, PartSize: 4, Concurrency: 1, Progress: rec.record})
	var ue *quicksync.UploadError
	if !errors.As(err, &ue) || ue.Part != 2 || ue.CleanupErr != nil || !errors.Is(err, quicksync.ErrServer) ||
		!strings.Contains(err.Error(), "failed at part 2 of 3") || !strings.Contains(err.Error(), "was deleted") {
		t.Fatalf("err = %v", err)
	}
	if n := tries.Load(); n != qsAttempts {
		t.Errorf("part 2 tried %d times, want %d", n, qsAttempts)
	}
	if rec.last().Type != transfer.Failed || rec.last().Err != err {
		t.Errorf("last event %+v", rec.last())
	}
	e.nothingLeft(t)
}

func TestUploadQuickSyncSaysHowToCleanUpWhenTheDeleteFailsToo(t *testing.T) {
	e := newQSEnv(t)
	e.srv.Emulator.SetFault(faults.FailTimes(1000, http.StatusBadGateway, "BadGateway", nil, func(r *http.Request) bool {
		return r.Method == http.MethodDelete || isQSPart("1")(r)
	}))
	_, err := transfer.UploadQuickSync(context.Background(), e.c, strings.NewReader("abc"), transfer.QuickSyncInput{Name: "stuck.bin", Size: 3})
	var ue *quicksync.UploadError
	if !errors.As(err, &ue) || ue.CleanupErr == nil || !strings.Contains(err.Error(), "unfinished upload "+ue.FileKey+" could not be deleted") ||
		strings.Contains(err.Error(), "qcli") {
		t.Fatalf("err = %v", err)
	}
	e.srv.Emulator.SetFault(nil)
	if files, _ := e.c.List(context.Background()); len(files) != 1 || files[0].Completed {
		t.Errorf("listed %+v, want the unfinished upload", files)
	}
}

func TestUploadQuickSyncReportsARejectedComplete(t *testing.T) {
	e := newQSEnv(t)
	e.srv.Emulator.SetFault(faults.FailTimes(1, http.StatusBadRequest, "InvalidPart", nil, func(r *http.Request) bool {
		return strings.HasSuffix(r.URL.Path, "/complete")
	}))
	_, err := transfer.UploadQuickSync(context.Background(), e.c, strings.NewReader("abcdef"), transfer.QuickSyncInput{Name: "x.bin", Size: 6, PartSize: 2})
	var ue *quicksync.UploadError
	if !errors.As(err, &ue) || ue.Step != "complete" || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("err = %v", err)
	}
	e.nothingLeft(t)
}

// Cancelling mid-upload stops it and deletes what was sent, although the
// caller's context is gone.
func TestUploadQuickSyncCancelledIsDeleted(t *testing.T) {
	e := newQSEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := func(ev transfer.Event) {
		if ev.Type == transfer.Bytes {
			cancel()
		}
	}
	_, err := transfer.UploadQuickSync(ctx, e.c, bytes.NewReader(randomBytes(50)),
		transfer.QuickSyncInput{Name: "x.bin", Size: 50, PartSize: 5, Concurrency: 1, Progress: progress})
	var ue *quicksync.UploadError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ue) || ue.CleanupErr != nil {
		t.Fatalf("err = %v", err)
	}
	e.nothingLeft(t)
}
