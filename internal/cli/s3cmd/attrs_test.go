package s3cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// headers records the headers of the emulator's requests that match.
type headers struct {
	mu   sync.Mutex
	seen []http.Header
}

func recordHeaders(e *clitest.Env, match func(*http.Request) bool) *headers {
	h := &headers{}
	e.Server.Emulator.Observe(func(r *http.Request) {
		if match(r) {
			h.mu.Lock()
			h.seen = append(h.seen, r.Header.Clone())
			h.mu.Unlock()
		}
	})
	return h
}

// last returns the last matching request's headers and forgets them all.
func (h *headers) last(t *testing.T) http.Header {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.seen) == 0 {
		t.Fatal("no matching request")
	}
	last := h.seen[len(h.seen)-1]
	h.seen = nil
	return last
}

func isObjectPut(r *http.Request) bool {
	return r.Method == http.MethodPut && strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1 && !r.URL.Query().Has("partNumber")
}

func tagsOf(t *testing.T, e *clitest.Env, key string) map[string]string {
	t.Helper()
	out, err := e.Server.S3Client().GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range out.TagSet {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// stored is what another client's HeadObject sees of an object.
type stored struct {
	ContentType, CacheControl, ContentLanguage, Expires, WebsiteRedirect string
	Metadata                                                             map[string]string
}

func head(t *testing.T, e *clitest.Env, key string) stored {
	t.Helper()
	out, err := e.Server.S3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	return stored{ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl),
		ContentLanguage: aws.ToString(out.ContentLanguage), Expires: aws.ToString(out.ExpiresString),
		WebsiteRedirect: aws.ToString(out.WebsiteRedirectLocation), Metadata: out.Metadata}
}

// Issue 11 A5: an S3-to-S3 copy keeps the source's properties unless the
// user replaces them: a header flag changes that header alone, --metadata
// the metadata alone, --metadata-directive REPLACE and --copy-props none
// keep nothing; --tagging replaces the tags, --copy-props
// metadata-directive drops them.
func TestCopyKeepsWhatIsNotReplaced(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "page.html"), []byte("<p>hello</p>"))
	e.MustRun("s3", "cp", filepath.Join(dir, "page.html"), "s3://bkt/src.html", "--metadata", "owner=ann,team=web",
		"--cache-control", "max-age=60", "--content-language", "de", "--content-disposition", "inline",
		"--tagging", "stage=prod&tier=1", "--content-type", "text/html")
	src := head(t, e, "src.html")
	if src.ContentType != "text/html" || src.ContentLanguage != "de" {
		t.Fatalf("source %+v", src)
	}
	copies := recordHeaders(e, func(r *http.Request) bool { return r.Header.Get("X-Amz-Copy-Source") != "" })

	cases := []struct {
		name        string
		flags       []string
		contentType string
		metadata    map[string]string
		cacheCtl    string
		language    string
		tags        map[string]string
		directive   string // x-amz-metadata-directive sent
		tagDir      string // x-amz-tagging-directive sent
	}{
		{"plain copy", nil, "text/html", src.Metadata, "max-age=60", "de", map[string]string{"stage": "prod", "tier": "1"}, "COPY", "COPY"},
		{"--content-type alone", []string{"--content-type", "text/plain"}, "text/plain", src.Metadata, "max-age=60", "de",
			map[string]string{"stage": "prod", "tier": "1"}, "REPLACE", "COPY"},
		{"--cache-control alone", []string{"--cache-control", "no-store"}, "text/html", src.Metadata, "no-store", "de",
			map[string]string{"stage": "prod", "tier": "1"}, "REPLACE", "COPY"},
		{"--metadata", []string{"--metadata", `{"owner":"bob"}`}, "text/html", map[string]string{"owner": "bob"}, "max-age=60", "de",
			map[string]string{"stage": "prod", "tier": "1"}, "REPLACE", "COPY"},
		{"REPLACE", []string{"--metadata-directive", "REPLACE", "--metadata", "k=v"}, "text/html", map[string]string{"k": "v"}, "", "",
			map[string]string{"stage": "prod", "tier": "1"}, "REPLACE", "COPY"},
		{"--tagging", []string{"--tagging", "stage=dev"}, "text/html", src.Metadata, "max-age=60", "de", map[string]string{"stage": "dev"}, "COPY", "REPLACE"},
		{"--copy-props metadata-directive", []string{"--copy-props", "metadata-directive"}, "text/html", src.Metadata, "max-age=60", "de",
			map[string]string{}, "COPY", "REPLACE"},
		{"--copy-props none", []string{"--copy-props", "none"}, "text/html", nil, "", "", map[string]string{}, "REPLACE", "REPLACE"},
	}
	for i, tc := range cases {
		key := "dst" + string(rune('a'+i)) + ".html"
		e.MustRun(append([]string{"s3", "cp", "s3://bkt/src.html", "s3://bkt/" + key}, tc.flags...)...)
		sent := copies.last(t)
		if got := sent.Get("X-Amz-Metadata-Directive"); got != tc.directive && !(got == "" && tc.directive == "COPY") {
			t.Errorf("%s: sent metadata directive %q, want %s", tc.name, got, tc.directive)
		}
		if got := sent.Get("X-Amz-Tagging-Directive"); got != tc.tagDir && !(got == "" && tc.tagDir == "COPY") {
			t.Errorf("%s: sent tagging directive %q, want %s", tc.name, got, tc.tagDir)
		}
		got := head(t, e, key)
		md := got.Metadata
		if md == nil {
			md = map[string]string{}
		}
		want := tc.metadata
		if want == nil {
			want = map[string]string{}
		}
		if got.ContentType != tc.contentType || got.CacheControl != tc.cacheCtl || got.ContentLanguage != tc.language || !equalMaps(md, want) {
			t.Errorf("%s: type %q cache %q language %q metadata %v; want %q %q %q %v", tc.name, got.ContentType, got.CacheControl,
				got.ContentLanguage, md, tc.contentType, tc.cacheCtl, tc.language, want)
		}
		if tags := tagsOf(t, e, key); !equalMaps(tags, tc.tags) {
			t.Errorf("%s: tags %v, want %v", tc.name, tags, tc.tags)
		}
	}
	for _, bad := range [][]string{{"--copy-props", "all"}, {"--metadata-directive", "COPY", "--content-type", "text/plain"},
		{"--metadata-directive", "KEEP"}} {
		if r := e.Run("", append([]string{"s3", "cp", "s3://bkt/src.html", "s3://bkt/bad"}, bad...)...); r.Code != 252 {
			t.Errorf("%v: exit %d, %q", bad, r.Code, r.Stderr)
		}
	}
	if r := e.Run("", "s3", "cp", filepath.Join(dir, "page.html"), "s3://bkt/x", "--copy-props", "none"); r.Code != 252 {
		t.Errorf("--copy-props on an upload: exit %d", r.Code)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Issue 11 A6 and B9: the encryption the user named is what is sent, and
// the AWS CLI's forms parse as there: --sse AES256 (it used to read AES256
// as a second path), --sse alone (AES256), --sse-c --sse-c-key KEY.
func TestSSESentAsNamed(t *testing.T) {
	e := xferEnv(t)
	path := filepath.Join(t.TempDir(), "f.txt")
	writeFile(t, path, []byte("data"))
	puts := recordHeaders(e, isObjectPut)
	for _, sse := range []string{"AES256", "aws:kms", "aws:kms:dsse", "verenc", "verenc:dsse"} {
		e.MustRun("s3", "cp", path, "s3://bkt/"+sse, "--sse", sse)
		if got := puts.last(t).Get("X-Amz-Server-Side-Encryption"); got != sse {
			t.Errorf("--sse %s sent %q", sse, got)
		}
	}
	e.MustRun("s3", "cp", path, "s3://bkt/kms-key", "--sse", "aws:kms", "--sse-kms-key-id", "key-1")
	if h := puts.last(t); h.Get("X-Amz-Server-Side-Encryption") != "aws:kms" || h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != "key-1" {
		t.Errorf("aws:kms with a key id sent %v", h)
	}
	key := strings.Repeat("k", 32)
	e.MustRun("s3", "cp", path, "s3://bkt/ssec", "--sse-c", "AES256", "--sse-c-key", key)
	if h := puts.last(t); h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" {
		t.Errorf("--sse-c AES256 sent %v", h)
	}
	e.MustRun("s3", "cp", "s3://bkt/ssec", "s3://bkt/ssec2", "--sse-c-copy-source", "AES256", "--sse-c-copy-source-key", key,
		"--sse-c", "AES256", "--sse-c-key", key)
	for _, bad := range [][]string{{"--sse", "rot13"}, {"--sse-c", "AES128", "--sse-c-key", key}} {
		if r := e.Run("", append([]string{"s3", "cp", path, "s3://bkt/bad"}, bad...)...); r.Code != 252 {
			t.Errorf("%v: exit %d, %q", bad, r.Code, r.Stderr)
		}
	}
	// The bare forms mean AES256, as in the AWS CLI.
	for _, argv := range [][]string{{"s3", "cp", path, "s3://bkt/bare", "--sse"}, {"s3", "cp", "--sse", "--acl", "private", path, "s3://bkt/bare"},
		{"s3", "cp", "--sse=AES256", path, "s3://bkt/bare"}} {
		e.MustRun(argv...)
		if got := puts.last(t).Get("X-Amz-Server-Side-Encryption"); got != "AES256" {
			t.Errorf("%v sent %q", argv, got)
		}
	}
	e.MustRun("s3", "cp", path, "s3://bkt/ssec-bare", "--sse-c", "--sse-c-key", key)
	if h := puts.last(t); h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" {
		t.Errorf("--sse-c --sse-c-key sent %v", h)
	}
	// As in the AWS CLI, a value that is no option is read as the value.
	if r := e.Run("", "s3", "cp", "--sse", path, "s3://bkt/x"); r.Code != 252 || !strings.Contains(r.Stderr, "invalid --sse") {
		t.Errorf("--sse PATH: exit %d, %q", r.Code, r.Stderr)
	}
}

