package s3apicmd_test

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// emulatorScenarios run against the emulator over TLS, signatures checked.
var emulatorScenarios = []scenario{
	{name: "buckets", ops: []string{"create-bucket", "head-bucket", "list-buckets", "get-bucket-acl", "put-bucket-tagging",
		"get-bucket-tagging", "delete-bucket-tagging", "get-bucket-versioning", "delete-bucket"}, run: bucketsScenario},
	{name: "objects", ops: []string{"create-bucket", "put-object", "head-object", "get-object", "copy-object", "put-object-tagging",
		"get-object-tagging", "delete-object-tagging", "put-object-acl", "get-object-acl", "list-objects-v2", "delete-object",
		"delete-objects"}, run: objectsScenario},
	{name: "versions", ops: []string{"create-bucket", "put-bucket-versioning", "get-bucket-versioning", "put-object", "delete-object",
		"list-object-versions", "get-object", "get-object-attributes", "head-object"}, run: versionsScenario},
	{name: "bucket settings", ops: []string{"create-bucket", "put-bucket-website", "get-bucket-website", "delete-bucket-website",
		"put-bucket-lifecycle-configuration", "get-bucket-lifecycle-configuration", "delete-bucket-lifecycle",
		"put-bucket-ownership-controls", "get-bucket-ownership-controls", "delete-bucket-ownership-controls"}, run: bucketSettingsScenario},
	{name: "multipart", ops: []string{"create-bucket", "put-object", "create-multipart-upload", "upload-part", "upload-part-copy",
		"list-parts", "list-multipart-uploads", "complete-multipart-upload", "abort-multipart-upload", "head-object"}, run: multipartScenario},
	{name: "object lock", ops: []string{"create-bucket", "put-object-lock-configuration", "get-object-lock-configuration", "put-object",
		"head-object", "put-object-retention", "get-object-retention", "put-object-legal-hold", "get-object-legal-hold", "delete-object",
		"delete-objects"}, run: objectLockScenario},
}

func TestEmulatorScenarios(t *testing.T) {
	for _, sc := range emulatorScenarios {
		t.Run(sc.name, func(t *testing.T) { runScenario(t, clitest.New(t), sc) })
	}
}

var isoTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`)

func bucketsScenario(s *session) {
	t := s.t
	if out := s.json("create-bucket", "--bucket", "photos"); get(out, "Location") != "/photos" {
		t.Errorf("create-bucket printed %v", out)
	}
	if out := s.json("head-bucket", "--bucket", "photos"); get(out, "BucketRegion") != "q-world-1" {
		t.Errorf("head-bucket printed %v", out)
	}
	out := s.json("list-buckets")
	if get(out, "Buckets", 0, "Name") != "photos" || !isoTime.MatchString(get(out, "Buckets", 0, "CreationDate").(string)) {
		t.Errorf("list-buckets printed %v", out)
	}
	if out := s.json("get-bucket-acl", "--bucket", "photos"); get(out, "Grants", 0, "Permission") != "FULL_CONTROL" || get(out, "Owner", "ID") == nil {
		t.Errorf("get-bucket-acl printed %v", out)
	}
	s.json("put-bucket-tagging", "--bucket", "photos", "--tagging", `{"TagSet":[{"Key":"team","Value":"web"}]}`)
	if out := s.json("get-bucket-tagging", "--bucket", "photos"); get(out, "TagSet", 0, "Key") != "team" || get(out, "TagSet", 0, "Value") != "web" {
		t.Errorf("get-bucket-tagging printed %v", out)
	}
	if out := s.json("delete-bucket-tagging", "--bucket", "photos"); out != nil {
		t.Errorf("delete-bucket-tagging printed %v; the AWS CLI prints nothing for an empty answer", out)
	}
	if r := s.s3api("get-bucket-tagging", "--bucket", "photos"); r.Code != 254 || !strings.Contains(r.Stderr, "NoSuchTagSet") {
		t.Errorf("get-bucket-tagging after the delete: exit %d %s, want 254 NoSuchTagSet", r.Code, r.Stderr)
	}
	// A bucket never versioned answers an empty configuration: nothing printed.
	if out := s.json("get-bucket-versioning", "--bucket", "photos"); out != nil {
		t.Errorf("get-bucket-versioning printed %v", out)
	}
	s.json("delete-bucket", "--bucket", "photos")
	if r := s.s3api("head-bucket", "--bucket", "photos"); r.Code != 254 {
		t.Errorf("head-bucket of a deleted bucket: exit %d, want 254", r.Code)
	}
}

func objectsScenario(s *session) {
	t := s.t
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	os.WriteFile(src, []byte("hello, world\n"), 0o644)
	sum := sha256.Sum256([]byte("hello, world\n"))
	s.json("create-bucket", "--bucket", "docs")
	out := s.json("put-object", "--bucket", "docs", "--key", "a b/hello.txt", "--body", src, "--content-type", "text/plain",
		"--metadata", "owner=ann,team=web", "--checksum-algorithm", "SHA256", "--tagging", "k=v")
	if get(out, "ETag") != `"22c3683b094136c3398391ae71b20f04"` {
		t.Errorf("put-object printed %v", out)
	}
	out = s.json("head-object", "--bucket", "docs", "--key", "a b/hello.txt")
	if get(out, "ContentLength") != 13.0 || get(out, "ContentType") != "text/plain" || get(out, "Metadata", "owner") != "ann" ||
		!isoTime.MatchString(get(out, "LastModified").(string)) {
		t.Errorf("head-object printed %v", out)
	}
	// The checksum went as a header, and the server kept it.
	if out := s.json("head-object", "--bucket", "docs", "--key", "a b/hello.txt", "--checksum-mode", "ENABLED"); get(out, "ChecksumSHA256") != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("head-object --checksum-mode ENABLED printed %v", out)
	}
	dst := filepath.Join(dir, "out.txt")
	out = s.json("get-object", "--bucket", "docs", "--key", "a b/hello.txt", dst)
	if data, _ := os.ReadFile(dst); string(data) != "hello, world\n" || get(out, "ContentLength") != 13.0 || get(out, "Body") != nil {
		t.Errorf("get-object wrote %q and printed %v", data, out)
	}
	out = s.json("copy-object", "--bucket", "docs", "--key", "copy.txt", "--copy-source", "docs/a b/hello.txt")
	if get(out, "CopyObjectResult", "ETag") != `"22c3683b094136c3398391ae71b20f04"` {
		t.Errorf("copy-object printed %v", out)
	}
	s.json("put-object-tagging", "--bucket", "docs", "--key", "copy.txt", "--tagging", "TagSet=[{Key=a,Value=1},{Key=b,Value=2}]")
	if out := s.json("get-object-tagging", "--bucket", "docs", "--key", "copy.txt"); len(get(out, "TagSet").([]any)) != 2 || get(out, "TagSet", 1, "Value") != "2" {
		t.Errorf("get-object-tagging printed %v", out)
	}
	s.json("delete-object-tagging", "--bucket", "docs", "--key", "copy.txt")
	if out := s.json("get-object-tagging", "--bucket", "docs", "--key", "copy.txt"); len(get(out, "TagSet").([]any)) != 0 {
		t.Errorf("get-object-tagging after the delete printed %v", out)
	}
	s.json("put-object-acl", "--bucket", "docs", "--key", "copy.txt", "--acl", "public-read")
	out = s.json("get-object-acl", "--bucket", "docs", "--key", "copy.txt")
	if !strings.Contains(strings.Join(permissions(out), ","), "READ") {
		t.Errorf("get-object-acl after public-read printed %v", out)
	}
	for _, k := range []string{"k1", "k2", "k3", "k4"} {
		s.json("put-object", "--bucket", "docs", "--key", k)
	}
	listingPages(s)
	if out := s.json("delete-object", "--bucket", "docs", "--key", "k4"); out != nil {
		t.Errorf("delete-object printed %v", out)
	}
	out = s.json("delete-objects", "--bucket", "docs", "--delete", `{"Objects":[{"Key":"k1"},{"Key":"k2"}],"Quiet":false}`)
	if len(get(out, "Deleted").([]any)) != 2 {
		t.Errorf("delete-objects printed %v", out)
	}
	out = s.json("list-objects-v2", "--bucket", "docs")
	var keys []string
	for _, o := range get(out, "Contents").([]any) {
		keys = append(keys, get(o, "Key").(string))
	}
	if strings.Join(keys, ",") != "a b/hello.txt,copy.txt,k3" {
		t.Errorf("after the deletes the bucket holds %v", keys)
	}
}

func permissions(acl map[string]any) []string {
	var out []string
	for _, g := range get(acl, "Grants").([]any) {
		out = append(out, get(g, "Permission").(string))
	}
	return out
}

// listingPages pages through docs (a b/hello.txt, copy.txt, k1..k4) as
// the AWS CLI does: to the end, or --max-items at a time with tokens.
func listingPages(s *session) {
	t := s.t
	keys := func(out map[string]any) string {
		var ks []string
		for _, o := range get(out, "Contents").([]any) {
			ks = append(ks, get(o, "Key").(string))
		}
		return strings.Join(ks, ",")
	}
	out := s.json("list-objects-v2", "--bucket", "docs", "--page-size", "2")
	if keys(out) != "a b/hello.txt,copy.txt,k1,k2,k3,k4" || get(out, "NextToken") != nil || get(out, "IsTruncated") != nil {
		t.Errorf("a listing in pages of 2 printed %v", out)
	}
	var seen []string
	token := ""
	for range 10 {
		args := []string{"--bucket", "docs", "--page-size", "2", "--max-items", "3"}
		if token != "" {
			args = append(args, "--starting-token", token)
		}
		out := s.json("list-objects-v2", args...)
		seen = append(seen, keys(out))
		next, _ := get(out, "NextToken").(string)
		if next == "" {
			break
		}
		token = next
	}
	if strings.Join(seen, "|") != "a b/hello.txt,copy.txt,k1|k2,k3,k4" {
		t.Errorf("--max-items 3 went %v", seen)
	}
	out = s.json("list-objects-v2", "--bucket", "docs", "--max-keys", "2")
	if keys(out) != "a b/hello.txt,copy.txt" || get(out, "IsTruncated") != true || get(out, "NextContinuationToken") == nil {
		t.Errorf("--max-keys (paging by hand: one request) printed %v", out)
	}
	out = s.json("list-objects-v2", "--bucket", "docs", "--prefix", "k", "--no-paginate")
	if keys(out) != "k1,k2,k3,k4" || get(out, "Name") != "docs" || get(out, "KeyCount") != 4.0 {
		t.Errorf("--no-paginate printed %v", out)
	}
}

func multipartScenario(s *session) {
	t := s.t
	dir := t.TempDir()
	part1 := filepath.Join(dir, "part1")
	os.WriteFile(part1, []byte(strings.Repeat("a", 1024)), 0o644)
	s.json("create-bucket", "--bucket", "big")
	s.json("put-object", "--bucket", "big", "--key", "src", "--body", part1)
	out := s.json("create-multipart-upload", "--bucket", "big", "--key", "joined")
	id, _ := get(out, "UploadId").(string)
	if id == "" || get(out, "Key") != "joined" {
		t.Fatalf("create-multipart-upload printed %v", out)
	}
	out = s.json("upload-part", "--bucket", "big", "--key", "joined", "--upload-id", id, "--part-number", "1", "--body", part1)
	etag1, _ := get(out, "ETag").(string)
	out = s.json("upload-part-copy", "--bucket", "big", "--key", "joined", "--upload-id", id, "--part-number", "2",
		"--copy-source", "big/src", "--copy-source-range", "bytes=0-99")
	etag2, _ := get(out, "CopyPartResult", "ETag").(string)
	if etag1 == "" || etag2 == "" {
		t.Fatalf("part ETags %q %q", etag1, etag2)
	}
	out = s.json("list-parts", "--bucket", "big", "--key", "joined", "--upload-id", id)
	if len(get(out, "Parts").([]any)) != 2 || get(out, "Parts", 1, "Size") != 100.0 {
		t.Errorf("list-parts printed %v", out)
	}
	if out := s.json("list-multipart-uploads", "--bucket", "big"); get(out, "Uploads", 0, "UploadId") != id {
		t.Errorf("list-multipart-uploads printed %v", out)
	}
	out = s.json("complete-multipart-upload", "--bucket", "big", "--key", "joined", "--upload-id", id, "--multipart-upload",
		`{"Parts":[{"PartNumber":1,"ETag":`+jsonString(etag1)+`},{"PartNumber":2,"ETag":`+jsonString(etag2)+`}]}`)
	if !strings.HasSuffix(get(out, "ETag").(string), `-2"`) {
		t.Errorf("complete-multipart-upload printed %v", out)
	}
	if out := s.json("head-object", "--bucket", "big", "--key", "joined"); get(out, "ContentLength") != 1124.0 {
		t.Errorf("the joined object: %v", out)
	}
	out = s.json("create-multipart-upload", "--bucket", "big", "--key", "dropped")
	s.json("abort-multipart-upload", "--bucket", "big", "--key", "dropped", "--upload-id", get(out, "UploadId").(string))
	if out := s.json("list-multipart-uploads", "--bucket", "big"); get(out, "Uploads") != nil {
		t.Errorf("after the abort: %v", out)
	}
}

