package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
	"github.com/quilibrium/qcli/transfer"
)

// listingTree is a bucket shaped to catch a parallel listing out: keys at
// the top level between and around prefixes ("a.txt" < "a/" < "a0"),
// prefixes of very different sizes, deep ones, a "directory" marker with
// nothing else under it, keys equal to the prefix a range is cut at,
// partial-prefix neighbours (pho.txt, phone/, photos/), names that sort
// between a prefix and its stem (x-s/ and x.old/ beside x/), spaces, a key
// needing URL encoding, non-ASCII, and a level with more prefixes than a
// page.
func listingTree() []string {
	keys := []string{
		"a.txt", "a/", "a/b", "a0", "a-b/c", "m", "z~", "sp ace/k", "é/x", "tab\tkey",
		"small/x", "empty/", "c/", "c/d", "c/d/", "c/d/e",
		"deep/1/2/3/4/5/k", "deep/1/2/other", "deep/1/x", "deep/y",
		"pho.txt", "phone/x", "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
		"x-s/k", "x.old/k", "x/1", "x/2", // names that sort between "x" and "x/"
	}
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("big/%02d", i))
	}
	for i := range 30 { // many small prefixes, some with sub-prefixes
		keys = append(keys, fmt.Sprintf("many/%02d/k", i))
		if i%3 == 0 {
			keys = append(keys, fmt.Sprintf("many/%02d/sub/k", i), fmt.Sprintf("many/%02d/z", i))
		}
		if i%7 == 0 {
			keys = append(keys, fmt.Sprintf("many/%02d", i)) // a key beside the prefix of the same name
		}
	}
	slices.Sort(keys)
	return keys
}

func (e *env) putKeys(keys []string) {
	e.t.Helper()
	for _, k := range keys {
		e.put(k, []byte(k))
	}
}

// listKeys collects what transfer.List yields, checking it is in order.
func listKeys(t *testing.T, c *client.Client, in transfer.ListInput) []string {
	t.Helper()
	var keys []string
	for page, err := range transfer.List(context.Background(), c, in) {
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		for _, o := range page.Objects {
			if n := len(keys); n > 0 && o.Key <= keys[n-1] {
				t.Fatalf("%+v: %q after %q", in, o.Key, keys[n-1])
			}
			keys = append(keys, o.Key)
		}
	}
	return keys
}

func under(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// A parallel listing yields exactly the sequential listing's keys, in
// the same order, whatever the page size, concurrency and prefix
// (including a partial one and one that matches nothing).
func TestListInParallelEqualsSequential(t *testing.T) {
	e := newEnv(t)
	all := listingTree()
	e.putKeys(all)
	for _, prefix := range []string{"", "pho", "photos/", "big/", "deep/", "many/", "a", "c/", "nothing/", "empty/"} {
		want := under(all, prefix)
		if seq := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", Prefix: prefix, Concurrency: 1}); !slices.Equal(seq, want) {
			t.Fatalf("sequential %q: %v, want %v", prefix, seq, want)
		}
		for _, pageSize := range []int32{1, 3, 1000} {
			for _, conc := range []int{2, 5, 16} {
				if pageSize == 1 && conc != 5 {
					continue // page size 1 is slow: once is enough
				}
				got := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", Prefix: prefix, PageSize: pageSize, Concurrency: conc})
				if !slices.Equal(got, want) {
					t.Errorf("prefix %q, pages of %d, %d at once:\n got %v\nwant %v", prefix, pageSize, conc, got, want)
				}
			}
		}
	}
}

// The listing really is split: with small pages, ranges and opened
// prefixes are listed by requests that start after a key (StartAfter) or
// under a deeper prefix, not by one sequential run of pages.
func TestListInParallelSplitsTheKeySpace(t *testing.T) {
	e := newEnv(t)
	e.putKeys(listingTree())
	rs := e.record()
	listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", PageSize: 3, Concurrency: 4})
	plain := rs.all(func(r *http.Request) bool { return isList(r) && r.URL.Query().Get("delimiter") == "" })
	starts := 0
	for _, r := range plain {
		if r.URL.Query().Get("start-after") != "" || r.URL.Query().Get("prefix") != "" {
			starts++
		}
	}
	if starts < 4 {
		t.Errorf("%d listings started after a key or under a prefix, of %d; want the listing split", starts, len(plain))
	}
}