// fakeHead answers HeadObject with every header S3 can send.
func fakeHead(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead || r.URL.Path != "/bkt/obj" || r.Header.Get("X-Amz-Checksum-Mode") != "ENABLED" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h := w.Header()
		for k, v := range map[string]string{
			"Content-Length": "3", "ETag": `"900150983cd24fb0d6963f7d28e17f72"`, "Last-Modified": "Fri, 02 Jan 2026 03:04:05 GMT",
			"Content-Type": "text/plain", "Cache-Control": "max-age=60", "Content-Disposition": "inline",
			"Content-Encoding": "identity", "Content-Language": "de-CH", "Expires": "Thu, 01 Jan 2037 00:00:00 GMT",
			"Accept-Ranges": "bytes", "x-amz-website-redirect-location": "/elsewhere",
			"x-amz-expiration":             `expiry-date="Fri, 01 Jan 2038 00:00:00 GMT", rule-id="old"`,
			"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "key-1",
			"x-amz-server-side-encryption-bucket-key-enabled": "true",
			"x-amz-checksum-crc32":                            "NSRBwg==", "x-amz-checksum-sha256": "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
			"x-amz-checksum-type": "FULL_OBJECT", "x-amz-tagging-count": "2",
			"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "2030-01-02T03:04:05.000Z",
			"x-amz-object-lock-legal-hold": "ON", "x-amz-replication-status": "COMPLETED",
			"x-amz-restore":        `ongoing-request="false", expiry-date="Fri, 01 Jan 2027 00:00:00 GMT"`,
			"x-amz-archive-status": "ARCHIVE_ACCESS", "x-amz-storage-class": "GLACIER", "x-amz-version-id": "v42",
			"x-amz-mp-parts-count": "3", "x-amz-missing-meta": "1",
			"x-amz-meta-plain": "ascii", "x-amz-meta-name": "=?UTF-8?B?w6TDtsO8?=", "x-amz-meta-city": "=?UTF-8?Q?Z=C3=BCrich?=",
		} {
			h.Set(k, v)
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Issue 11 A7: stat shows everything HeadObject returns, in text, table and
// JSON, with RFC 2047-encoded metadata decoded.
func TestStatShowsEverythingHeadObjectReturns(t *testing.T) {
	srv := fakeHead(t)
	e := clitest.New(t)
	base := []string{"--endpoint-url", srv.URL, "--no-verify-ssl", "s3", "stat", "s3://bkt/obj"}
	text := e.MustRun(base...).Stdout
	table := e.MustRun(append([]string{"--output", "table"}, base...)...).Stdout
	values := []string{"de-CH", "Thu, 01 Jan 2037 00:00:00 GMT", "/elsewhere", "rule-id", "aws:kms", "key-1", "NSRBwg==",
		"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", "FULL_OBJECT", "GOVERNANCE", "2030-01-02T03:04:05Z", "ON", "COMPLETED",
		`ongoing-request="false"`, "ARCHIVE_ACCESS", "GLACIER", "v42", "äöü", "Zürich", "ascii", "max-age=60", "inline", "identity"}
	for _, v := range values {
		if !strings.Contains(text, v) {
			t.Errorf("text lacks %q:\n%s", v, text)
		}
		if !strings.Contains(table, v) {
			t.Errorf("table lacks %q", v)
		}
	}
	for _, line := range []string{"Tags:", "Parts:", "Checksum CRC32:", "Checksum SHA256:", "Content-Language:", "Bucket key:", "Missing metadata:"} {
		if !strings.Contains(text, line) {
			t.Errorf("text lacks %q:\n%s", line, text)
		}
	}
	var doc map[string]any
	out := e.MustRun(append([]string{"--output", "json"}, base...)...).Stdout
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	md, _ := doc["metadata"].(map[string]any)
	sums, _ := doc["checksums"].(map[string]any)
	want := map[string]any{"type": "object", "content_language": "de-CH", "expires": "Thu, 01 Jan 2037 00:00:00 GMT",
		"tag_count": 2.0, "parts_count": 3.0, "object_lock_mode": "GOVERNANCE", "object_lock_retain_until_date": "2030-01-02T03:04:05.000Z",
		"object_lock_legal_hold_status": "ON", "storage_class": "GLACIER", "replication_status": "COMPLETED",
		"archive_status": "ARCHIVE_ACCESS", "last_modified": "2026-01-02T03:04:05.000Z", "website_redirect_location": "/elsewhere",
		"sse_kms_key_id": "key-1", "bucket_key_enabled": true, "checksum_type": "FULL_OBJECT", "missing_meta": 1.0}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("json %s = %v, want %v", k, doc[k], v)
		}
	}
	if md["name"] != "äöü" || md["city"] != "Zürich" || sums["CRC32"] != "NSRBwg==" || !strings.HasPrefix(doc["restore"].(string), "ongoing") {
		t.Errorf("json metadata %v, checksums %v, restore %v", md, sums, doc["restore"])
	}
}

