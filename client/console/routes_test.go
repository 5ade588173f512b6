package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client/console"
)

func TestRouteTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range console.Routes() {
		if key := r.Method + " " + r.Path; seen[key] {
			t.Errorf("route %s twice", key)
		} else {
			seen[key] = true
		}
		if got, ok := console.RouteFor(r.Op); !ok || got != r {
			t.Errorf("RouteFor(%s) = %+v", r.Op, got)
		}
		if r.Method == http.MethodPost && r.Op != console.OpDeleteObjects && r.Idempotent {
			t.Errorf("%s: a creating POST must not be retried after a 5xx", r.Op)
		}
	}
}

// Match is Expand's inverse, for every route and awkward names.
func TestExpandMatchRoundTrip(t *testing.T) {
	params := []console.Params{
		{ID: 7, Bucket: "b.with-dots", Key: "plain"},
		{ID: 1, Bucket: "bkt", Key: "dir/sub/file name+plus%?#.txt"},
		{ID: 12, Bucket: "bkt", Key: "ünï/a//b/"},
	}
	for _, r := range console.Routes() {
		for _, p := range params {
			path := r.Expand(p)
			got, gp, known := console.Match(r.Method, path)
			if !known || got.Op != r.Op {
				t.Errorf("%s: Match(%s) = %s", r.Op, path, got.Op)
				continue
			}
			want := console.Params{}
			for _, tok := range []string{"{id}", "{bucket}", "{key}"} {
				if strings.Contains(r.Path, tok) {
					switch tok {
					case "{id}":
						want.ID = p.ID
					case "{bucket}":
						want.Bucket = p.Bucket
					case "{key}":
						want.Key = p.Key
					}
				}
			}
			if gp != want {
				t.Errorf("%s: %s gave %+v, want %+v", r.Op, path, gp, want)
			}
		}
	}
}

func TestMatchMisses(t *testing.T) {
	if r, _, known := console.Match(http.MethodPatch, "/stats"); r.Op != "" || !known {
		t.Errorf("PATCH /stats: %+v known=%v, want a known path with no route (405)", r, known)
	}
	for _, p := range []string{"/nothing", "/buckets/b/unknown", "/", ""} {
		if r, _, known := console.Match(http.MethodGet, p); r.Op != "" || known {
			t.Errorf("GET %q matched %+v", p, r)
		}
	}
	if _, p, _ := console.Match(http.MethodGet, "/credentials/abc"); p.ID != 0 {
		t.Errorf("non-numeric id gave %d", p.ID)
	}
}
