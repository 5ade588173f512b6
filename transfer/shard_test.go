package transfer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/transfer"
)

func TestParseShard(t *testing.T) {
	for in, want := range map[string]transfer.Shard{"0/1": {Index: 0, Count: 1}, "3/16": {Index: 3, Count: 16}, "15/16": {Index: 15, Count: 16}} {
		if got, err := transfer.ParseShard(in); err != nil || got != want {
			t.Errorf("%q: %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"4/4", "0/0", "x/2", "-1/3", "1", "1/2/3", "", "/", "1/-2", " 1/2"} {
		if _, err := transfer.ParseShard(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

// The shard of a key is part of the contract between the processes of a
// job, which may run different releases on different machines: these
// values are FNV-1a 64 of the unit's UTF-8 bytes modulo the count, and
// must never change.
func TestShardOfIsStable(t *testing.T) {
	for _, c := range []struct {
		rel   string
		shard transfer.Shard
		want  int
	}{
		{"photos/2024/a.jpg", transfer.Shard{Count: 7}, 4}, // unit photos/
		{"photos/", transfer.Shard{Count: 1000}, 701},
		{"readme.md", transfer.Shard{Count: 7}, 1},
		{"", transfer.Shard{Count: 1000}, 37},
		{"é/x", transfer.Shard{Count: 1000}, 722}, // unit é/, as UTF-8
		{"é/x", transfer.Shard{Count: 1000, ByKey: true}, 862},
		{"a/b/c", transfer.Shard{Count: 7, Depth: 2}, 2}, // unit a/b/
		{"a/b/c", transfer.Shard{Count: 7, ByKey: true}, 0},
		{"a/b/c", transfer.Shard{Count: 1000}, 937}, // unit a/
	} {
		if got := c.shard.Of(c.rel); got != c.want {
			t.Errorf("%+v.Of(%q) = %d, want %d", c.shard, c.rel, got, c.want)
		}
	}
}

// Every key belongs to exactly one shard, and the keys under one unit to
// the same one.
func TestShardsPartitionKeysByUnit(t *testing.T) {
	keys := listingTree()
	for _, n := range []int{1, 2, 3, 7} {
		for _, depth := range []int{0, 1, 2} {
			byUnit := map[string]int{}
			for _, k := range keys {
				owners := 0
				for i := range n {
					if (transfer.Shard{Index: i, Count: n, Depth: depth}).Owns(k) {
						owners++
					}
				}
				if owners != 1 {
					t.Fatalf("%q has %d owners of %d", k, owners, n)
				}
				unit := k
				if parts := strings.SplitAfterN(k, "/", max(depth, 1)+1); len(parts) > max(depth, 1) {
					unit = strings.Join(parts[:max(depth, 1)], "")
				}
				of := transfer.Shard{Count: n, Depth: depth}.Of(k)
				if prev, ok := byUnit[unit]; ok && prev != of {
					t.Fatalf("depth %d: %q in shard %d, another key of unit %q in %d", depth, k, of, unit, prev)
				}
				byUnit[unit] = of
			}
		}
	}
}

// The shards of a listing are disjoint, each in key order, and together
// the whole listing, whatever the depth, page size and concurrency, and
// with a partial prefix.
func TestListShardsAreDisjointAndComplete(t *testing.T) {
	e := newEnv(t)
	all := listingTree()
	e.putKeys(all)
	for _, prefix := range []string{"", "pho", "many/"} {
		want := under(all, prefix)
		for _, sh := range []transfer.Shard{{Count: 3}, {Count: 7}, {Count: 4, Depth: 2}, {Count: 3, ByKey: true}} {
			for _, pageSize := range []int32{2, 1000} {
				for _, conc := range []int{1, 4} {
					var union []string
					for i := range sh.Count {
						sh.Index = i
						got := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", Prefix: prefix, PageSize: pageSize, Concurrency: conc, Shard: sh})
						for _, k := range got {
							if !sh.Owns(k[len(prefix):]) {
								t.Fatalf("shard %v yielded %q", sh, k)
							}
						}
						union = append(union, got...)
					}
					slices.Sort(union)
					if !slices.Equal(union, want) {
						t.Errorf("prefix %q, %+v, pages of %d, %d at once: shards together listed\n%v\nwant\n%v", prefix, sh, pageSize, conc, union, want)
					}
				}
			}
		}
	}
}

// A shard lists only its own units: after the first page and the
// delimiter listing of the top level, every listing it sends is of a
// "directory" that it owns.
func TestListShardListsOnlyItsUnits(t *testing.T) {
	e := newEnv(t)
	var keys []string
	for u := range 32 {
		for k := range 3 {
			keys = append(keys, fmt.Sprintf("u%02d/%d", u, k))
		}
	}
	e.putKeys(keys)
	sh := transfer.Shard{Index: 1, Count: 8}
	rs := e.record()
	got := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", PageSize: 2, Concurrency: 4, Shard: sh})
	var listed []string
	for _, r := range rs.all(isList) {
		q := r.URL.Query()
		switch {
		case q.Get("delimiter") != "":
			if q.Get("prefix") != "" {
				t.Errorf("a delimiter listing of %q: only the top level needs one", q.Get("prefix"))
			}
		case q.Get("prefix") == "" && q.Get("start-after") == "" && q.Get("continuation-token") == "":
			// the first page
		case !sh.Owns(q.Get("prefix")):
			t.Errorf("listed %q, another shard's", q.Get("prefix"))
		case !slices.Contains(listed, q.Get("prefix")):
			listed = append(listed, q.Get("prefix"))
		}
	}
	owned := 0
	for u := range 32 {
		if sh.Owns(fmt.Sprintf("u%02d/", u)) {
			owned++
		}
	}
	if owned == 0 || owned == 32 || len(listed) > owned || len(got) > 3*owned+2 {
		t.Errorf("listed %d units %v and %d keys, for %d owned units of 32", len(listed), listed, len(got), owned)
	}
}

// shardTree is a local tree with top-level files and directories of
// different depths and sizes.
func shardTree(t *testing.T) (string, map[string]string) {
	files := map[string]string{"top.txt": "t", "z": "z"}
	for i := range 12 {
		files[fmt.Sprintf("d%02d/f", i)] = fmt.Sprint(i)
		if i%3 == 0 {
			files[fmt.Sprintf("d%02d/sub/g", i)] = "g"
			files[fmt.Sprintf("d%02d/sub/deeper/h", i)] = "h"
		}
	}
	return writeTree(t, files), files
}

// runShards runs one tree operation as n shards in parallel, each with
// its own Manager, and returns each shard's Done events' results. Depth 0
// shards by key.
func (e *env) runShards(n int, depth int, op func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error)) [][]transfer.Result {
	e.t.Helper()
	done := make([][]transfer.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mu sync.Mutex
			m := e.manager(func(o *transfer.Options) {
				o.PageSize = 3 // several pages, so that the listings split
				o.Progress = func(ev transfer.Event) {
					if ev.Type == transfer.Done && ev.Result != nil {
						mu.Lock()
						done[i] = append(done[i], *ev.Result)
						mu.Unlock()
					}
				}
			})
			// Depth 0 stands for ByKey, as --shard-depth 0 does.
			sum, err := op(m, transfer.TreeOptions{Shard: transfer.Shard{Index: i, Count: n, Depth: depth, ByKey: depth == 0}})
			if err != nil || sum.Failed+sum.Skipped > 0 {
				e.t.Errorf("shard %d/%d: %+v, %v", i, n, sum, err)
			}
		}()
	}
	wg.Wait()
	return done
}

// once checks that the shards' results name every want exactly once
// (by source when dest is false, else by destination).
func once(t *testing.T, shards [][]transfer.Result, want []string, dest bool) {
	t.Helper()
	seen := map[string]int{}
	for i, results := range shards {
		for _, r := range results {
			name := r.Source
			if dest {
				name = r.Dest
			}
			if prev, ok := seen[name]; ok {
				t.Errorf("%s done by shards %d and %d", name, prev, i)
			}
			seen[name] = i
		}
	}
	for _, w := range want {
		if _, ok := seen[w]; !ok {
			t.Errorf("%s done by no shard", w)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d done, want %d", len(seen), len(want))
	}
}

// requestsPer counts the requests that match, by object path.
func requestsPer(rs *requests, match func(*http.Request) bool) map[string]int {
	out := map[string]int{}
	for _, r := range rs.all(match) {
		p, _ := url.PathUnescape(r.URL.EscapedPath())
		out[p]++
	}
	return out
}

func isPut(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") == "" && !r.URL.Query().Has("partNumber")
}

func isCopy(r *http.Request) bool {
	return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != ""
}

func isGet(r *http.Request) bool { return r.Method == http.MethodGet && !isList(r) }

// N shards run in parallel against one emulator each move every object
// exactly once, in every direction, and together move everything: an
// upload, a download into one shared directory, an S3 to S3 copy, a move,
// and a recursive delete. The server sees one PUT, GET or copy per key.
func TestShardsTransferEveryObjectOnce(t *testing.T) {
	for _, depth := range []int{1, 2, 0} {
		t.Run(fmt.Sprint("depth ", depth), func(t *testing.T) {
			e := newEnv(t)
			root, files := shardTree(t)
			var rels []string
			for rel := range files {
				rels = append(rels, rel)
			}
			slices.Sort(rels)
			names := func(f func(rel string) string) []string {
				out := make([]string, len(rels))
				for i, rel := range rels {
					out[i] = f(rel)
				}
				return out
			}
			const n = 4
			rs := e.record()

			up := e.runShards(n, depth, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
				return m.UploadTree(context.Background(), root, transfer.Location{Bucket: "bkt", Prefix: "up/"}, o)
			})
			once(t, up, names(func(rel string) string { return "s3://bkt/up/" + rel }), true)
			for key, count := range requestsPer(rs, isPut) {
				if count != 1 {
					t.Errorf("%s uploaded %d times", key, count)
				}
			}

			out := t.TempDir()
			down := e.runShards(n, depth, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
				return m.DownloadTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "up/"}, out, o)
			})
			once(t, down, names(func(rel string) string { return "s3://bkt/up/" + rel }), false)
			for key, count := range requestsPer(rs, isGet) {
				if count != 1 {
					t.Errorf("%s downloaded %d times", key, count)
				}
			}
			for rel, data := range files {
				if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel))); err != nil || string(got) != data {
					t.Errorf("%s: %q, %v", rel, got, err)
				}
			}

			cp := e.runShards(n, depth, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
				return m.CopyTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "up/"}, transfer.Location{Bucket: "bkt", Prefix: "cp/"}, o)
			})
			once(t, cp, names(func(rel string) string { return "s3://bkt/cp/" + rel }), true)

			mv := e.runShards(n, depth, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
				o.RemoveSource = true
				return m.CopyTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "cp/"}, transfer.Location{Bucket: "bkt", Prefix: "mv/"}, o)
			})
			once(t, mv, names(func(rel string) string { return "s3://bkt/mv/" + rel }), true)
			for key, count := range requestsPer(rs, isCopy) {
				if count != 1 {
					t.Errorf("%s copied %d times", key, count)
				}
			}
			if left := e.keys("cp/"); len(left) != 0 {
				t.Errorf("mv left %v", left)
			}

			rm := e.runShards(n, depth, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
				return m.DeleteTree(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "mv/"}, o)
			})
			once(t, rm, names(func(rel string) string { return "s3://bkt/mv/" + rel }), false)
			if left := e.keys("mv/"); len(left) != 0 {
				t.Errorf("rm left %v", left)
			}
			for i, results := range up {
				if len(results) == 0 && depth != 2 {
					t.Errorf("shard %d uploaded nothing: the tree should spread over %d shards", i, n)
				}
			}
		})
	}
}

