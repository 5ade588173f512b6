package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/transfer"
)

// KeepSourceProps with the REPLACE directive changes what Dest sets and
// keeps every other header and the metadata from the source, for a single
// CopyObject and for a multipart copy alike; the tagging directive goes
// with it.
func TestCopyKeepSourceProps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		size      int
		threshold int64
	}{{"single", 3000, 0}, {"multipart", 10*testPartSize + 9, testThreshold}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			data := pattern(tc.size)
			src := client.ObjectAttributes{ContentType: "text/x-src", CacheControl: "max-age=60", ContentLanguage: "de",
				ContentDisposition: "inline", Metadata: map[string]string{"owner": "ann"}, Tags: []client.Tag{{Key: "stage", Value: "prod"}}}
			if _, err := e.manager().Upload(context.Background(), bytes.NewReader(data), transfer.UploadInput{Bucket: "bkt", Key: "src", ObjectAttributes: src}); err != nil {
				t.Fatal(err)
			}
			m := e.manager(func(o *transfer.Options) { o.CopyThreshold = max(tc.threshold, o.CopyThreshold) })
			_, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src",
				MetadataDirective: client.MetadataReplace, KeepSourceProps: true, TaggingDirective: client.MetadataReplace,
				Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst", ObjectAttributes: client.ObjectAttributes{ContentType: "text/x-new",
					Tags: []client.Tag{{Key: "stage", Value: "dev"}}}}})
			if err != nil {
				t.Fatal(err)
			}
			info, err := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "dst"})
			if err != nil || !bytes.Equal(e.read("dst"), data) {
				t.Fatal(err)
			}
			if info.ContentType != "text/x-new" || info.CacheControl != "max-age=60" || info.ContentLanguage != "de" ||
				info.ContentDisposition != "inline" || info.Metadata["owner"] != "ann" || info.TagCount != 1 {
				t.Errorf("copy %+v", info)
			}
			// The default directives keep everything, tags included (a
			// multipart copy reads them with GetObjectTagging).
			if _, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src",
				Dest: transfer.UploadInput{Bucket: "bkt", Key: "kept"}}); err != nil {
				t.Fatal(err)
			}
			tags, err := e.c.GetObjectTagging(context.Background(), client.ObjectRef{Bucket: "bkt", Key: "kept"})
			kept, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "kept"})
			if err != nil || len(tags.Tags) != 1 || tags.Tags[0].Value != "prod" || kept.ContentType != "text/x-src" || kept.Metadata["owner"] != "ann" {
				t.Errorf("default copy: tags %v (%v), %+v", tags.Tags, err, kept)
			}
		})
	}
}

// A file that cannot be opened when its turn comes (here: removed after
// the walk queued it) is skipped with a SourceError naming it, counted as
// skipped, not as a silent failure.
func TestUploadTreeSkipsAFileThatCannotBeOpened(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gone := filepath.Join(dir, "b.txt")
	var skipped []transfer.Event
	m := e.manager(func(o *transfer.Options) {
		o.Progress = func(ev transfer.Event) {
			switch {
			case ev.Type == transfer.Queued && ev.Source == gone:
				os.Remove(gone) // the walk saw it; the upload will not
			case ev.Type == transfer.Skipped:
				skipped = append(skipped, ev)
			}
		}
	})
	sum, err := m.UploadTree(context.Background(), dir, transfer.Location{Bucket: "bkt", Prefix: "t/"}, transfer.TreeOptions{})
	var se *transfer.SourceError
	if err != nil || sum.Done != 2 || sum.Skipped != 1 || sum.Failed != 0 || len(skipped) != 1 ||
		!errors.As(skipped[0].Err, &se) || se.Path != gone || !errors.Is(se.Err, os.ErrNotExist) {
		t.Fatalf("summary %+v, err %v, skipped %+v", sum, err, skipped)
	}
	if _, err := m.UploadFile(context.Background(), gone, transfer.UploadInput{Bucket: "bkt", Key: "x"}); !errors.As(err, &se) {
		t.Errorf("UploadFile of a missing file: %v", err)
	}
}

