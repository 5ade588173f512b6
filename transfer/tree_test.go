package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// writeTree creates files (relative path -> content) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func walk(t *testing.T, root string, follow bool) (rels []string, errs map[string]error) {
	t.Helper()
	errs = map[string]error{}
	for e, err := range transfer.WalkLocal(context.Background(), root, follow) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Err != nil {
			errs[e.Rel] = e.Err
			continue
		}
		rels = append(rels, e.Rel)
	}
	return rels, errs
}

func TestWalkLocalYieldsKeyOrder(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "", "a/b": "", "a-b": "", "a0": "", "b/c/d": "", "B": "", "a/b.c/x": ""})
	rels, _ := walk(t, root, false)
	want := slices.Clone(rels)
	sort.Strings(want) // byte order, as S3 lists keys
	if !slices.Equal(rels, want) || len(rels) != 7 {
		t.Errorf("walk order %v, want %v", rels, want)
	}
}

func TestWalkLocalSymlinks(t *testing.T) {
	root := writeTree(t, map[string]string{"real/f": "x"})
	os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "link"))
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "broken"))
	os.Symlink(root, filepath.Join(root, "real", "loop"))
	rels, errs := walk(t, root, false)
	if !slices.Equal(rels, []string{"real/f"}) || len(errs) != 0 {
		t.Errorf("no-follow: %v %v", rels, errs)
	}
	rels, errs = walk(t, root, true)
	if !slices.Equal(rels, []string{"link/f", "real/f"}) || errs["broken"] == nil || errs["real/loop"] == nil {
		t.Errorf("follow: %v %v", rels, errs)
	}
}

func TestLocalPathRefusesEscapes(t *testing.T) {
	root := t.TempDir()
	for _, key := range []string{"../x", "/etc/x", "a/../../x", "a\x00b", "..", ".", ""} {
		if _, err := transfer.LocalPath(root, key); !errors.As(err, new(*transfer.UnsafeKeyError)) {
			t.Errorf("LocalPath(%q) = %v, want UnsafeKeyError", key, err)
		}
	}
	for key, want := range map[string]string{"a/../b": "b", "./a": "a", "a//b": "a/b", "dir/f": "dir/f"} {
		if got, err := transfer.LocalPath(root, key); err != nil || got != filepath.Join(root, want) {
			t.Errorf("LocalPath(%q) = %q, %v", key, got, err)
		}
	}
}

func TestUploadAndDownloadTree(t *testing.T) {
	e := newEnv(t)
	files := map[string]string{"a.txt": "aaa", "sub/b.txt": "bb", "sub/c.jpg": "c", "big.bin": string(pattern(3*testPartSize + 1)), "skip/me.txt": "no"}
	root := writeTree(t, files)
	m := e.manager()
	f := filter.New(filter.Rule{Pattern: "skip/*"})
	sum, err := m.UploadTree(context.Background(), root, transfer.Location{Bucket: "bkt", Prefix: "up/"},
		transfer.TreeOptions{Filter: f, GuessContentType: true})
	if err != nil || sum.Done != 4 || sum.Failed != 0 {
		t.Fatalf("upload: %+v, %v", sum, err)
	}
	info, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "up/sub/c.jpg"})
	if info.ContentType != "image/jpeg" {
		t.Errorf("content type %q", info.ContentType)
	}
	out := filepath.Join(t.TempDir(), "out")
	sum, err = m.DownloadTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "up/"}, out, transfer.TreeOptions{})
	if err != nil || sum.Done != 4 {
		t.Fatalf("download: %+v, %v", sum, err)
	}
	delete(files, "skip/me.txt")
	for rel, data := range files {
		if got, _ := os.ReadFile(filepath.Join(out, rel)); string(got) != data {
			t.Errorf("%s: %d bytes, want %d", rel, len(got), len(data))
		}
	}
	counts, _ := e.events.summary()
	if counts[transfer.Queued] != 8 || counts[transfer.Done] != 8 {
		t.Errorf("events %v", counts)
	}
}

func TestDownloadTreeRefusesKeysOutsideTheDestination(t *testing.T) {
	e := newEnv(t)
	// A NUL cannot travel in a listing's XML; LocalPath's test covers it.
	bad := []string{"../escape", "a/../../escape2", "/abs"}
	for _, k := range append(bad, "good/one", "a/../fine") {
		e.put(k, []byte(k))
	}
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out, transfer.TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != int64(len(bad)) || sum.Done != 2 {
		t.Errorf("summary %+v: want %d skipped, 2 done", sum, len(bad))
	}
	if got, _ := os.ReadFile(filepath.Join(out, "fine")); string(got) != "a/../fine" {
		t.Error("a/../fine was not written inside the destination")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("something was written beside the destination: %v", entries)
	}
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	for _, ev := range e.events.evs {
		if ev.Type == transfer.Skipped && !errors.As(ev.Err, new(*transfer.UnsafeKeyError)) {
			t.Errorf("skip of %s without an UnsafeKeyError: %v", ev.Source, ev.Err)
		}
	}
}

