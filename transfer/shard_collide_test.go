package transfer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/transfer"
)

// shardsApart returns a shard count (from 2) under which the relative
// keys a and b belong to different shards.
func shardsApart(t *testing.T, sh transfer.Shard, a, b string) transfer.Shard {
	t.Helper()
	for sh.Count = 2; sh.Of(a) == sh.Of(b); sh.Count++ {
		if sh.Count > 64 {
			t.Fatalf("%q and %q share a shard under every count", a, b)
		}
	}
	return sh
}

// shardPathFailures returns the keys whose events failed with a
// ShardPathError, and checks each names the shard that owns its path.
func shardPathFailures(t *testing.T, e *env, owner func(path string) int) []string {
	t.Helper()
	e.events.mu.Lock()
	defer e.events.mu.Unlock()
	var keys []string
	for _, ev := range e.events.evs {
		var se *transfer.ShardPathError
		if !errors.As(ev.Err, &se) {
			continue
		}
		if ev.Type != transfer.Failed {
			t.Errorf("%s: event %v, want Failed", se.Key, ev.Type)
		}
		if want := owner(se.Path); se.Owner.Index != want || !strings.Contains(se.Error(), "without --shard") {
			t.Errorf("%s: %v; want shard %d named as the owner and the way out", se.Key, se, want)
		}
		keys = append(keys, se.Key)
	}
	return keys
}

// A sharded sync --delete from S3 must not depend on the order its shards
// run in: a key that cleans to a path of another shard's unit ("./x" and
// "a/../x" land on x) is failed by its own shard instead of being written
// to x, which the shard owning unit x deletes as an extra (the source has
// no key "x"). Before, the key's shard wrote x and the owner deleted it, so
// x survived or not by run order, and every shard exited 0.
func TestShardedSyncDeleteFailsKeyCleaningIntoAnotherShard(t *testing.T) {
	for _, key := range []string{"./x", "a/../x"} {
		t.Run(key, func(t *testing.T) {
			sh := shardsApart(t, transfer.Shard{}, key, "x")
			keyShard, xShard := sh.Of(key), sh.Of("x")
			for _, order := range [][]int{{keyShard, xShard}, {xShard, keyShard}} {
				e := newEnv(t)
				e.put(key, []byte("data"))
				out := t.TempDir()
				for _, i := range order {
					sh.Index = i
					sum, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
						transfer.TreeOptions{Delete: true, Shard: sh})
					if err != nil {
						t.Fatal(err)
					}
					if wantFailed := int64(0); i == keyShard {
						if wantFailed = 1; sum.Failed != wantFailed || sum.Done != 0 {
							t.Errorf("order %v, shard %v: %+v; want the key failed, nothing downloaded", order, sh, sum)
						}
					} else if sum.Failed != wantFailed {
						t.Errorf("order %v, shard %v: %+v; want no failure", order, sh, sum)
					}
					if _, err := os.Lstat(filepath.Join(out, "x")); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("order %v: after shard %v, x exists (%v): a shard wrote a path another owns", order, sh, err)
					}
				}
				owner := func(string) int { return xShard }
				if got := shardPathFailures(t, e, owner); len(got) != 1 || got[0] != key {
					t.Errorf("order %v: ShardPathError for %v, want [%s]", order, got, key)
				}
			}
		})
	}
}

// The shard owning unit x deletes an x left by an earlier unsharded run
// (its source has no key "x"), and the key's shard does not write it back:
// the shards agree, and the failed key says to run unsharded.
func TestShardedSyncDeleteRemovesExtraThatOnlyAnUncleanKeyNames(t *testing.T) {
	e := newEnv(t)
	e.put("./x", []byte("data"))
	out := t.TempDir()
	if _, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
		transfer.TreeOptions{Delete: true}); err != nil {
		t.Fatal(err)
	}
	mustExist(t, filepath.Join(out, "x"), "data") // unsharded: ./x is written to x
	sh := shardsApart(t, transfer.Shard{}, "./x", "x")
	for _, i := range []int{sh.Of("./x"), sh.Of("x")} {
		sh.Index = i
		if _, err := e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
			transfer.TreeOptions{Delete: true, Shard: sh}); err != nil {
			t.Fatal(err)
		}
	}
	mustBeGone(t, filepath.Join(out, "x"))
}