// A sync from S3 to a directory leaves a same-size file whose bytes are the
// object's, whatever its time, and gives it the object's time; one whose
// bytes differ is downloaded. Objects with a composite ETag are compared
// part by part (one HEAD for the part size).
func TestSyncComparesSameSizeFilesByMD5(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	same, edited := pattern(5*testPartSize+1), pattern(5*testPartSize+1)
	edited[7] ^= 1
	for key, data := range map[string][]byte{"one.bin": pattern(100), "multi.bin": same, "edited.bin": same} {
		if _, err := e.manager().Upload(context.Background(), bytes.NewReader(data), transfer.UploadInput{Bucket: "bkt", Key: "s/" + key}); err != nil {
			t.Fatal(err)
		}
	}
	if info, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "s/multi.bin"}); info.PartsCount == 0 && !bytes.ContainsRune([]byte(info.ETag), '-') {
		t.Fatalf("s/multi.bin is not multipart: %+v", info)
	}
	old := time.Now().Add(-24 * time.Hour)
	for name, data := range map[string][]byte{"one.bin": pattern(100), "multi.bin": same, "edited.bin": edited} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, old, old)
	}
	reqs := e.record()
	sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "s/"}, transfer.Location{Local: dir}, transfer.TreeOptions{})
	if err != nil || sum.Done != 1 || sum.Unchanged != 2 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "edited.bin")); !bytes.Equal(got, same) {
		t.Error("the edited file was not replaced")
	}
	if n := reqs.count(func(r *http.Request) bool { return r.Method == http.MethodGet && !r.URL.Query().Has("list-type") }); n == 0 || n > 6 {
		t.Errorf("%d GETs: only the edited file's should be there", n)
	}
	st, _ := os.Stat(filepath.Join(dir, "multi.bin"))
	if st.ModTime().Before(old.Add(time.Hour)) {
		t.Errorf("the unchanged file kept its old time %v", st.ModTime())
	}
}

// A ChecksumAlgorithm goes on the single request, or on every part of a
// multipart upload (file or stream) and into its completion; the service
// verifies each.
func TestUploadWithChecksumAlgorithm(t *testing.T) {
	e := newEnv(t)
	reqs := e.record()
	m := e.manager()
	small, _ := randomFile(t, t.TempDir(), 100)
	big, bigData := randomFile(t, t.TempDir(), 3*testPartSize+5)
	for _, c := range []struct {
		key   string
		run   func(in transfer.UploadInput) (*transfer.Result, error)
		parts int
	}{
		{"small", func(in transfer.UploadInput) (*transfer.Result, error) {
			return m.UploadFile(context.Background(), small, in)
		}, 0},
		{"big", func(in transfer.UploadInput) (*transfer.Result, error) {
			return m.UploadFile(context.Background(), big, in)
		}, 4},
		{"stream", func(in transfer.UploadInput) (*transfer.Result, error) {
			return m.Upload(context.Background(), pipe{bytes.NewReader(bigData)}, in)
		}, 4},
	} {
		res, err := c.run(transfer.UploadInput{Bucket: "bkt", Key: c.key, ChecksumAlgorithm: client.ChecksumSHA256})
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if res.Parts != c.parts {
			t.Errorf("%s: %d parts, want %d", c.key, res.Parts, c.parts)
		}
		sent := reqs.count(func(r *http.Request) bool {
			return r.Method == http.MethodPut && r.URL.Path == "/bkt/"+c.key && r.Header.Get("X-Amz-Checksum-Sha256") != ""
		})
		if want := max(c.parts, 1); sent != want {
			t.Errorf("%s: %d requests with a SHA256 checksum, want %d", c.key, sent, want)
		}
	}
	if !bytes.Equal(e.read("stream"), bigData) || !bytes.Equal(e.read("big"), bigData) {
		t.Error("uploads differ")
	}
}
