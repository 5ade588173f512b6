package transfer_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

func isAbort(r *http.Request) bool {
	return r.Method == http.MethodDelete && r.URL.Query().Has("uploadId")
}

// interrupt uploads path until the emulator has received `after` parts,
// then cancels, with aborts failing as they would with the network gone:
// the upload and its state are left for the next attempt.
func interrupt(t *testing.T, e *env, state, path string, after int32) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var parts atomic.Int32
	e.srv.Emulator.Observe(func(r *http.Request) {
		if isPartUpload(r) && parts.Add(1) == after+1 {
			cancel()
		}
	})
	e.srv.Emulator.SetFault(faults.FailTimes(1000, http.StatusServiceUnavailable, "ServiceUnavailable", nil, isAbort))
	m := e.manager(func(o *transfer.Options) { o.StateDir, o.PartConcurrency = state, 1 })
	if _, err := m.UploadFile(ctx, path, transfer.UploadInput{Bucket: "bkt", Key: "big"}); err == nil {
		t.Fatal("interrupted upload succeeded")
	}
	e.srv.Emulator.SetFault(nil)
	if e.openUploads() != 1 {
		t.Fatalf("%d uploads open after the interruption, want 1", e.openUploads())
	}
}

func TestResumeAnInterruptedUpload(t *testing.T) {
	e := newEnv(t)
	state := t.TempDir()
	path, data := randomFile(t, t.TempDir(), 10*testPartSize+10)
	interrupt(t, e, state, path, 4)

	reqs := e.record()
	m := e.manager(func(o *transfer.Options) { o.StateDir = state })
	res, err := m.UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ResumedParts < 4 || res.Parts != 11 {
		t.Errorf("resumed %d of %d parts, want at least 4", res.ResumedParts, res.Parts)
	}
	if sent := reqs.count(isPartUpload); sent != 11-res.ResumedParts {
		t.Errorf("%d parts sent again, want %d", sent, 11-res.ResumedParts)
	}
	if !bytes.Equal(e.read("big"), data) || e.openUploads() != 0 {
		t.Fatal("resumed object differs, or an upload is left open")
	}
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("state left behind: %v", entries)
	}
}

func TestResumeStateOfAChangedFileIsDropped(t *testing.T) {
	e := newEnv(t)
	state := t.TempDir()
	path, _ := randomFile(t, t.TempDir(), 10*testPartSize)
	interrupt(t, e, state, path, 3)

	data := pattern(10 * testPartSize) // same size, new content and mtime
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(path, later, later)
	m := e.manager(func(o *transfer.Options) { o.StateDir = state })
	res, err := m.UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ResumedParts != 0 || !bytes.Equal(e.read("big"), data) {
		t.Errorf("resumed %d parts of a changed file", res.ResumedParts)
	}
	if n := e.openUploads(); n != 0 {
		t.Errorf("the stale upload was not aborted: %d open", n)
	}
}

func TestResumeWhenTheUploadIsGone(t *testing.T) {
	e := newEnv(t)
	state := t.TempDir()
	path, data := randomFile(t, t.TempDir(), 10*testPartSize)
	interrupt(t, e, state, path, 3)
	for u, err := range e.c.ListMultipartUploads(context.Background(), "bkt", "") {
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.AbortMultipartUpload(context.Background(), "bkt", u.Key, u.UploadID); err != nil {
			t.Fatal(err)
		}
	}
	m := e.manager(func(o *transfer.Options) { o.StateDir = state })
	res, err := m.UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "bkt", Key: "big"})
	if err != nil || res.ResumedParts != 0 || !bytes.Equal(e.read("big"), data) {
		t.Fatalf("err %v, result %+v", err, res)
	}
}
