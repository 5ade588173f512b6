package transfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// Planning and integrity tests over fakeS3 (fake_test.go): no TLS, no
// emulator, each in microseconds. Parts are 1 KiB from 2 KiB.

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeFile writes n random bytes to a file and returns its path and data.
func fakeFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := randomBytes(t, n)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// events keeps a call's events.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (l *events) add(ev Event) { l.mu.Lock(); l.all = append(l.all, ev); l.mu.Unlock() }

// of is the events of type t.
func (l *events) of(t EventType) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, ev := range l.all {
		if ev.Type == t {
			out = append(out, ev)
		}
	}
	return out
}

// checkNothingOpen fails when a multipart upload was left open.
func checkNothingOpen(t *testing.T, f *fakeS3) {
	t.Helper()
	if n := f.openUploads(); n != 0 {
		t.Errorf("%d multipart uploads left open", n)
	}
}

func TestUploadRefusesAPartWhoseETagIsNotItsMD5AndAbortsIt(t *testing.T) {
	for _, stream := range []bool{false, true} {
		f := newFakeS3()
		f.onPart = func(in client.UploadPartInput) (string, error) {
			if in.PartNumber == 2 {
				return "0123456789abcdef0123456789abcdef", nil // stored, but not what was sent
			}
			return "", nil
		}
		path, data := fakeFile(t, 5000)
		m := newFakeManager(t, f)
		var err error
		if stream {
			_, err = m.Upload(context.Background(), bytes.NewReader(data), UploadInput{Bucket: "b", Key: "k"})
		} else {
			_, err = m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"})
		}
		var ie *IntegrityError
		if !errors.As(err, &ie) {
			t.Fatalf("stream %v: %v, want an IntegrityError naming part 2", stream, err)
		}
		if f.count(op("CompleteMultipartUpload")) != 0 || f.count(op("AbortMultipartUpload")) != 1 || f.object("k") != nil {
			t.Errorf("stream %v: completes %d, aborts %d, object %v: want the upload aborted, nothing stored",
				stream, f.count(op("CompleteMultipartUpload")), f.count(op("AbortMultipartUpload")), f.object("k") != nil)
		}
		checkNothingOpen(t, f)
	}
}

// Parts go without a Content-MD5 where their MD5 can be computed as they
// are sent (fakeS3 does not sign payloads, as over HTTPS). A client
// retrying a request rewinds the body; the MD5 must then be of the bytes
// the last attempt sent, not of everything read: here each part is read
// in part, from the middle, and rewound before it is read whole.
func TestPartMD5ComputedAsItIsSentIsOfTheLastAttempt(t *testing.T) {
	for _, stream := range []bool{false, true} {
		f := newFakeS3()
		var mu sync.Mutex
		withMD5 := 0
		f.onPart = func(in client.UploadPartInput) (string, error) {
			mu.Lock()
			if in.ContentMD5 != "" {
				withMD5++
			}
			mu.Unlock()
			body := in.Body.(io.ReadSeeker)
			if _, err := io.CopyN(io.Discard, body, 100); err != nil {
				return "", err
			}
			if _, err := body.Seek(500, io.SeekStart); err != nil {
				return "", err
			}
			if _, err := io.CopyN(io.Discard, body, 10); err != nil {
				return "", err
			}
			_, err := body.Seek(0, io.SeekStart)
			return "", err
		}
		path, data := fakeFile(t, 5000)
		m := newFakeManager(t, f)
		var res *Result
		var err error
		if stream {
			res, err = m.Upload(context.Background(), bytes.NewReader(data), UploadInput{Bucket: "b", Key: "k"})
		} else {
			res, err = m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"})
		}
		if err != nil {
			t.Fatalf("stream %v: %v", stream, err)
		}
		if res.Verified != VerifiedComposite || withMD5 != 0 || f.count(op("UploadPart")) != 5 {
			t.Errorf("stream %v: verified %q, %d of %d parts with Content-MD5: want composite, 0 of 5",
				stream, res.Verified, withMD5, f.count(op("UploadPart")))
		}
		if o := f.object("k"); o == nil || !bytes.Equal(o.data, data) {
			t.Errorf("stream %v: the object is not the file", stream)
		}
	}
}