// A bucket that fits one page costs one request, as a sequential listing.
func TestListInParallelOfASmallTreeIsOneRequest(t *testing.T) {
	e := newEnv(t)
	e.putKeys([]string{"a/1", "b/2", "c"})
	rs := e.record()
	if got := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", Concurrency: 8}); len(got) != 3 {
		t.Fatalf("listed %v", got)
	}
	if n := rs.count(isList); n != 1 {
		t.Errorf("%d listing requests, want 1", n)
	}
}

// A server that ignores start-after would hand a range the keys before
// it: the client's listing checks catch it, and the listing fails rather
// than yield a key twice.
func TestListInParallelFailsOnAServerIgnoringStartAfter(t *testing.T) {
	e, sw := newMisbehavingEnv(t)
	e.putKeys(listingTree())
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		if !misbehave.IsListObjects(r) || !q.Has("start-after") {
			return false
		}
		r2 := r.Clone(r.Context())
		q.Del("start-after")
		r2.URL.RawQuery = q.Encode()
		sw.Serve(w, misbehave.Resign(r2, nil))
		return true
	})
	var err error
	seen := map[string]bool{}
	for page, lerr := range transfer.List(context.Background(), e.c, transfer.ListInput{Bucket: "bkt", PageSize: 3, Concurrency: 4}) {
		if err = lerr; err != nil {
			break
		}
		for _, o := range page.Objects {
			if seen[o.Key] {
				t.Fatalf("%s yielded twice", o.Key)
			}
			seen[o.Key] = true
		}
	}
	var pe *client.ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a ProtocolError", err)
	}
}

// An error in one range ends the listing at its place in key order:
// every key before it is yielded, none after.
func TestListInParallelStopsAtAFailedRange(t *testing.T) {
	all := listingTree()
	e := newWrappedEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); isList(r) && q.Get("delimiter") == "" && max(q.Get("prefix"), q.Get("start-after")) >= "m" {
				http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	e.putKeys(all)
	var got []string
	var err error
	for page, lerr := range transfer.List(context.Background(), e.c, transfer.ListInput{Bucket: "bkt", PageSize: 2, Concurrency: 4}) {
		if lerr != nil {
			err = lerr
			break
		}
		for _, o := range page.Objects {
			got = append(got, o.Key)
		}
	}
	if !errors.Is(err, client.ErrAccessDenied) {
		t.Fatalf("err = %v, want AccessDenied", err)
	}
	if len(got) == 0 || len(got) >= len(all) || !slices.Equal(got, all[:len(got)]) {
		t.Errorf("yielded %v before the error; want a start of the listing, without gaps", got)
	}
}

// Sync walks two listings side by side, so both must come in the same
// order: with small pages, both sides of an S3 to S3 sync are listed in
// parallel, and the sync copies what is missing or changed and deletes
// exactly the extras.
func TestSyncOverParallelListings(t *testing.T) {
	e := newEnv(t)
	all := listingTree()
	for _, k := range all {
		e.put("src/"+k, []byte(k))
	}
	for i, k := range all {
		switch i % 4 {
		case 0: // missing
		case 1:
			e.put("dst/"+k, []byte(k+" changed")) // another size
		default:
			e.put("dst/"+k, []byte(k))
		}
	}
	extras := []string{"a/zz", "big/41", "deep/1/2/3/extra", "zzz", "many/05/sub/extra"}
	for _, k := range extras {
		e.put("dst/"+k, []byte("x"))
	}
	m := e.manager(func(o *transfer.Options) { o.PageSize, o.ListConcurrency = 2, 4 })
	sum, err := m.Sync(context.Background(), transfer.Location{Bucket: "bkt", Prefix: "src/"}, transfer.Location{Bucket: "bkt", Prefix: "dst/"},
		transfer.TreeOptions{Delete: true, SizeOnly: true})
	if err != nil || sum.Failed != 0 {
		t.Fatalf("sync: %+v, %v", sum, err)
	}
	missing, changed := (len(all)+3)/4, (len(all)+2)/4
	if sum.Done != int64(missing+changed+len(extras)) || sum.Unchanged != int64(len(all)-missing-changed) {
		t.Errorf("summary %+v: want %d copied, %d deleted, %d unchanged", sum, missing+changed, len(extras), len(all)-missing-changed)
	}
	got := listKeys(t, e.c, transfer.ListInput{Bucket: "bkt", Prefix: "dst/", Concurrency: 1})
	if want := prefixed("dst/", all); !slices.Equal(got, want) {
		t.Errorf("dst holds\n%v\nwant\n%v", got, want)
	}
}

func prefixed(prefix string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = prefix + k
	}
	return out
}
