package transfer

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// sortedBucket is an in-memory ListObjectsV2 over sorted keys, with
// delimiters, StartAfter and continuation tokens, for the parallel
// listing's own logic. onPage runs before each page of a delimiter
// listing is answered (n counts from 1).
type sortedBucket struct {
	keys   []string
	onPage func(n int)
}

func (b *sortedBucket) ListObjects(ctx context.Context, in client.ListObjectsInput) iter.Seq2[*client.ObjectPage, error] {
	return func(yield func(*client.ObjectPage, error) bool) {
		after := max(in.StartAfter, in.ContinuationToken)
		for n := 1; ; n++ {
			if in.Delimiter != "" && b.onPage != nil {
				b.onPage(n)
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			page, last := &client.ObjectPage{}, ""
			for _, k := range b.keys {
				if k <= after || !strings.HasPrefix(k, in.Prefix) {
					continue
				}
				entry, isPrefix := k, false
				if i := strings.Index(k[len(in.Prefix):], in.Delimiter); in.Delimiter != "" && i >= 0 {
					entry, isPrefix = k[:len(in.Prefix)+i+1], true
				}
				if isPrefix && (entry == last || strings.HasPrefix(after, entry)) {
					continue
				}
				if len(page.Objects)+len(page.CommonPrefixes) == int(in.MaxKeys) {
					page.NextContinuationToken = last
					break
				}
				last = entry
				if isPrefix {
					page.CommonPrefixes = append(page.CommonPrefixes, entry)
				} else {
					page.Objects = append(page.Objects, client.Object{Key: k})
				}
			}
			if !yield(page, nil) || page.NextContinuationToken == "" {
				return
			}
			after = page.NextContinuationToken
			if in.Delimiter != "" && strings.HasSuffix(after, in.Delimiter) {
				after += "\U0010FFFF" // past every key under that prefix
			}
		}
	}
}

// listAll is what list yields, key by key.
func listAll(t *testing.T, b *sortedBucket, in ListInput) []string {
	t.Helper()
	var got []string
	for page, err := range list(context.Background(), b, in) {
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Objects {
			got = append(got, o.Key)
		}
	}
	return got
}

// Names that continue with a byte below "/" ("x-s/", "x.old/" beside "x/")
// sort between "x" and "x/": neither the range before a prefix nor the one
// starting at it may take their keys, whatever the page size, concurrency
// and neighbours.
func TestListInParallelKeepsNamesThatSortBetweenAPrefixAndItsStem(t *testing.T) {
	var keys []string
	for i := range 6 {
		keys = append(keys, fmt.Sprintf("a/%02d", i))
	}
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("b%d/k", i))
	}
	keys = append(keys, "x", "x-s/k1", "x-s/k2", "x.old/k", "x.txt")
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("x/%02d", i))
	}
	for i := range 20 {
		keys = append(keys, fmt.Sprintf("z%02d/k", i))
	}
	slices.Sort(keys)
	b := &sortedBucket{keys: keys}
	for _, pageSize := range []int32{2, 3, 4, 5, 1000} {
		for _, conc := range []int{2, 4, 8} {
			if got := listAll(t, b, ListInput{PageSize: pageSize, Concurrency: conc}); !slices.Equal(got, keys) {
				t.Errorf("pages of %d, %d at once:\n got %v\nwant %v", pageSize, conc, got, keys)
			}
		}
	}
}

// The size estimate changes while a level is walked, as finishing
// workers report what they listed: a range gathered before "x/" is cut
// there and "x/" listed whole (the estimate grew), or "x-s/" is listed
// whole and a range starts at "x/" (it shrank). Either way "x-s/k" is
// yielded once: before the fix, the first lost it and the second
// yielded it twice.
func TestListInParallelSurvivesEstimatesChangingMidLevel(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string
		est  int // the estimate set before the level's second page
	}{
		{"grows", []string{"a0/k", "a1/k", "a2/k", "a2/l", "b/k", "x-s/k", "x/1", "x/2", "y/1", "z/1"}, 100},
		{"shrinks", []string{"a0/k", "a0/l", "a0/m", "a0/n", "b/k", "x-s/k", "x/1", "x/2", "y/1", "z/1"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l *lister
			b := &sortedBucket{keys: tc.keys}
			b.onPage = func(n int) {
				if n == 2 {
					l.sizes.mu.Lock()
					l.sizes.est[0] = tc.est
					l.sizes.mu.Unlock()
				}
			}
			in := ListInput{PageSize: 3, Concurrency: 4}
			got := slices.Clone(tc.keys[:3]) // the first page, yielded before the lister runs
			first := make([]client.Object, 3)
			for i, k := range got {
				first[i] = client.Object{Key: k}
			}
			l = newLister(context.Background(), b, in, first, got[2])
			l.run(func(p *client.ObjectPage, err error) bool {
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range p.Objects {
					got = append(got, o.Key)
				}
				return true
			})
			if !slices.Equal(got, tc.keys) {
				t.Errorf("\n got %v\nwant %v", got, tc.keys)
			}
		})
	}
}

// The joined pieces are checked: a key yielded again or out of place
// ends the listing with an error rather than reach a sync's deletions.
func TestListInOrderStopsAtAKeyOutOfPlace(t *testing.T) {
	page := func(keys ...string) *client.ObjectPage {
		p := &client.ObjectPage{}
		for _, k := range keys {
			p.Objects = append(p.Objects, client.Object{Key: k})
		}
		return p
	}
	for _, pages := range [][]*client.ObjectPage{
		{page("b", "c"), page("c", "d")}, // listed twice
		{page("b", "d"), page("c")},      // out of order
		{page("a")},                      // not after the first page's last key
	} {
		var got []string
		var err error
		check := inOrder("a", func(p *client.ObjectPage, e error) bool {
			if e != nil {
				err = e
				return false
			}
			for _, o := range p.Objects {
				got = append(got, o.Key)
			}
			return true
		})
		for _, p := range pages {
			if !check(p, nil) {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), "out of order") {
			t.Errorf("%v: yielded %v, error %v; want an out-of-order error", pages, got, err)
		}
	}
}
