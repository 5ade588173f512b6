package client_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// opaqueReader hides every method but Read: a body of unknown length.
type opaqueReader struct{ r io.Reader }

func (o opaqueReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Issue 11 D20: PutObject with ContentLength left at zero sent
// Content-Length: 0 and, over HTTPS, stored an empty object. Every reader
// kind the documentation names must store its data, or the call must fail.
func TestPutObjectZeroContentLengthNeverStoresEmpty(t *testing.T) {
	c, _ := newTestClient(t)
	mustCreate(t, c, "bodies")
	data := strings.Repeat("some bytes that must arrive. ", 100)
	file := func(t *testing.T, offset int64) io.Reader {
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, []byte("SKIP"+data), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		return f
	}
	osPipe := func(t *testing.T) io.Reader {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() { io.WriteString(w, data); w.Close() }()
		t.Cleanup(func() { r.Close() })
		return r
	}
	ioPipe := func(t *testing.T) io.Reader {
		r, w := io.Pipe()
		go func() { io.WriteString(w, data); w.Close() }()
		return r
	}
	cases := map[string]func(t *testing.T) (io.Reader, string){
		"bytes.Reader":   func(t *testing.T) (io.Reader, string) { return bytes.NewReader([]byte(data)), data },
		"strings.Reader": func(t *testing.T) (io.Reader, string) { return strings.NewReader(data), data },
		"bytes.Buffer":   func(t *testing.T) (io.Reader, string) { return bytes.NewBufferString(data), data },
		"os.File":        func(t *testing.T) (io.Reader, string) { return file(t, 4), data }, // read from its offset on
		"os.File pipe":   func(t *testing.T) (io.Reader, string) { return osPipe(t), data },
		"io.Pipe":        func(t *testing.T) (io.Reader, string) { return ioPipe(t), data },
		"opaque reader":  func(t *testing.T) (io.Reader, string) { return opaqueReader{strings.NewReader(data)}, data },
		"partly read strings.Reader": func(t *testing.T) (io.Reader, string) {
			r := strings.NewReader(data)
			io.CopyN(io.Discard, r, 5)
			return r, data[5:]
		},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r, want := body(t)
			key := strings.ReplaceAll(name, " ", "-")
			_, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "bodies", Key: key, Body: r})
			got, gerr := c.Download(context.Background(), "bodies", key)
			switch {
			case err == nil && gerr != nil:
				t.Fatalf("PutObject succeeded but the object cannot be read: %v", gerr)
			case err == nil && string(got) != want:
				t.Fatalf("PutObject succeeded and stored %d bytes, want %d", len(got), len(want))
			case err != nil && gerr == nil:
				t.Fatalf("PutObject failed (%v) yet left an object of %d bytes", err, len(got))
			case err != nil:
				t.Logf("refused, as allowed: %v", err)
			}
		})
	}
}

// An explicit length still wins, and -1 still says unknown.
func TestPutObjectExplicitContentLength(t *testing.T) {
	c, _ := newTestClient(t)
	mustCreate(t, c, "bodies")
	ctx := context.Background()
	if _, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "bodies", Key: "empty", Body: strings.NewReader("")}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Download(ctx, "bodies", "empty"); err != nil || len(got) != 0 {
		t.Fatalf("empty body: %q, %v", got, err)
	}
	_, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "bodies", Key: "short", Body: strings.NewReader("abc"), ContentLength: 10})
	if err == nil {
		t.Fatal("a body shorter than ContentLength was accepted")
	}
	if _, gerr := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "bodies", Key: "short"}); !errors.Is(gerr, client.ErrNoSuchKey) {
		t.Errorf("a failed short write left an object: %v", gerr)
	}
}
