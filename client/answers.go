package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Destructive callers (rm --recursive, sync --delete, rb --force) act on
// what a listing says, so a listing is checked before any of it is used:
// its paging must lead on or end, its entries must lie under the prefix
// asked for and sort strictly after everything before them, and a page
// costs a bounded amount of memory. S3-compatible servers have broken each
// of these rules.

// ProtocolError is an answer that breaks a rule of the S3 protocol that
// callers rely on to act safely: a listing that says there is more but
// gives no way to it, goes in circles, or returns keys outside the prefix
// or out of order; an answer too large to be a page; a DeleteObjects
// answer that does not account for a key; an empty upload id. The request
// itself succeeded; its content cannot be trusted, so neither it nor
// anything after it is used.
type ProtocolError struct {
	Op      string // the S3 operation, e.g. "ListObjectsV2"
	Bucket  string
	Key     string // the object, or the prefix a listing was for
	Problem string
}

func (e *ProtocolError) Error() string {
	op := e.Op
	if loc := location(e.Bucket, e.Key); loc != "" {
		op += " " + loc
	}
	return op + ": the server's answer cannot be trusted: " + e.Problem
}

// protocolFailure makes the ProtocolErrors of one call (op on bucket and
// key, or a listing's prefix) from the problems its checks find.
func protocolFailure(op, bucket, key string) func(problem string) error {
	return func(problem string) error {
		return &ProtocolError{Op: op, Bucket: bucket, Key: key, Problem: problem}
	}
}

// maxEmptyPages is how many pages in a row may hold nothing while saying
// there is more; S3 itself sends none.
const maxEmptyPages = 100

// pageGuard checks that a paged listing leads on or ends: a truncated page
// must name the next, and the tokens sent since the listing last moved on
// must not come back (a circle of empty pages; a circle through pages with
// entries is caught by their order instead). Its memory is bounded by
// maxEmptyPages tokens.
type pageGuard struct {
	fail  func(problem string) error
	seen  map[string]bool
	empty int
}

func newPageGuard(fail func(string) error, first string) *pageGuard {
	return &pageGuard{fail: fail, seen: map[string]bool{first: true}}
}

// markerToken is a listing's pair of markers (key and upload or version
// id) as one token for a pageGuard: "" when both are empty.
func markerToken(key, id string) string {
	if key == "" && id == "" {
		return ""
	}
	return key + "\x00" + id
}

// next returns the token of the page after one that was fetched with a
// token now in seen: "" when the listing has ended.
func (g *pageGuard) next(truncated bool, token string, entries int) (string, error) {
	if !truncated {
		return "", nil
	}
	if token == "" {
		return "", g.fail("the answer says the listing goes on (IsTruncated) but gives no continuation token or marker")
	}
	if entries > 0 {
		g.empty = 0
		clear(g.seen)
	} else if g.empty++; g.empty >= maxEmptyPages {
		return "", g.fail(fmt.Sprintf("%d pages in a row held nothing but said the listing goes on", g.empty))
	}
	if g.seen[token] {
		return "", g.fail(fmt.Sprintf("the continuation token %q came back without the listing moving on: it goes in circles", token))
	}
	g.seen[token] = true
	return token, nil
}

// keyOrder checks that listed names lie under the prefix and that each
// sorts strictly after the one before it (and after StartAfter), across
// pages: a server that ignored the prefix, returned keys out of order or
// repeated a page is caught before any of the page is used.
type keyOrder struct {
	noun   string // what the names are: "key", "bucket"
	prefix string
	floor  string // every later name must sort after it
	fail   func(problem string) error
}

// page checks one page's names (keys, or common prefixes: each list is in
// order, and every name sorts after the previous pages').
func (o *keyOrder) page(lists ...[]string) error {
	top := o.floor
	for _, names := range lists {
		prev := o.floor
		for i, name := range names {
			switch {
			case !strings.HasPrefix(name, o.prefix):
				return o.fail(fmt.Sprintf("%s %q is outside the prefix %q asked for", o.noun, name, o.prefix))
			case (i > 0 || prev != "") && name <= prev:
				return o.fail(fmt.Sprintf("%s %q does not sort after %q: the listing is out of order or repeats itself", o.noun, name, prev))
			}
			prev = name
		}
		top = max(top, prev)
	}
	o.floor = top
	return nil
}