// A part goes again with its Content-MD5 when what was sent without one
// cannot be checked: the service's part ETags are not MD5s, or it refuses
// a part without a digest (S3 in a bucket with Object Lock), and after
// either every later part goes with one from the start; or the client did
// not read the part in order from its start to its end (here it skips the
// first bytes and never rewinds), so its MD5 is unknown. No part is left
// stored unchecked or recorded against a digest of some of its bytes, and
// progress counts each byte once.
func TestPartsGoWithContentMD5WhereTheServiceNeedsIt(t *testing.T) {
	for name, tc := range map[string]struct {
		answer           func(client.UploadPartInput) (string, error)
		minSent, maxSent int // UploadPart requests for the 20 parts
	}{
		// At most the parts in flight (4) when the first answer came go twice.
		"ETags not MD5s": {func(client.UploadPartInput) (string, error) { return "opaque-etag", nil }, 21, 24},
		"refused without a digest": {func(in client.UploadPartInput) (string, error) {
			if in.ContentMD5 == "" {
				return "", s3Err("UploadPart", http.StatusBadRequest, client.ErrInvalidRequest)
			}
			return "", nil
		}, 21, 24},
		// The service is not at fault: every part goes twice.
		"not read whole in order": {func(in client.UploadPartInput) (string, error) {
			if in.ContentMD5 == "" {
				_, err := in.Body.(io.Seeker).Seek(10, io.SeekStart)
				return "", err
			}
			return "", nil
		}, 40, 40},
	} {
		f := newFakeS3()
		var mu sync.Mutex
		last := map[int32]string{} // each part's last Content-MD5
		f.onPart = func(in client.UploadPartInput) (string, error) {
			mu.Lock()
			last[in.PartNumber] = in.ContentMD5
			mu.Unlock()
			return tc.answer(in)
		}
		path, data := fakeFile(t, 20*1024)
		var log events
		res, err := newFakeManager(t, f).UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k", Progress: log.add})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for n := int32(1); n <= 20; n++ {
			if last[n] == "" {
				t.Errorf("%s: part %d is stored as sent without a Content-MD5", name, n)
			}
		}
		if sent := f.count(op("UploadPart")); sent < tc.minSent || sent > tc.maxSent {
			t.Errorf("%s: %d UploadPart requests for 20 parts: want %d to %d", name, sent, tc.minSent, tc.maxSent)
		}
		if o := f.object("k"); o == nil || !bytes.Equal(o.data, data) || res.Verified != VerifiedComposite {
			t.Errorf("%s: the object is not the file, or not verified (%q)", name, res.Verified)
		}
		reported := int64(0)
		for _, ev := range log.of(Bytes) {
			reported += ev.Bytes
		}
		if reported != int64(len(data)) {
			t.Errorf("%s: progress reported %d bytes of %d", name, reported, len(data))
		}
	}
}

func TestUploadAbortsWhenCompleteFails(t *testing.T) {
	f := newFakeS3()
	f.onComplete = func(client.CompleteMultipartUploadInput) error {
		return s3Err("CompleteMultipartUpload", http.StatusInternalServerError, "InternalError")
	}
	path, _ := fakeFile(t, 3000)
	var log events
	_, err := newFakeManager(t, f).UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k", Progress: log.add})
	if err == nil || f.count(op("AbortMultipartUpload")) != 1 {
		t.Fatalf("%v after %d aborts: want the failure, and the upload aborted", err, f.count(op("AbortMultipartUpload")))
	}
	checkNothingOpen(t, f)
	if len(log.of(Failed)) != 1 || len(log.of(Done)) != 0 {
		t.Errorf("events %v: want one Failed and no Done", log.all)
	}
}

