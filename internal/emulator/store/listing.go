package store

import (
	"sort"
	"strings"
)

// Listing rule: a page resumes strictly after the last item it returned,
// and a returned common prefix swallows every key under it (so no prefix
// repeats across pages when a limit and a delimiter are combined).

// ListQuery selects one page of a bucket's keys.
type ListQuery struct {
	Prefix, Delimiter string
	Marker            string // exclusive; a key or a common prefix
	MaxKeys           int    // items (objects and prefixes) per page
}

// ListPage is one page of a listing.
type ListPage struct {
	Contents  []*Object
	Prefixes  []string
	Truncated bool
	Last      string // last item returned, the next page's marker
}

// CommonPrefix returns the rolled-up prefix key belongs to, or "".
func CommonPrefix(key, prefix, delimiter string) string {
	if delimiter == "" {
		return ""
	}
	rest := key[len(prefix):]
	if i := strings.Index(rest, delimiter); i >= 0 {
		return key[:len(prefix)+i+len(delimiter)]
	}
	return ""
}

// endOfPrefix is the index of the first key at or after from that does not
// start with p; keys sharing a prefix are contiguous in sorted order.
func endOfPrefix(keys []string, from int, p string) int {
	return from + sort.Search(len(keys)-from, func(j int) bool {
		k := keys[from+j]
		return k > p && !strings.HasPrefix(k, p)
	})
}

// List returns one page of the bucket's keys, in key order.
func (s *Store) List(bucket string, q ListQuery) (ListPage, error) {
	var page ListPage
	err := s.viewBucket(bucket, func(b *bucketState) { page = listKeys(b, q) })
	return page, err
}

func listKeys(b *bucketState, q ListQuery) ListPage {
	var page ListPage
	if q.MaxKeys <= 0 {
		return page
	}
	keys := b.keys
	i := sort.SearchStrings(keys, max(q.Prefix, q.Marker))
	for i < len(keys) {
		k := keys[i]
		if !strings.HasPrefix(k, q.Prefix) {
			break
		}
		if k <= q.Marker {
			i++
			continue
		}
		item, next := k, i+1
		cp := CommonPrefix(k, q.Prefix, q.Delimiter)
		if cp != "" {
			item, next = cp, endOfPrefix(keys, i, cp)
			if cp == q.Marker {
				i = next
				continue
			}
		}
		if len(page.Contents)+len(page.Prefixes) == q.MaxKeys {
			page.Truncated = true
			break
		}
		if cp != "" {
			page.Prefixes = append(page.Prefixes, cp)
		} else {
			page.Contents = append(page.Contents, b.objects[k])
		}
		page.Last, i = item, next
	}
	return page
}

// Objects returns every object under prefix, in key order.
func (s *Store) Objects(bucket, prefix string) ([]*Object, error) {
	var out []*Object
	err := s.viewBucket(bucket, func(b *bucketState) {
		for _, k := range b.keys[sort.SearchStrings(b.keys, prefix):] {
			if !strings.HasPrefix(k, prefix) {
				break
			}
			out = append(out, b.objects[k])
		}
	})
	return out, err
}