func TestDownloadTreeDoesNotFollowASymlinkOut(t *testing.T) {
	e := newEnv(t)
	e.put("link/x", []byte("x"))
	outside, out := t.TempDir(), t.TempDir()
	os.Symlink(outside, filepath.Join(out, "link"))
	sum, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out, transfer.TreeOptions{})
	if err != nil || sum.Skipped != 1 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Error("a download went through the symlink")
	}
}

// putMany stores n small objects under prefix, in parallel.
func (e *env) putMany(prefix string, n int) {
	e.t.Helper()
	putObjects(e.t, e.c, "bkt", n, func(i int) string { return fmt.Sprintf("%s%05d", prefix, i) })
}

// putObjects stores n objects in bucket, 16 at a time: the i-th under
// key(i), its body the key.
func putObjects(tb testing.TB, c *client.Client, bucket string, n int, key func(i int) string) {
	tb.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			k := key(i)
			_, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: bucket, Key: k, Body: strings.NewReader(k), ContentLength: int64(len(k))})
			if err != nil {
				tb.Error(err)
			}
		}()
	}
	wg.Wait()
}

func isList(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2"
}

func TestTreesStreamTheListing(t *testing.T) {
	e := newEnv(t)
	e.putMany("k/", 45) // five listing pages of 10
	var mu sync.Mutex
	var order []string
	e.srv.Emulator.Observe(func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case isList(r):
			order = append(order, "list")
		case r.Method == http.MethodGet:
			order = append(order, "get")
		}
	})
	m := e.manager(func(o *transfer.Options) { o.PageSize = 10 })
	sum, err := m.DownloadTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "k/"}, t.TempDir(), transfer.TreeOptions{})
	if err != nil || sum.Done != 45 {
		t.Fatalf("%+v %v", sum, err)
	}
	mu.Lock()
	defer mu.Unlock()
	lastList := 0
	for i, what := range order {
		if what == "list" {
			lastList = i
		}
	}
	if !slices.Contains(order[:lastList], "get") {
		t.Errorf("no download started before the last listing page was requested: %v", order)
	}
}

func TestDeleteTreeBatchesAsTheListingStreams(t *testing.T) {
	e := newEnv(t)
	e.putMany("d/", 1001)
	e.put("keep/x", []byte("x"))
	e.put("d/keep.txt", []byte("x"))
	reqs := e.record()
	f := filter.New(filter.Rule{Pattern: "*.txt"})
	sum, err := e.manager().DeleteTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "d/"}, transfer.TreeOptions{Filter: f})
	if err != nil || sum.Done != 1001 {
		t.Fatalf("%+v %v", sum, err)
	}
	if n := reqs.count(func(r *http.Request) bool { return r.URL.Query().Has("delete") }); n != 2 {
		t.Errorf("%d DeleteObjects requests, want 2", n)
	}
	var left []string
	for o, err := range e.c.List(context.Background(), "bkt", "") {
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, o.Key)
	}
	if !slices.Equal(left, []string{"d/keep.txt", "keep/x"}) {
		t.Errorf("left %v", left)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	e := newEnv(t)
	root := writeTree(t, map[string]string{"a": "1", "b/c": "2"})
	sum, err := e.manager().UploadTree(context.Background(), root, transfer.Location{Bucket: "bkt"}, transfer.TreeOptions{DryRun: true})
	if err != nil || sum.Done != 2 {
		t.Fatalf("%+v %v", sum, err)
	}
	for _, err := range e.c.List(context.Background(), "bkt", "") {
		t.Fatalf("dry run uploaded something (%v)", err)
	}
}

func TestNoOverwrite(t *testing.T) {
	e := newEnv(t)
	e.put("a", []byte("old"))
	root := writeTree(t, map[string]string{"a": "new", "b": "new"})
	sum, err := e.manager().UploadTree(context.Background(), root, transfer.Location{Bucket: "bkt"}, transfer.TreeOptions{NoOverwrite: true})
	if err != nil || sum.Done != 1 || sum.Unchanged != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if !bytes.Equal(e.read("a"), []byte("old")) {
		t.Error("an existing object was overwritten")
	}
}