// A re-upload whose CompleteMultipartUpload is refused (AccessDenied) fails
// and is aborted, although the key holds an earlier object with the same
// bytes and part size, hence the composite ETag of our parts: only a lost
// answer (or NoSuchUpload, PreconditionFailed under NoOverwrite after one)
// is checked against the object. Before, the HEAD's matching ETag made it
// Done, and its new metadata was never stored.
func TestUploadFailsWhenCompleteIsRefusedOverAnObjectWithItsETag(t *testing.T) {
	f := newFakeS3()
	path, _ := fakeFile(t, 3000)
	m := newFakeManager(t, f)
	if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	f.onComplete = func(client.CompleteMultipartUploadInput) error {
		return s3Err("CompleteMultipartUpload", http.StatusForbidden, client.ErrAccessDenied)
	}
	var log events
	_, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k", ObjectAttributes: client.ObjectAttributes{Metadata: map[string]string{"v": "2"}}, Progress: log.add})
	if !errors.Is(err, client.ErrAccessDenied) {
		t.Fatalf("re-upload: %v, want AccessDenied", err)
	}
	if n := f.count(op("AbortMultipartUpload")); n != 1 {
		t.Errorf("%d aborts, want 1", n)
	}
	checkNothingOpen(t, f)
	if len(log.of(Failed)) != 1 || len(log.of(Done)) != 0 {
		t.Errorf("events %v: want one Failed and no Done", log.all)
	}
}

// A CompleteMultipartUpload that took effect but whose answer never came
// (a *client.ConnectionError once retries ran out) is Done when the object
// has the composite ETag of our parts.
func TestUploadIsDoneWhenCompleteTookEffectWithoutAnAnswer(t *testing.T) {
	f := newFakeS3()
	f.onComplete = func(in client.CompleteMultipartUploadInput) error {
		f.onComplete = nil // one Complete at a time: no other goroutine reads it
		if _, err := f.CompleteMultipartUpload(context.Background(), in); err != nil {
			t.Error(err)
		}
		return &client.ConnectionError{Op: "CompleteMultipartUpload", Endpoint: "https://fake", Err: io.ErrUnexpectedEOF}
	}
	path, data := fakeFile(t, 3000)
	if _, err := newFakeManager(t, f).UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"}); err != nil {
		t.Fatalf("upload: %v, want Done", err)
	}
	if o := f.object("k"); o == nil || !bytes.Equal(o.data, data) {
		t.Error("the object is not the file")
	}
	checkNothingOpen(t, f)
}

func TestUploadSaysWhenTheAbortFailedToo(t *testing.T) {
	f := newFakeS3()
	f.onPart = func(in client.UploadPartInput) (string, error) {
		return "", s3Err("UploadPart", http.StatusForbidden, "AccessDenied")
	}
	f.onAbort = func() error { return s3Err("AbortMultipartUpload", http.StatusForbidden, "AccessDenied") }
	path, _ := fakeFile(t, 3000)
	_, err := newFakeManager(t, f).UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("could not be aborted")) {
		t.Errorf("%v: want the part's error, saying the upload is left behind", err)
	}
}

// A key another writer took is left alone: the conditional write is
// refused, the upload fails with ErrExists, its event is Skipped, a
// multipart upload is aborted and the other writer's object stays.
func TestNoOverwriteUploadOfATakenKeyIsErrExistsAndLeavesItAlone(t *testing.T) {
	for _, size := range []int{100, 5000} { // PutObject, multipart
		for _, stream := range []bool{false, true} {
			f := newFakeS3()
			theirs := randomBytes(t, 10)
			f.objects["k"] = &fakeObject{data: theirs, etag: md5hex(theirs)}
			path, data := fakeFile(t, size)
			var log events
			in := UploadInput{Bucket: "b", Key: "k", NoOverwrite: true, Progress: log.add}
			var err error
			if stream {
				_, err = newFakeManager(t, f).Upload(context.Background(), bytes.NewReader(data), in)
			} else {
				_, err = newFakeManager(t, f).UploadFile(context.Background(), path, in)
			}
			if !errors.Is(err, ErrExists) {
				t.Fatalf("size %d, stream %v: %v, want ErrExists", size, stream, err)
			}
			if o := f.object("k"); !bytes.Equal(o.data, theirs) {
				t.Errorf("size %d, stream %v: the other writer's object was replaced", size, stream)
			}
			conditional := func(c fakeCall) bool { return c.ifNoneMatch == client.IfNoneMatchAny }
			if f.count(conditional) != 1 {
				t.Errorf("size %d, stream %v: %d conditional writes, want 1", size, stream, f.count(conditional))
			}
			if len(log.of(Skipped)) != 1 || len(log.of(Done))+len(log.of(Failed)) != 0 {
				t.Errorf("size %d, stream %v: events %v, want Skipped only", size, stream, log.all)
			}
			checkNothingOpen(t, f)
		}
	}
}