// Sharded syncs with --delete, both ways: each copy and each deletion is
// done by exactly one shard, extras are deleted whichever shard they
// belong to, and nothing of the source is deleted.
func TestShardsSyncWithDeleteOnce(t *testing.T) {
	e := newEnv(t)
	root, files := shardTree(t)
	const n = 3
	for rel := range files {
		if strings.HasPrefix(rel, "d0") {
			e.put("s/"+rel, []byte("stale")) // same size or not: differs, so copied
		}
	}
	extras := []string{"gone.txt", "d05/extra", "old/x", "d03/sub/deeper/old"}
	for _, rel := range extras {
		e.put("s/"+rel, []byte("x"))
	}
	shards := e.runShards(n, 1, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
		o.Delete, o.SizeOnly = true, false
		return m.Sync(context.Background(), transfer.Location{Local: root}, transfer.Location{Bucket: "bkt", Prefix: "s/"}, o)
	})
	var want []string
	for rel := range files {
		want = append(want, root+string(filepath.Separator)+filepath.FromSlash(rel))
	}
	for _, rel := range extras {
		want = append(want, "s3://bkt/s/"+rel)
	}
	once(t, shards, want, false)
	got := e.keys("s/")
	if len(got) != len(files) {
		t.Errorf("after the sync: %v", got)
	}
	for rel, data := range files {
		if string(e.read("s/"+rel)) != data {
			t.Errorf("s/%s not synced", rel)
		}
	}

	// And back: a local destination with extras of its own.
	out := t.TempDir()
	for _, rel := range []string{"gone.txt", "d05/extra", "old/x"} {
		p := filepath.Join(out, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	shards = e.runShards(n, 1, func(m *transfer.Manager, o transfer.TreeOptions) (transfer.Summary, error) {
		o.Delete = true
		return m.Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "s/"}, transfer.Location{Local: out}, o)
	})
	want = nil
	for rel := range files {
		want = append(want, "s3://bkt/s/"+rel)
	}
	for _, rel := range []string{"gone.txt", "d05/extra", "old/x"} {
		want = append(want, filepath.Join(out, filepath.FromSlash(rel)))
	}
	once(t, shards, want, false)
	for rel, data := range files {
		if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel))); err != nil || string(got) != data {
			t.Errorf("%s: %q, %v", rel, got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "gone.txt")); err == nil {
		t.Error("gone.txt was not deleted")
	}
}