// Issue 11 B10: the AWS CLI's flags that scripts carry are accepted and do
// what they say; unknown commands and flags suggest the nearest.
func TestAWSCLIFlagsScriptsCarry(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "page.html")
	writeFile(t, path, []byte("<p>"))
	puts := recordHeaders(e, isObjectPut)

	r := e.MustRun("s3", "cp", path, "s3://bkt/p.html", "--no-progress", "--expires", "2030-01-02T03:04:05Z",
		"--website-redirect", "/other.html", "--metadata", `{"a":"1","b":"two"}`, "--checksum-algorithm", "SHA256")
	h := puts.last(t)
	if h.Get("Expires") != "Wed, 02 Jan 2030 03:04:05 GMT" || h.Get("X-Amz-Website-Redirect-Location") != "/other.html" ||
		h.Get("X-Amz-Meta-A") != "1" || h.Get("X-Amz-Meta-B") != "two" ||
		h.Get("X-Amz-Checksum-Sha256") == "" && h.Get("X-Amz-Trailer") != "x-amz-checksum-sha256" {
		t.Errorf("sent %v", h)
	}
	if r.Stderr != "" || string(object(t, e, "p.html")) != "<p>" {
		t.Errorf("stderr %q", r.Stderr)
	}
	info := head(t, e, "p.html")
	if info.Expires != "Wed, 02 Jan 2030 03:04:05 GMT" || info.WebsiteRedirect != "/other.html" {
		t.Errorf("stored %+v", info)
	}
	for _, alg := range []string{"CRC32", "crc32c", "SHA1"} {
		e.MustRun("s3", "cp", path, "s3://bkt/sum-"+alg, "--checksum-algorithm", alg)
		if h := puts.last(t); h.Get("X-Amz-Checksum-"+strings.ToUpper(alg)) == "" && h.Get("X-Amz-Trailer") == "" {
			t.Errorf("--checksum-algorithm %s sent %v", alg, h)
		}
	}
	// A multipart upload sends it with every part and their composite.
	big := filepath.Join(dir, "big.bin")
	data := randomBytes(3*4096 + 7)
	writeFile(t, big, data)
	parts := recordHeaders(e, func(r *http.Request) bool { return r.URL.Query().Has("partNumber") })
	e.MustRun(args("s3", "cp", big, "s3://bkt/big.bin", "--checksum-algorithm", "CRC32")...)
	if h := parts.last(t); h.Get("X-Amz-Checksum-Crc32") == "" {
		t.Errorf("a part sent %v", h)
	}
	if !bytes.Equal(object(t, e, "big.bin"), data) {
		t.Error("multipart upload with a checksum differs")
	}
	if r := e.Run("", "s3", "cp", path, "s3://bkt/x", "--checksum-algorithm", "MD4"); r.Code != 252 {
		t.Errorf("--checksum-algorithm MD4: exit %d", r.Code)
	}

	// --page-size on every listing command, up to 1000.
	e.Put("bkt", map[string]string{"pg/1": "1", "pg/2": "2", "pg/3": "3"})
	out := t.TempDir()
	for _, argv := range [][]string{{"s3", "ls", "s3://bkt/pg/"}, {"s3", "cp", "--recursive", "s3://bkt/pg/", out},
		{"s3", "sync", "s3://bkt/pg/", out}, {"s3", "rm", "--recursive", "--dryrun", "s3://bkt/pg/"}} {
		e.MustRun(append(argv, "--page-size", "1")...)
		if r := e.Run("", append(argv, "--page-size", "1001")...); r.Code != 252 || !strings.Contains(r.Stderr, "--page-size") {
			t.Errorf("%v --page-size 1001: exit %d %q", argv, r.Code, r.Stderr)
		}
	}
	e.MustRun("s3", "mb", "s3://paged")
	e.Put("paged", map[string]string{"1": "1", "2": "2", "3": "3"})
	if r := e.MustRun("s3", "rb", "--force", "--page-size", "1", "s3://paged"); strings.Count(r.Stdout, "delete:") != 3 {
		t.Errorf("rb --force --page-size 1: %q", r.Stdout)
	}

	for _, tc := range []struct {
		argv []string
		hint string
	}{
		{[]string{"s3", "cp", "--recursve", path, "s3://bkt/"}, "did you mean --recursive?"},
		{[]string{"s3", "sync", "--delte", dir, "s3://bkt/"}, "did you mean --delete?"},
		{[]string{"s3", "synk", dir, "s3://bkt/"}, "did you mean sync?"},
		{[]string{"confgure", "list"}, "did you mean configure?"},
		{[]string{"s3", "ls", "--human"}, "did you mean --human-readable?"},
	} {
		if r := e.Run("", tc.argv...); r.Code != 2 || !strings.Contains(r.Stderr, tc.hint) {
			t.Errorf("%v: exit %d, %q; want a hint %q", tc.argv, r.Code, r.Stderr, tc.hint)
		}
	}
}