// A conditional write whose first answer was lost is retried by the
// client, which then finds the key taken by that very attempt: the
// upload succeeded, and says so.
func TestNoOverwriteUploadWhoseRetryFindsItsOwnObjectSucceeds(t *testing.T) {
	f := newFakeS3()
	var once sync.Once
	f.onPut = func(in client.PutObjectInput) error {
		var err error
		once.Do(func() {
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(in.Body)
			f.mu.Lock()
			f.objects[in.Key] = &fakeObject{data: buf.Bytes(), etag: md5hex(buf.Bytes())} // stored, answer lost
			f.mu.Unlock()
			err = s3Err("PutObject", http.StatusPreconditionFailed, client.ErrPreconditionFailed) // the retry's answer
		})
		return err
	}
	path, data := fakeFile(t, 100)
	res, err := newFakeManager(t, f).UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k", NoOverwrite: true})
	if err != nil || !sameETag(res.ETag, md5hex(data)) {
		t.Fatalf("%v, %+v: want the upload reported done", err, res)
	}
}

func TestNoOverwriteFallsBackWhenTheServiceHasNoConditionalWrites(t *testing.T) {
	f := newFakeS3()
	f.onPut = func(in client.PutObjectInput) error {
		if in.IfNoneMatch != "" {
			return s3Err("PutObject", http.StatusNotImplemented, client.ErrNotImplemented)
		}
		return nil
	}
	m := newFakeManager(t, f)
	for _, key := range []string{"a", "b"} {
		path, data := fakeFile(t, 100)
		if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: key, NoOverwrite: true}); err != nil {
			t.Fatal(err)
		}
		if o := f.object(key); o == nil || !bytes.Equal(o.data, data) {
			t.Fatalf("%s was not stored", key)
		}
	}
	if n := f.count(func(c fakeCall) bool { return c.ifNoneMatch != "" }); n != 1 {
		t.Errorf("%d conditional writes: want the condition tried once, then left off", n)
	}
}

func TestPartSizeMetadataCanBeLeftOutAndDownloadsStillVerify(t *testing.T) {
	for _, leaveOut := range []bool{false, true} {
		f := newFakeS3()
		m := newFakeManager(t, f, func(o *Options) { o.NoPartSizeMetadata = leaveOut })
		path, data := fakeFile(t, 5000)
		if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k"}); err != nil {
			t.Fatal(err)
		}
		got, recorded := f.object("k").meta[PartSizeMetadata]
		if recorded == leaveOut || (!leaveOut && got != "1024") {
			t.Errorf("NoPartSizeMetadata %v: metadata %v", leaveOut, f.object("k").meta)
		}
		dst := filepath.Join(t.TempDir(), "out")
		res, err := m.DownloadFile(context.Background(), DownloadInput{Bucket: "b", Key: "k"}, dst)
		if err != nil || res.Verified != VerifiedComposite {
			t.Fatalf("NoPartSizeMetadata %v: %v, %+v: want a download verified by the composite ETag", leaveOut, err, res)
		}
		if b, _ := os.ReadFile(dst); !bytes.Equal(b, data) {
			t.Errorf("NoPartSizeMetadata %v: downloaded bytes differ", leaveOut)
		}
		partHeads := f.count(func(c fakeCall) bool { return c.op == "HeadObject" && c.part == 1 })
		if want := map[bool]int{false: 0, true: 1}[leaveOut]; partHeads != want {
			t.Errorf("NoPartSizeMetadata %v: %d HEADs of part 1, want %d", leaveOut, partHeads, want)
		}
	}
}

