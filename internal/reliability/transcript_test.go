package reliability_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// transcript records every request a cell's emulator answered, as the
// client saw it (outside the faults): when it came, what it was, the status
// and, for a CreateMultipartUpload, the UploadId it handed out. A failed
// cell prints it, so a flake leaves its evidence in the log.
type transcript struct {
	mu    sync.Mutex
	start time.Time
	lines []string
}

func newTranscript() *transcript { return &transcript{start: time.Now()} }

// wrap is the handler wrapper for newWrappedEnv.
func (tr *transcript) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		begin := time.Since(tr.start)
		rw := &recordingWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			tr.add(fmt.Sprintf("%7.3fs-%7.3fs %s %s %s -> %d %s%s", begin.Seconds(), time.Since(tr.start).Seconds(),
				w.Header().Get("X-Amz-Request-Id"), r.Method, r.URL.RequestURI(), rw.status, rw.uploadID(), panicNote(v)))
			if v != nil {
				panic(v)
			}
		}()
		h.ServeHTTP(rw, r)
	})
}

func panicNote(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(" (connection dropped: %v)", v)
}

func (tr *transcript) add(line string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.lines = append(tr.lines, line)
}

func (tr *transcript) String() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return strings.Join(tr.lines, "\n")
}

// recordingWriter keeps the status and the start of the body.
type recordingWriter struct {
	http.ResponseWriter
	status int
	head   []byte
}

func (rw *recordingWriter) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recordingWriter) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	if len(rw.head) < 1024 {
		rw.head = append(rw.head, p[:min(len(p), 1024-len(rw.head))]...)
	}
	return rw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (rw *recordingWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

var uploadIDElement = regexp.MustCompile(`<UploadId>([^<]*)</UploadId>`)

func (rw *recordingWriter) uploadID() string {
	if m := uploadIDElement.FindSubmatch(rw.head); m != nil {
		return "UploadId " + string(m[1])
	}
	return ""
}