// Issue 11 B11: the content type guessed from the extension is the bare
// media type; nothing is sent when it is unknown or with
// --no-guess-mime-type.
func TestContentTypeGuess(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	for _, name := range []string{"a.html", "a.txt", "a.unknownext", "noext"} {
		writeFile(t, filepath.Join(dir, name), []byte("x"))
	}
	puts := recordHeaders(e, isObjectPut)
	for name, want := range map[string]string{"a.html": "text/html", "a.txt": "text/plain", "a.unknownext": "", "noext": ""} {
		e.MustRun("s3", "cp", filepath.Join(dir, name), "s3://bkt/"+name)
		if got := puts.last(t).Values("Content-Type"); want == "" && len(got) != 0 || want != "" && !slices.Equal(got, []string{want}) {
			t.Errorf("%s: sent Content-Type %q, want %q", name, got, want)
		}
	}
	e.MustRun("s3", "cp", filepath.Join(dir, "a.html"), "s3://bkt/plain.html", "--no-guess-mime-type")
	if got := puts.last(t).Get("Content-Type"); got != "" {
		t.Errorf("--no-guess-mime-type sent %q", got)
	}
	e.MustRun("s3", "cp", "--recursive", dir, "s3://bkt/tree/")
	if ct := head(t, e, "tree/a.html").ContentType; ct != "text/html" {
		t.Errorf("tree upload: %q", ct)
	}
}