func jsonString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

func versionsScenario(s *session) {
	t := s.t
	dir := t.TempDir()
	one, two := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	os.WriteFile(one, []byte("one"), 0o644)
	os.WriteFile(two, []byte("second"), 0o644)
	s.json("create-bucket", "--bucket", "ver")
	s.json("put-bucket-versioning", "--bucket", "ver", "--versioning-configuration", "Status=Enabled")
	if out := s.json("get-bucket-versioning", "--bucket", "ver"); get(out, "Status") != "Enabled" {
		t.Errorf("get-bucket-versioning printed %v", out)
	}
	v1, _ := get(s.json("put-object", "--bucket", "ver", "--key", "a", "--body", one, "--checksum-algorithm", "SHA256"), "VersionId").(string)
	v2, _ := get(s.json("put-object", "--bucket", "ver", "--key", "a", "--body", two), "VersionId").(string)
	s.json("put-object", "--bucket", "ver", "--key", "b")
	out := s.json("delete-object", "--bucket", "ver", "--key", "b")
	marker, _ := get(out, "VersionId").(string)
	if get(out, "DeleteMarker") != true || marker == "" || v1 == "" || v2 == "" {
		t.Fatalf("versions %q %q, delete-object printed %v", v1, v2, out)
	}
	s.json("put-object", "--bucket", "ver", "--key", "c d")

	out = s.json("list-object-versions", "--bucket", "ver")
	versions, markers := get(out, "Versions").([]any), get(out, "DeleteMarkers").([]any)
	if len(versions) != 4 || len(markers) != 1 || get(versions, 0, "VersionId") != v2 || get(versions, 0, "IsLatest") != true ||
		get(versions, 1, "VersionId") != v1 || get(versions, 1, "IsLatest") != false || get(versions, 3, "Key") != "c d" ||
		!isoTime.MatchString(get(versions, 0, "LastModified").(string)) ||
		get(markers, 0, "Key") != "b" || get(markers, 0, "VersionId") != marker || get(markers, 0, "IsLatest") != true {
		t.Errorf("list-object-versions printed %v", out)
	}
	// Paged one entry a request (both markers carry the position), the
	// answer is the same.
	if paged := s.json("list-object-versions", "--bucket", "ver", "--page-size", "1"); !reflect.DeepEqual(paged, out) {
		t.Errorf("in pages of one:\n%v\nwhole:\n%v", paged, out)
	}
	first := s.json("list-object-versions", "--bucket", "ver", "--max-items", "3")
	rest := s.json("list-object-versions", "--bucket", "ver", "--starting-token", get(first, "NextToken").(string))
	if len(get(first, "Versions").([]any)) != 3 || len(get(rest, "Versions").([]any)) != 1 || get(rest, "Versions", 0, "Key") != "c d" {
		t.Errorf("--max-items 3 then the rest:\n%v\n%v", first, rest)
	}

	dst := filepath.Join(dir, "got")
	if out := s.json("get-object", "--bucket", "ver", "--key", "a", "--version-id", v1, dst); get(out, "VersionId") != v1 {
		t.Errorf("get-object --version-id printed %v", out)
	}
	if data, _ := os.ReadFile(dst); string(data) != "one" {
		t.Errorf("get-object --version-id %s wrote %q", v1, data)
	}
	sum := sha256.Sum256([]byte("one"))
	out = s.json("get-object-attributes", "--bucket", "ver", "--key", "a", "--version-id", v1, "--object-attributes", "ETag", "Checksum", "ObjectSize")
	if get(out, "ObjectSize") != 3.0 || get(out, "Checksum", "ChecksumSHA256") != base64.StdEncoding.EncodeToString(sum[:]) || get(out, "VersionId") != v1 {
		t.Errorf("get-object-attributes printed %v", out)
	}
	s.json("delete-object", "--bucket", "ver", "--key", "a", "--version-id", v1)
	if r := s.s3api("head-object", "--bucket", "ver", "--key", "a", "--version-id", v1); r.Code != 254 {
		t.Errorf("head-object of a deleted version: exit %d", r.Code)
	}
}