// keyID names an entry of a listing that may hold a key many times: an
// upload or a version.
type keyID struct{ key, id string }

// idOrder checks listings of keyIDs (uploads, versions): keys under the
// prefix and in order, each (key, id) once. A key's entries are ordered by
// time, which the ids do not show, so among them only repeats can be
// caught; a page that comes back is caught by its keys or its ids.
type idOrder struct {
	idNoun string // what the ids name: "upload", "version"
	prefix string
	floor  string          // the last key of the pages before
	ids    map[string]bool // the ids seen for floor
	fail   func(problem string) error
}

// page checks one page's entries, in one or more lists each in key order
// (a version listing has versions and delete markers apart).
func (o *idOrder) page(lists ...[]keyID) error {
	top, seen := o.floor, map[keyID]bool{}
	for _, entries := range lists {
		prev := o.floor
		for _, e := range entries {
			switch {
			case !strings.HasPrefix(e.key, o.prefix):
				return o.fail(fmt.Sprintf("key %q is outside the prefix %q asked for", e.key, o.prefix))
			case e.key < prev:
				return o.fail(fmt.Sprintf("key %q does not sort after %q: the listing is out of order", e.key, prev))
			case seen[e] || e.key == o.floor && o.ids[e.id]:
				return o.fail(fmt.Sprintf("%s %q of key %q is listed twice: the listing repeats itself", o.idNoun, e.id, e.key))
			}
			seen[e], prev = true, e.key
		}
		top = max(top, prev)
	}
	if top != o.floor || o.ids == nil {
		o.floor, o.ids = top, map[string]bool{}
	}
	for e := range seen {
		if e.key == o.floor {
			o.ids[e.id] = true
		}
	}
	return nil
}

// urlDecoder undoes encoding-type=url, which a listing asks for so that
// keys holding characters XML 1.0 cannot carry (ESC and the other C0
// controls) arrive exactly. The SDK does not decode them. Names are decoded
// only when the answer says it encoded them.
type urlDecoder struct {
	on   bool
	fail func(problem string) error
}

// decoderFor decodes the names of an answer whose EncodingType is enc.
func decoderFor(enc types.EncodingType, fail func(problem string) error) urlDecoder {
	return urlDecoder{on: enc == types.EncodingTypeUrl, fail: fail}
}

func (d urlDecoder) decode(s string) (string, error) {
	if !d.on {
		return s, nil
	}
	out, err := url.QueryUnescape(s)
	if err != nil {
		return "", d.fail(fmt.Sprintf("name %q is not URL-encoded although the answer says it is", s))
	}
	return out, nil
}

// maxAnswerBytes bounds the body of a listing or DeleteObjects answer that
// is read: a page of 1,000 keys of 1,024 bytes each, URL-encoded, with
// owners, is about 4 MiB, so 8 MiB is twice any true page, while a hostile
// or broken answer (50 MB of keys, one 200 MB element) is cut off before it
// costs more memory than a few pages.
const maxAnswerBytes = 8 << 20

// errAnswerTooLarge is the read error of a body past maxAnswerBytes.
var errAnswerTooLarge = errors.New("answer too large")

// capAnswer limits the bytes of the response body the SDK decodes for one
// call. The middleware sits innermost in the deserialize step, so it wraps
// the body before the operation's XML decoder reads it.
func capAnswer(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("qcliCapAnswer",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
					resp.Body = &cappedBody{ReadCloser: resp.Body, left: maxAnswerBytes}
				}
				return out, md, err
			}), middleware.After)
	})
}

// cappedBody reads at most left bytes, then fails with errAnswerTooLarge
// if the body has more.
type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, errAnswerTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// tooLargeProblem is what a ProtocolError says of a body cut off at the cap.
var tooLargeProblem = fmt.Sprintf("the answer is larger than %d MiB, more than any page or batch needs; it was not read further", maxAnswerBytes>>20)