// A sharded mv --recursive from S3 must never remove a source whose bytes
// are not at the destination. Two keys that clean to one path in different
// units ("./x" and "a/../x"; at depth 2 "dup//x" and "dup/./x") each found
// no clean key in the bucket, each was written to the path and each was
// removed: one object's bytes were lost. Now a key that cleans into another
// shard's unit fails and keeps its source.
func TestShardedMoveKeepsSourceOfKeyCleaningIntoAnotherShard(t *testing.T) {
	for _, tc := range []struct {
		depth int
		a, b  string
		path  string
	}{
		{1, "./x", "a/../x", "x"},
		{2, "dup//x", "dup/./x", "dup/x"},
	} {
		t.Run(tc.a+" "+tc.b, func(t *testing.T) {
			e := newEnv(t)
			e.put(tc.a, []byte("AAAA"))
			e.put(tc.b, []byte("BBBB"))
			sh := shardsApart(t, transfer.Shard{Depth: tc.depth}, tc.a, tc.b)
			out := t.TempDir()
			for i := range sh.Count {
				sh.Index = i
				if _, err := e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out,
					transfer.TreeOptions{Shard: sh, RemoveSource: true}); err != nil {
					t.Fatal(err)
				}
			}
			got, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(tc.path)))
			left := e.keys("")
			for key, data := range map[string]string{tc.a: "AAAA", tc.b: "BBBB"} {
				if !left[key] && string(got) != data {
					t.Errorf("%s removed, but %s holds %q, not its bytes %q", key, tc.path, got, data)
				}
				if sh.Of(key) != sh.Of(tc.path) && !left[key] {
					t.Errorf("%s (shard %d) removed although %s is shard %d's", key, sh.Of(key), tc.path, sh.Of(tc.path))
				}
			}
			owner := func(string) int { return sh.Of(tc.path) }
			for _, key := range shardPathFailures(t, e, owner) {
				if sh.Of(key) == sh.Of(tc.path) {
					t.Errorf("%s failed although its shard owns %s", key, tc.path)
				}
			}
		})
	}
}

// sameShard finds a key that cleans to p ("k/../p") and a shard count
// under which the two belong to one shard.
func sameShard(t *testing.T, p string) (string, transfer.Shard) {
	t.Helper()
	for _, dir := range []string{".", "a/..", "b/..", "c/..", "d/..", "e/..", "f/..", "g/.."} {
		key := dir + "/" + p
		for sh := (transfer.Shard{Count: 2}); sh.Count <= 16; sh.Count++ {
			if sh.Of(key) == sh.Of(p) {
				return key, sh
			}
		}
	}
	t.Fatal("no key cleaning to " + p + " shares its shard")
	return "", transfer.Shard{}
}

// A key that cleans to a path of its own shard keeps today's behaviour:
// downloaded (and with mv removed) by that shard, no failure.
func TestShardedDownloadOfKeyCleaningWithinItsShard(t *testing.T) {
	key, sh := sameShard(t, "x")
	sh.Index = sh.Of("x")
	for _, op := range []string{"sync --delete", "mv --recursive"} {
		t.Run(op, func(t *testing.T) {
			e := newEnv(t)
			e.put(key, []byte("data"))
			out := t.TempDir()
			var sum transfer.Summary
			var err error
			if op == "sync --delete" {
				sum, err = e.manager().Sync(context.Background(), transfer.Location{Bucket: "bkt"}, transfer.Location{Local: out},
					transfer.TreeOptions{Delete: true, Shard: sh})
			} else {
				sum, err = e.manager().DownloadTree(context.Background(), transfer.Location{Bucket: "bkt"}, out,
					transfer.TreeOptions{Shard: sh, RemoveSource: true})
			}
			if err != nil || sum.Done != 1 || sum.Failed != 0 {
				t.Errorf("shard %v: %+v, %v; want %s downloaded", sh, sum, err, key)
			}
			mustExist(t, filepath.Join(out, "x"), "data")
		})
	}
}