// A shard does not read the local directories that hold only other
// shards' files.
func TestShardWalksOnlyItsDirectories(t *testing.T) {
	e := newEnv(t)
	root, _ := shardTree(t)
	sh := transfer.Shard{Index: 0, Count: 4}
	var skipped string
	for i := range 12 {
		if d := fmt.Sprintf("d%02d/", i); !sh.Owns(d) {
			skipped = d
			break
		}
	}
	// An unreadable file in another shard's directory would be reported
	// if the directory were read.
	if err := os.Symlink("nowhere", filepath.Join(root, skipped, "broken")); err != nil {
		t.Fatal(err)
	}
	sum, err := e.manager().UploadTree(context.Background(), root, transfer.Location{Bucket: "bkt"},
		transfer.TreeOptions{Shard: sh, FollowSymlinks: true})
	if err != nil || sum.Skipped != 0 || sum.Done == 0 {
		t.Errorf("%+v, %v: want %s left unread", sum, err, skipped)
	}
}

// A key whose path needs cleaning (dup//x) never replaces the clean key
// (dup/x) that lands on the same file, even when another shard downloads
// that one: it is checked against the whole bucket.
func TestShardedDownloadKeepsTheCleanKeyAcrossShards(t *testing.T) {
	e := newEnv(t)
	e.put("dup/x", []byte("clean"))
	e.put("dup//x", []byte("odd"))
	sh := transfer.Shard{Depth: 2}
	for sh.Count = 2; sh.Of("dup//x") == sh.Of("dup/x"); sh.Count++ {
	}
	out := t.TempDir()
	for i := range sh.Count {
		sh.Index = i
		sum, _ := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out, transfer.TreeOptions{Shard: sh})
		if sh.Owns("dup//x") && sum.Skipped != 1 {
			t.Errorf("shard %v: %+v; want dup//x skipped", sh, sum)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(out, "dup", "x")); string(got) != "clean" {
		t.Errorf("dup/x holds %q", got)
	}
}
