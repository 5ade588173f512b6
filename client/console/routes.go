package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DefaultBasePath prefixes every route unless Config.BasePath says otherwise.
const DefaultBasePath = "/api/v1"

// Op names one management API call.
type Op string

// The calls of the management API.
const (
	OpStats                Op = "Stats"
	OpListCredentials      Op = "ListCredentials"
	OpCreateCredential     Op = "CreateCredential"
	OpGetCredential        Op = "GetCredential"
	OpUpdateCredential     Op = "UpdateCredential"
	OpListBuckets          Op = "ListBuckets"
	OpCreateBucket         Op = "CreateBucket"
	OpGetBucket            Op = "GetBucket"
	OpDeleteBucket         Op = "DeleteBucket"
	OpListObjects          Op = "ListObjects"
	OpGetObject            Op = "GetObject"
	OpDeleteObject         Op = "DeleteObject"
	OpDeleteObjects        Op = "DeleteObjects"
	OpListMultipartUploads Op = "ListMultipartUploads"
	OpListPresignedURLs    Op = "ListPresignedURLs"
	OpCreatePresignedURL   Op = "CreatePresignedURL"
)

// Route is one call's HTTP method and path template, relative to the base
// path. {id} and {bucket} stand for one path segment; {key} for the rest of
// the path, slashes included.
type Route struct {
	Op     Op
	Method string
	Path   string
	// Idempotent calls are retried after a 5xx or a broken connection;
	// the others only when the request surely was not processed: after
	// 429 or a refused connection.
	Idempotent bool
}

// routes is the one table of the management API's HTTP layout. The source
// document (003) names the calls and their JSON but not their paths; this
// layout is ours, documented in the README, and the emulator serves it.
// DeleteBucket is not in 003 either.
var routes = []Route{
	{OpStats, http.MethodGet, "/stats", true},
	{OpListCredentials, http.MethodGet, "/credentials", true},
	{OpCreateCredential, http.MethodPost, "/credentials", false},
	{OpGetCredential, http.MethodGet, "/credentials/{id}", true},
	{OpUpdateCredential, http.MethodPut, "/credentials/{id}", true},
	{OpListBuckets, http.MethodGet, "/buckets", true},
	{OpCreateBucket, http.MethodPost, "/buckets", false},
	{OpGetBucket, http.MethodGet, "/buckets/{bucket}", true},
	{OpDeleteBucket, http.MethodDelete, "/buckets/{bucket}", true},
	{OpListObjects, http.MethodGet, "/buckets/{bucket}/objects", true},
	{OpDeleteObjects, http.MethodPost, "/buckets/{bucket}/delete-objects", true},
	{OpGetObject, http.MethodGet, "/buckets/{bucket}/objects/{key}", true},
	{OpDeleteObject, http.MethodDelete, "/buckets/{bucket}/objects/{key}", true},
	{OpListMultipartUploads, http.MethodGet, "/buckets/{bucket}/uploads", true},
	{OpListPresignedURLs, http.MethodGet, "/presigned-urls", true},
	{OpCreatePresignedURL, http.MethodPost, "/presigned-urls", false},
}

// Routes returns a copy of the route table, in the README's order.
func Routes() []Route { return slices.Clone(routes) }

// RouteFor returns the route of op.
func RouteFor(op Op) (Route, bool) {
	i := slices.IndexFunc(routes, func(r Route) bool { return r.Op == op })
	if i < 0 {
		return Route{}, false
	}
	return routes[i], true
}

// Params are the values of a route's placeholders.
type Params struct {
	ID     int64
	Bucket string
	Key    string
}

// Expand fills the route's placeholders, escaped for a URL path. Each
// segment of a key is escaped on its own, so its slashes stay slashes.
func (r Route) Expand(p Params) string {
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	for i, s := range segs {
		switch s {
		case "{id}":
			segs[i] = strconv.FormatInt(p.ID, 10)
		case "{bucket}":
			segs[i] = url.PathEscape(p.Bucket)
		case "{key}":
			segs[i] = escapeKey(p.Key)
		}
	}
	return "/" + strings.Join(segs, "/")
}

func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// Match finds the route for a request to escapedPath (relative to the base
// path, as url.URL.EscapedPath gives it). It is the server side of Expand,
// for the emulator and other test doubles. pathKnown is true when some
// route has this path, so a failed match with pathKnown means "405".
func Match(method, escapedPath string) (r Route, p Params, pathKnown bool) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	for _, rt := range routes {
		params, ok := matchPath(rt.Path, segs)
		if !ok {
			continue
		}
		pathKnown = true
		if rt.Method == method {
			return rt, params, true
		}
	}
	return Route{}, Params{}, pathKnown
}

// matchPath matches path segments against a template; literal segments
// must be equal, placeholders must be non-empty and valid.
func matchPath(template string, segs []string) (Params, bool) {
	var p Params
	tmpl := strings.Split(strings.TrimPrefix(template, "/"), "/")
	for i, t := range tmpl {
		if i >= len(segs) {
			return p, false
		}
		if t == "{key}" {
			key, err := url.PathUnescape(strings.Join(segs[i:], "/"))
			p.Key = key
			return p, err == nil && key != ""
		}
		if !matchSegment(t, segs[i], &p) {
			return p, false
		}
	}
	return p, len(segs) == len(tmpl)
}

func matchSegment(t, seg string, p *Params) bool {
	switch t {
	case "{id}":
		// Any segment matches, so that "credentials/abc" reaches the
		// handler and gets "invalid id" (ID 0) rather than "no such route".
		id, err := strconv.ParseInt(seg, 10, 64)
		if err == nil {
			p.ID = id
		}
		return seg != ""
	case "{bucket}":
		b, err := url.PathUnescape(seg)
		p.Bucket = b
		return err == nil && b != ""
	}
	return t == seg
}