// bucketSettingsScenario: website, lifecycle and ownership configurations
// go in as JSON or shorthand and come back as the AWS CLI prints them.
func bucketSettingsScenario(s *session) {
	t := s.t
	s.json("create-bucket", "--bucket", "site")
	s.json("put-bucket-website", "--bucket", "site", "--website-configuration",
		`{"IndexDocument":{"Suffix":"index.html"},"ErrorDocument":{"Key":"error.html"}}`)
	out := s.json("get-bucket-website", "--bucket", "site")
	// (The emulator answers an empty <RoutingRules/>, which the AWS CLI
	// prints as [] too.)
	if get(out, "IndexDocument", "Suffix") != "index.html" || get(out, "ErrorDocument", "Key") != "error.html" || get(out, "RedirectAllRequestsTo") != nil {
		t.Errorf("get-bucket-website printed %v", out)
	}
	if out := s.json("delete-bucket-website", "--bucket", "site"); out != nil {
		t.Errorf("delete-bucket-website printed %v", out)
	}
	if r := s.s3api("get-bucket-website", "--bucket", "site"); r.Code != 254 || !strings.Contains(r.Stderr, "NoSuchWebsiteConfiguration") {
		t.Errorf("get-bucket-website after the delete: exit %d %s", r.Code, r.Stderr)
	}

	s.json("put-bucket-lifecycle-configuration", "--bucket", "site", "--lifecycle-configuration",
		`{"Rules":[{"ID":"logs","Status":"Enabled","Filter":{"Prefix":"logs/"},"Expiration":{"Date":"2030-01-01"},`+
			`"NoncurrentVersionExpiration":{"NoncurrentDays":30}}]}`)
	out = s.json("get-bucket-lifecycle-configuration", "--bucket", "site")
	if get(out, "Rules", 0, "ID") != "logs" || get(out, "Rules", 0, "Expiration", "Date") != "2030-01-01T00:00:00+00:00" ||
		get(out, "Rules", 0, "Filter", "Prefix") != "logs/" || get(out, "Rules", 0, "NoncurrentVersionExpiration", "NoncurrentDays") != 30.0 {
		t.Errorf("get-bucket-lifecycle-configuration printed %v", out)
	}
	s.json("delete-bucket-lifecycle", "--bucket", "site")
	if r := s.s3api("get-bucket-lifecycle-configuration", "--bucket", "site"); r.Code != 254 || !strings.Contains(r.Stderr, "NoSuchLifecycleConfiguration") {
		t.Errorf("get-bucket-lifecycle-configuration after the delete: exit %d %s", r.Code, r.Stderr)
	}

	s.json("put-bucket-ownership-controls", "--bucket", "site", "--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]")
	out = s.json("get-bucket-ownership-controls", "--bucket", "site")
	if get(out, "OwnershipControls", "Rules", 0, "ObjectOwnership") != "BucketOwnerEnforced" {
		t.Errorf("get-bucket-ownership-controls printed %v", out)
	}
	s.json("delete-bucket-ownership-controls", "--bucket", "site")
	if r := s.s3api("get-bucket-ownership-controls", "--bucket", "site"); r.Code != 254 || !strings.Contains(r.Stderr, "OwnershipControlsNotFoundError") {
		t.Errorf("get-bucket-ownership-controls after the delete: exit %d %s", r.Code, r.Stderr)
	}
}