// Started and Done carry the object's size, found by a HEAD when the
// caller did not list it, for downloads and copies as for uploads.
func TestEventsCarryTheRealSize(t *testing.T) {
	f := newFakeS3()
	data := randomBytes(t, 3000)
	f.objects["src"] = &fakeObject{data: data, etag: md5hex(data)}
	m := newFakeManager(t, f)
	calls := map[string]func(progress func(Event)) error{
		"download": func(p func(Event)) error {
			_, err := m.DownloadFile(context.Background(), DownloadInput{Bucket: "b", Key: "src", Progress: p}, filepath.Join(t.TempDir(), "x"))
			return err
		},
		"stream": func(p func(Event)) error {
			_, err := m.Download(context.Background(), DownloadInput{Bucket: "b", Key: "src", Progress: p}, new(bytes.Buffer))
			return err
		},
		"copy": func(p func(Event)) error {
			_, err := m.Copy(context.Background(), CopyInput{SourceBucket: "b", SourceKey: "src", Dest: UploadInput{Bucket: "b", Key: "dst"}, Progress: p})
			return err
		},
	}
	for name, call := range calls {
		var log events
		if err := call(log.add); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, ty := range []EventType{Started, Done} {
			if evs := log.of(ty); len(evs) != 1 || evs[0].Size != int64(len(data)) {
				t.Errorf("%s: %v events %+v, want one with size %d", name, ty, evs, len(data))
			}
		}
	}
}

// A call's own Progress gets its events; the Manager's gets none of them.
func TestProgressCanBeSetPerCall(t *testing.T) {
	f := newFakeS3()
	var managers, calls events
	m := newFakeManager(t, f, func(o *Options) { o.Progress = managers.add })
	path, _ := fakeFile(t, 3000)
	if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k", Progress: calls.add}); err != nil {
		t.Fatal(err)
	}
	if len(calls.of(Started)) != 1 || len(calls.of(Done)) != 1 || len(managers.all) != 0 {
		t.Errorf("call's events %d, Manager's %d: want them all on the call's callback", len(calls.all), len(managers.all))
	}
	if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "k2"}); err != nil {
		t.Fatal(err)
	}
	if len(managers.of(Done)) != 1 {
		t.Errorf("without a call's Progress the Manager's got %v", managers.all)
	}
	var tree events
	before := len(managers.all)
	sum, err := m.UploadTree(context.Background(), filepath.Dir(path), Location{Bucket: "b", Prefix: "t/"}, TreeOptions{Progress: tree.add})
	if err != nil || sum.Done != 1 {
		t.Fatal(sum, err)
	}
	if len(tree.of(Queued)) != 1 || len(tree.of(Done)) != 1 || len(managers.all) != before {
		t.Errorf("tree's events %v, Manager's %d more: want the tree's on its own callback", tree.all, len(managers.all)-before)
	}
}

// A callback runs with no lock of the Manager's held: it may start another
// transfer on the same Manager and wait for it (which deadlocked when
// events were delivered under the emitter's lock).
func TestProgressCallbackMayStartATransferOnTheSameManager(t *testing.T) {
	f := newFakeS3()
	path, _ := fakeFile(t, 100)
	var m *Manager
	var inner error
	var nested, locked bool
	m = newFakeManager(t, f, func(o *Options) {
		o.Progress = func(ev Event) {
			if m.em.mu.TryLock() {
				m.em.mu.Unlock()
			} else {
				locked = true
			}
			if ev.Type == Done && ev.Dest == S3URL("b", "outer") {
				nested = true
				_, inner = m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "inner"})
			}
		}
	})
	if _, err := m.UploadFile(context.Background(), path, UploadInput{Bucket: "b", Key: "outer"}); err != nil {
		t.Fatal(err)
	}
	if !nested || inner != nil || f.object("inner") == nil || locked {
		t.Errorf("nested upload ran %v, err %v, stored %v; callback under the emitter's lock %v", nested, inner, f.object("inner") != nil, locked)
	}
}

func TestEventTypesAreWords(t *testing.T) {
	b, err := json.Marshal(Event{Type: Started, Op: OpUpload, Source: "a", Size: 1})
	if err != nil || !bytes.Contains(b, []byte(`"type":"started"`)) {
		t.Fatalf("%s, %v: want the type as a word", b, err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil || back.Type != Started {
		t.Errorf("read back %v, %v", back.Type, err)
	}
	for ty, word := range map[EventType]string{Queued: "queued", Bytes: "bytes", Done: "done", Failed: "failed", Skipped: "skipped", Removed: "removed"} {
		if ty.String() != word {
			t.Errorf("%d prints %q, want %q", int(ty), ty.String(), word)
		}
	}
	if _, err := EventType(99).MarshalText(); err == nil {
		t.Error("an unknown type encoded")
	}
}
