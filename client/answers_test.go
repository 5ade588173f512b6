package client_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
)

// newMisbehavingClient is newTestClient against an emulator whose answers
// the returned Switch can make break a rule; bucket "bkt" exists.
func newMisbehavingClient(t *testing.T) (*client.Client, *misbehave.Switch) {
	t.Helper()
	sw := &misbehave.Switch{}
	srv := emulatortest.StartWrapped(t, emulator.Options{MinPartSize: 1024}, sw.Wrap)
	c, err := client.New(client.Config{Endpoint: srv.URL, RootCAs: srv.CertPool, MaxAttempts: 2,
		RetryBaseDelay: time.Millisecond, RetryMaxBackoff: 5 * time.Millisecond,
		Credentials: client.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBucket(context.Background(), "bkt", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return c, sw
}

// pagesByToken answers ListObjectsV2 from a table: the page for each
// continuation token ("" for the first request).
func pagesByToken(pages map[string]misbehave.ListResult) misbehave.Rule {
	var served atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !misbehave.IsListObjects(r) {
			return false
		}
		if served.Add(1) > misbehave.LoopCap {
			http.Error(w, "request cap reached: the client loops", http.StatusBadRequest)
			return true
		}
		page := pages[r.URL.Query().Get("continuation-token")]
		page.Name, page.KeyCount = "bkt", len(page.Contents)
		misbehave.WriteXML(w, nil, &page)
		return true
	}
}

func contents(keys ...string) []misbehave.Content {
	out := make([]misbehave.Content, len(keys))
	for i, k := range keys {
		out[i] = misbehave.Content{Key: k, ETag: `"0123456789abcdef0123456789abcdef"`, Size: 1, LastModified: "2026-01-02T03:04:05.000Z"}
	}
	return out
}

// listAll runs a listing to its end and returns the keys it yielded and
// its error.
func listAll(c *client.Client, in client.ListObjectsInput) ([]string, error) {
	var keys []string
	for page, err := range c.ListObjects(context.Background(), in) {
		if err != nil {
			return keys, err
		}
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
	}
	return keys, nil
}

// wantProtocolError checks that err is a *client.ProtocolError of op whose
// message says each of says.
func wantProtocolError(t *testing.T, err error, op string, says ...string) {
	t.Helper()
	var pe *client.ProtocolError
	if !errors.As(err, &pe) || pe.Op != op {
		t.Fatalf("err = %v (%T), want a ProtocolError of %s", err, err, op)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

// A listing that says it goes on must lead somewhere new: a truncated page
// without a token, a token that comes back (directly, through a circle of
// empty pages, or through pages already seen), and endless empty pages are
// errors naming the listing, never a silent end and never an endless loop.
func TestListingThatLeadsNowhereIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule misbehave.Rule
		says string
	}{
		{"truncated without a token", pagesByToken(map[string]misbehave.ListResult{
			"": {Contents: contents("p/a"), IsTruncated: true}}), "gives no continuation token"},
		{"the same token again", pagesByToken(map[string]misbehave.ListResult{
			"":  {Contents: contents("p/a"), IsTruncated: true, NextContinuationToken: "T"},
			"T": {IsTruncated: true, NextContinuationToken: "T"}}), `"T" came back`},
		{"a circle of empty pages", pagesByToken(map[string]misbehave.ListResult{
			"":  {Contents: contents("p/a"), IsTruncated: true, NextContinuationToken: "A"},
			"A": {IsTruncated: true, NextContinuationToken: "B"},
			"B": {IsTruncated: true, NextContinuationToken: "A"}}), "goes in circles"},
		{"a circle through pages with keys", pagesByToken(map[string]misbehave.ListResult{
			"":  {Contents: contents("p/a"), IsTruncated: true, NextContinuationToken: "A"},
			"A": {Contents: contents("p/b"), IsTruncated: true, NextContinuationToken: "B"},
			"B": {Contents: contents("p/c"), IsTruncated: true, NextContinuationToken: "A"}}), `"p/b" does not sort after "p/c"`},
		{"endless empty pages", misbehave.EndlessEmptyPages(), "pages in a row held nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, sw := newMisbehavingClient(t)
			sw.Set(tc.rule)
			_, err := listAll(c, client.ListObjectsInput{Bucket: "bkt", Prefix: "p/"})
			wantProtocolError(t, err, "ListObjectsV2", "s3://bkt/p/", tc.says)
		})
	}
}

// Every key must start with the prefix asked for and sort strictly after
// the one before it and after StartAfter; otherwise the page is refused
// before any of it is yielded (a server that ignored the prefix made
// rm --recursive delete outside it; an unsorted one made sync --delete
// delete what the source had).
func TestListingKeysOutsideThePrefixOrOutOfOrderAreRefused(t *testing.T) {
	ignorePrefix := (*misbehave.Switch).IgnorePrefix
	for _, tc := range []struct {
		name string
		in   client.ListObjectsInput
		rule func(sw *misbehave.Switch) misbehave.Rule
		says string
		kept []string // what was yielded before the error
	}{
		{"the prefix ignored", client.ListObjectsInput{Prefix: "tmp/"}, ignorePrefix,
			`key "important/db.sqlite" is outside the prefix "tmp/"`, nil},
		{"StartAfter ignored", client.ListObjectsInput{StartAfter: "tmp/a"}, ignorePrefix,
			`key "important/db.sqlite" does not sort after "tmp/a"`, nil},
		{"keys out of order within a page", client.ListObjectsInput{Prefix: "tmp/"}, (*misbehave.Switch).ReverseKeys,
			`key "tmp/a" does not sort after "tmp/b"`, nil},
		{"a later page going back", client.ListObjectsInput{Prefix: "tmp/", MaxKeys: 1}, func(sw *misbehave.Switch) misbehave.Rule {
			return sw.AlterLists(nil, func(r *http.Request, res *misbehave.ListResult) {
				if r.URL.Query().Get("continuation-token") != "" {
					res.Contents = contents("tmp/0")
				}
			})
		}, `key "tmp/0" does not sort after "tmp/a"`, []string{"tmp/a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, sw := newMisbehavingClient(t)
			for _, k := range []string{"important/db.sqlite", "tmp/a", "tmp/b"} {
				if _, err := c.Upload(context.Background(), "bkt", k, []byte(k)); err != nil {
					t.Fatal(err)
				}
			}
			sw.Set(tc.rule(sw))
			tc.in.Bucket = "bkt"
			keys, err := listAll(c, tc.in)
			wantProtocolError(t, err, "ListObjectsV2", tc.says)
			if !slices.Equal(keys, tc.kept) {
				t.Errorf("yielded %q before the error, want %q", keys, tc.kept)
			}
		})
	}
}

// Keys holding characters XML 1.0 cannot carry are listed exactly (asked
// for URL-encoded and decoded) and deleted exactly: DeleteObjects would
// send U+FFFD in their place, naming another key, which must survive.
func TestKeysXMLCannotCarryAreListedAndDeletedExactly(t *testing.T) {
	c, _ := newMisbehavingClient(t)
	ctx := context.Background()
	esc, innocent, plain := "ctl/a\x1b[31mred", "ctl/a\uFFFD[31mred", "ctl/plain+%20 key"
	for _, k := range []string{esc, innocent, plain, "ctl/bell\x07"} {
		if _, err := c.Upload(ctx, "bkt", k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := listAll(c, client.ListObjectsInput{Bucket: "bkt", Prefix: "ctl/"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{esc, innocent, "ctl/bell\x07", plain}; !slices.Equal(keys, want) {
		t.Fatalf("listed %q, want %q", keys, want)
	}
	out, err := c.DeleteObjects(ctx, "bkt", []client.ObjectID{{Key: esc}, {Key: plain}, {Key: "ctl/bell\x07"}})
	if err != nil || len(out.Deleted) != 3 || len(out.Failed) != 0 {
		t.Fatalf("DeleteObjects = %+v, %v", out, err)
	}
	keys, _ = listAll(c, client.ListObjectsInput{Bucket: "bkt", Prefix: "ctl/"})
	if !slices.Equal(keys, []string{innocent}) {
		t.Fatalf("after the delete: %q, want only the innocent %q", keys, innocent)
	}
}

// A DeleteObjects answer must account for every key sent: a key it does
// not mention is a failure (NotConfirmed), never a success.
func TestDeleteObjectsAnswerMustAccountForEveryKey(t *testing.T) {
	c, sw := newMisbehavingClient(t)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		if _, err := c.Upload(ctx, "bkt", k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	sw.Set(sw.SkipDelete("b")) // neither deleted nor reported
	out, err := c.DeleteObjects(ctx, "bkt", []client.ObjectID{{Key: "a"}, {Key: "b"}, {Key: "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 2 || len(out.Failed) != 1 || out.Failed[0].Key != "b" || out.Failed[0].Code != client.ErrNotConfirmed {
		t.Fatalf("DeleteObjects = %+v, want a and c deleted, b NotConfirmed", out)
	}
	if _, err := c.HeadObject(ctx, client.HeadObjectInput{Bucket: "bkt", Key: "b"}); err != nil {
		t.Errorf("b: %v, want it still there", err)
	}
}

// An empty UploadId is an error: parts sent without one go as plain PUTs
// of the key on some servers.
func TestEmptyUploadIDIsAnError(t *testing.T) {
	c, sw := newMisbehavingClient(t)
	sw.Set(sw.EmptyUploadID())
	up, err := c.CreateMultipartUpload(context.Background(), client.CreateMultipartUploadInput{Bucket: "bkt", Key: "k"})
	id := up.UploadID
	wantProtocolError(t, err, "CreateMultipartUpload", "no UploadId")
	if id != "" {
		t.Errorf("id = %q", id)
	}
}

// One listing answer costs a bounded amount: a 50 MB page or a 200 MB key
// is cut off after maxAnswerBytes (8 MiB) with an error naming the
// listing, not decoded into hundreds of MB. Before, the client read and
// decoded all of it.
func TestListingAnswerIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int64
		oneKey bool
	}{
		{"a 50 MB page", 50 << 20, false},
		{"a 200 MB key", 200 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, sw := newMisbehavingClient(t)
			var written atomic.Int64
			sw.Set(misbehave.HugeList(tc.size, tc.oneKey, &written))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := listAll(c, client.ListObjectsInput{Bucket: "bkt"})
			runtime.ReadMemStats(&after)
			wantProtocolError(t, err, "ListObjectsV2", "larger than 8 MiB")
			// What the process took from the system: the heap's peak, as
			// garbage is collected while the answer is decoded.
			took := int64(after.Sys-after.HeapReleased) - int64(before.Sys-before.HeapReleased)
			t.Logf("server wrote %d MB; the client took %d MB more memory and allocated %d MB in all",
				written.Load()>>20, took>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
			// Loopback socket buffers let the server get a few MB past
			// what the client read before it closed the connection.
			if written.Load() > 32<<20 {
				t.Errorf("the server got %d MB out: the client read on", written.Load()>>20)
			}
			if took > 100<<20 {
				t.Errorf("the listing took %d MB of memory", took>>20)
			}
		})
	}
}

// ListBuckets is checked as object listings are: a token that comes back
// with the same names is an error, not a second copy of every bucket.
func TestListBucketsThatRepeatsIsAnError(t *testing.T) {
	c, sw := newMisbehavingClient(t)
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		if !misbehave.IsListBuckets(r) {
			return false
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, xml.Header+`<ListAllMyBucketsResult><Buckets><Bucket><Name>aaa</Name></Bucket><Bucket><Name>bkt</Name></Bucket></Buckets>`+
			`<ContinuationToken>T</ContinuationToken></ListAllMyBucketsResult>`)
		return true
	})
	var names []string
	var err error
	for b, berr := range c.ListBuckets(context.Background(), client.ListBucketsInput{}) {
		if err = berr; err != nil {
			break
		}
		names = append(names, b.Name)
	}
	wantProtocolError(t, err, "ListBuckets", `bucket "aaa" does not sort after "bkt"`)
	if !slices.Equal(names, []string{"aaa", "bkt"}) {
		t.Errorf("yielded %q", names)
	}
}

// ListMultipartUploads (rb --force) and ListParts (resume) are checked
// too: paging that comes back to where it was is an error, not a loop or
// the same uploads and parts twice.
func TestUploadAndPartListingsThatRepeatAreErrors(t *testing.T) {
	t.Run("ListMultipartUploads", func(t *testing.T) {
		c, sw := newMisbehavingClient(t)
		sw.Set(misbehave.CycleUploads("k", "u1", "u2"))
		var err error
		n := 0
		for _, uerr := range c.ListMultipartUploads(context.Background(), "bkt", "") {
			if err = uerr; err != nil {
				break
			}
			n++
		}
		wantProtocolError(t, err, "ListMultipartUploads", `upload "u1" of key "k" is listed twice`)
		if n != 2 {
			t.Errorf("%d uploads yielded, want 2", n)
		}
	})
	t.Run("ListParts", func(t *testing.T) {
		c, sw := newMisbehavingClient(t)
		sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
			if !misbehave.IsListParts(r) {
				return false
			}
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, xml.Header+`<ListPartsResult><Bucket>bkt</Bucket><Key>k</Key><UploadId>u</UploadId><IsTruncated>true</IsTruncated>`+
				`<NextPartNumberMarker>2</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>"e"</ETag><Size>5</Size></Part>`+
				`<Part><PartNumber>2</PartNumber><ETag>"e"</ETag><Size>5</Size></Part></ListPartsResult>`)
			return true
		})
		var err error
		n := 0
		for _, perr := range c.ListParts(context.Background(), "bkt", "k", "u") {
			if err = perr; err != nil {
				break
			}
			n++
		}
		wantProtocolError(t, err, "ListParts", "part 1 does not come after part 2")
		if n != 2 {
			t.Errorf("%d parts yielded, want 2", n)
		}
	})
}

// ListObjectVersions (rb --force of a versioned bucket) is checked too: a
// version outside the prefix is refused before any of its page is used.
func TestListObjectVersionsOutsideThePrefixIsAnError(t *testing.T) {
	c, sw := newMisbehavingClient(t)
	sw.Set(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || !r.URL.Query().Has("versions") {
			return false
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, xml.Header+`<ListVersionsResult><Name>bkt</Name><IsTruncated>false</IsTruncated>`+
			`<Version><Key>tmp/a</Key><VersionId>v1</VersionId></Version><Version><Key>important/db.sqlite</Key><VersionId>v2</VersionId></Version>`+
			`</ListVersionsResult>`)
		return true
	})
	n := 0
	var err error
	for _, perr := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "bkt", Prefix: "tmp/"}) {
		if err = perr; err != nil {
			break
		}
		n++
	}
	wantProtocolError(t, err, "ListObjectVersions", `"important/db.sqlite" is outside the prefix "tmp/"`)
	if n != 0 {
		t.Errorf("%d pages yielded", n)
	}
}
