package s3cmd

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// attrFlags are the flags that set what a written object carries.
type attrFlags struct {
	ContentType        string
	NoGuessMimeType    bool
	Metadata           string
	MetadataDirective  string
	CopyProps          string
	ACL                string
	SSE                string
	SSEKMSKeyID        string
	SSEC               string
	SSECKey            string
	SSECCopySource     string
	SSECCopySourceKey  string
	StorageClass       string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Expires            string
	WebsiteRedirect    string
	Tagging            string
	ChecksumAlgorithm  string
	ExpectedSize       string
}

// The values --sse and --copy-props take.
var (
	sseTypes        = []string{client.SSEAES256, client.SSEKMS, client.SSEKMSDSSE, client.SSEVerenc, client.SSEVerencDSSE}
	copyPropsValues = []string{"none", "metadata-directive", "default"}
)

// optionalValueFlags are the flags whose value the AWS CLI makes optional
// (argparse's nargs='?'): "--sse" alone means AES256, "--sse aws:kms" names
// the type. pflag cannot say that: with a default for the bare form it reads
// "--sse aws:kms" as --sse and a path "aws:kms". OptionalValueArgs rewrites
// them before parsing; the flags themselves take a value.
var optionalValueFlags = map[string]string{"--sse": client.SSEAES256, "--sse-c": "AES256", "--sse-c-copy-source": "AES256"}

// LineArgs is a command line (args of root, as cobra's Execute takes them)
// ready to parse: when it names an s3 command, each of optionalValueFlags
// gets its value (OptionalValueArgs); any other command's line is left
// as it is, so "--key --sse" stays a key named --sse for s3api. It decides
// for every place that parses a line: the root command, the check of each
// line of a `qcli run` batch, and a shell's completion request (cobra's
// __complete), whose line is read the same way but for its last word, the
// one being typed, which is no flag's value.
func LineArgs(root *cobra.Command, args []string) []string {
	if n := len(args); n > 1 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return slices.Concat(args[:1], LineArgs(root, args[1:n-1]), args[n-1:])
	}
	rewritten := OptionalValueArgs(args)
	cmd, _, err := root.Find(rewritten)
	if err != nil {
		return args
	}
	for cmd.HasParent() && cmd.Parent() != root {
		cmd = cmd.Parent() // up to the group under root
	}
	if cmd.Parent() == root && cmd.Name() == groupName {
		return rewritten
	}
	return args
}

// OptionalValueArgs gives each of optionalValueFlags its value the way the
// AWS CLI reads it: the next argument when it is not an option (nor "-",
// stdin), else the default: "--sse aws:kms" is "--sse=aws:kms", "--sse
// --acl x" and a final "--sse" are "--sse=AES256". Nothing after "--" is
// touched.
func OptionalValueArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		def, ok := optionalValueFlags[a]
		switch {
		case !ok:
			out = append(out, a)
		case i+1 < len(args) && !strings.HasPrefix(args[i+1], "-"):
			out = append(out, a+"="+args[i+1])
			i++
		default:
			out = append(out, a+"="+def)
		}
	}
	return out
}

// add registers the flags.
func (a *attrFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&a.ContentType, "content-type", "", "content type for uploaded objects (default: guessed from the file extension)")
	fl.BoolVar(&a.NoGuessMimeType, "no-guess-mime-type", false, "do not guess the content type from the extension: send none")
	fl.StringVar(&a.Metadata, "metadata", "", `user metadata: key=value,key2=value2 or JSON {"key":"value"}`)
	fl.StringVar(&a.MetadataDirective, "metadata-directive", "", "for S3 to S3 copies: COPY (keep the source's headers and metadata) or REPLACE (only the flags')")
	fl.StringVar(&a.CopyProps, "copy-props", "default", "for S3 to S3 copies, what to keep of the source: default (headers, metadata, tags), metadata-directive (not tags) or none")
	fl.StringVar(&a.ACL, "acl", "", "canned ACL: private, public-read, public-read-write, authenticated-read, bucket-owner-read, bucket-owner-full-control")
	fl.StringVar(&a.SSE, "sse", "", "server-side encryption: "+strings.Join(sseTypes, ", ")+" (--sse alone: AES256)")
	fl.StringVar(&a.SSEKMSKeyID, "sse-kms-key-id", "", "KMS key id for --sse verenc or aws:kms (alone: verenc)")
	fl.StringVar(&a.SSEC, "sse-c", "", "SSE-C algorithm, AES256 (the default of --sse-c alone), with the key in --sse-c-key")
	fl.StringVar(&a.SSECKey, "sse-c-key", "", "SSE-C key: 32 bytes, raw or base64, or @file")
	fl.StringVar(&a.SSECCopySource, "sse-c-copy-source", "", "SSE-C algorithm of the source, AES256 (the default alone), with its key in --sse-c-copy-source-key")
	fl.StringVar(&a.SSECCopySourceKey, "sse-c-copy-source-key", "", "SSE-C key of the source object: 32 bytes, raw or base64, or @file")
	fl.StringVar(&a.StorageClass, "storage-class", "", "storage class, e.g. STANDARD")
	fl.StringVar(&a.CacheControl, "cache-control", "", "Cache-Control for written objects")
	fl.StringVar(&a.ContentDisposition, "content-disposition", "", "Content-Disposition for written objects")
	fl.StringVar(&a.ContentEncoding, "content-encoding", "", "Content-Encoding for written objects")
	fl.StringVar(&a.ContentLanguage, "content-language", "", "Content-Language for written objects")
	fl.StringVar(&a.Expires, "expires", "", "Expires for written objects: 2026-01-02T03:04:05Z, 2026-01-02, an HTTP date or Unix seconds")
	fl.StringVar(&a.WebsiteRedirect, "website-redirect", "", "redirect website requests for written objects to this URL or /key")
	fl.StringVar(&a.Tagging, "tagging", "", "object tags as a URL query: key1=value1&key2=value2 (on copies: replaces the source's)")
	fl.StringVar(&a.ChecksumAlgorithm, "checksum-algorithm", "", "also send and store a checksum of uploads (of each part, and their composite): CRC32, CRC32C, SHA1, SHA256 or CRC64NVME")
	fl.StringVar(&a.ExpectedSize, "expected-size", "", "for uploads from stdin: the expected size (e.g. 50GiB), to size the parts")
}

// args checks --sse before the paths: "--sse PATH" (the AWS CLI's reading
// too) takes a path as the type, which leaves a path missing; the message
// should name the flag, not the paths.
func (a *attrFlags) args(paths cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if _, err := a.sse(); err != nil {
			return err
		}
		return paths(cmd, args)
	}
}

var objectACLs = []string{"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"}

// attributes turns the flags into object attributes, checking each.
func (a *attrFlags) attributes() (client.ObjectAttributes, error) {
	attrs := client.ObjectAttributes{ContentType: a.ContentType, CacheControl: a.CacheControl, ContentDisposition: a.ContentDisposition,
		ContentEncoding: a.ContentEncoding, ContentLanguage: a.ContentLanguage, ACL: a.ACL, StorageClass: a.StorageClass,
		WebsiteRedirect: a.WebsiteRedirect}
	if a.ACL != "" && !slices.Contains(objectACLs, a.ACL) {
		return attrs, cmdutil.Usagef("invalid --acl %q: use one of %s", a.ACL, strings.Join(objectACLs, ", "))
	}
	var err error
	if attrs.Metadata, err = parseMetadata(a.Metadata); err != nil {
		return attrs, err
	}
	if attrs.Tags, err = parseTagging(a.Tagging); err != nil {
		return attrs, err
	}
	if attrs.SSE, err = a.sse(); err != nil {
		return attrs, err
	}
	if attrs.Expires, err = parseExpires(a.Expires); err != nil {
		return attrs, err
	}
	return attrs, nil
}

// checksumAlgorithm is --checksum-algorithm ("" when not given).
func (a *attrFlags) checksumAlgorithm() (client.ChecksumAlgorithm, error) {
	if a.ChecksumAlgorithm == "" {
		return "", nil
	}
	alg, err := client.ParseChecksumAlgorithm(a.ChecksumAlgorithm)
	if err != nil {
		return "", cmdutil.Usagef("invalid --checksum-algorithm: %w", err)
	}
	return alg, nil
}

// sse is the encryption the user named, sent as named: QStorage calls its
// KMS verenc, other services aws:kms. A KMS key id alone means verenc.
func (a *attrFlags) sse() (client.SSE, error) {
	s := client.SSE{Type: a.SSE, KMSKeyID: a.SSEKMSKeyID}
	if i := slices.IndexFunc(sseTypes, func(t string) bool { return strings.EqualFold(t, a.SSE) }); i >= 0 {
		s.Type = sseTypes[i]
	} else if a.SSE != "" {
		return s, cmdutil.Usagef("invalid --sse %q: use %s", a.SSE, strings.Join(sseTypes, ", "))
	}
	if a.SSEKMSKeyID != "" && s.Type == "" {
		s.Type = client.SSEVerenc
	}
	if a.SSEC != "" || a.SSECKey != "" {
		key, err := customerKey("sse-c-key", a.SSEC, a.SSECKey)
		if err != nil {
			return s, err
		}
		s.CustomerKey = key
	}
	return s, nil
}

// sourceKey is the SSE-C key for reading the source: --sse-c-copy-source-key
// for copies, else --sse-c-key (downloads and cat read with that one).
func (a *attrFlags) sourceKey(copying bool) ([]byte, error) {
	if copying {
		if a.SSECCopySource == "" && a.SSECCopySourceKey == "" {
			return nil, nil
		}
		return customerKey("sse-c-copy-source-key", a.SSECCopySource, a.SSECCopySourceKey)
	}
	if a.SSEC == "" && a.SSECKey == "" {
		return nil, nil
	}
	return customerKey("sse-c-key", a.SSEC, a.SSECKey)
}

// customerKey reads a 32-byte SSE-C key given raw, as base64, or as @file.
func customerKey(flag, alg, v string) ([]byte, error) {
	bad := func(problem string) error {
		return cmdutil.Usagef("invalid --%s: %s; give 32 bytes, raw or base64, or @file", flag, problem)
	}
	if alg != "" && alg != "AES256" {
		return nil, bad(fmt.Sprintf("algorithm %q is not AES256", alg))
	}
	if v == "" {
		return nil, bad("no key given")
	}
	if path, ok := strings.CutPrefix(v, "@"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, bad(err.Error())
		}
		v = strings.TrimRight(string(data), "\r\n")
	}
	if len(v) == 32 {
		return []byte(v), nil
	}
	if raw, err := base64.StdEncoding.DecodeString(v); err == nil && len(raw) == 32 {
		return raw, nil
	}
	return nil, bad(fmt.Sprintf("the key is %d bytes", len(v)))
}

// parseMetadata reads key=value,key2=value2, or the AWS CLI's JSON form
// {"key":"value","key2":"value2"}.
func parseMetadata(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	md := map[string]string{}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		if err := json.Unmarshal([]byte(s), &md); err != nil {
			return nil, cmdutil.Usagef(`invalid --metadata %q: JSON metadata is an object of strings, {"key":"value"}: %v`, s, err)
		}
	} else {
		for _, kv := range strings.Split(s, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, cmdutil.Usagef(`invalid --metadata %q: use key=value,key2=value2 or {"key":"value"}`, s)
			}
			md[strings.TrimSpace(k)] = v
		}
	}
	if err := client.ValidateMetadata(md); err != nil {
		return nil, err
	}
	return md, nil
}

// parseTagging reads key1=value1&key2=value2 (URL-encoded).
func parseTagging(s string) ([]client.Tag, error) {
	if s == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(s)
	if err != nil {
		return nil, cmdutil.Usagef("invalid --tagging %q: use key1=value1&key2=value2", s)
	}
	var tags []client.Tag
	for k, vs := range q {
		for _, v := range vs {
			tags = append(tags, client.Tag{Key: k, Value: v})
		}
	}
	return tags, nil
}

// parseExpires reads --expires: RFC 3339, a date, an HTTP date or Unix
// seconds, as the AWS CLI's timestamps.
func parseExpires(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02", http.TimeFormat} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0), nil
	}
	return time.Time{}, cmdutil.Usagef("invalid --expires %q: use 2026-01-02T03:04:05Z, 2026-01-02, an HTTP date or Unix seconds", s)
}

// expectedSize parses --expected-size (0 when not given).
func (a *attrFlags) expectedSize() (int64, error) {
	if a.ExpectedSize == "" {
		return 0, nil
	}
	return parseSize("expected-size", a.ExpectedSize)
}

// copyRule is how an S3-to-S3 copy treats the source's properties.
type copyRule struct {
	directive string // the metadata directive sent
	keep      bool   // REPLACE, keeping what the flags leave empty from the source
	tagging   string // the tagging directive sent
}

// given names the header and metadata flags given a value.
func (a *attrFlags) given() []string {
	var names []string
	for _, f := range []struct{ name, value string }{{"content-type", a.ContentType}, {"cache-control", a.CacheControl},
		{"content-disposition", a.ContentDisposition}, {"content-encoding", a.ContentEncoding},
		{"content-language", a.ContentLanguage}, {"expires", a.Expires}, {"metadata", a.Metadata}} {
		if f.value != "" {
			names = append(names, "--"+f.name)
		}
	}
	return names
}

// copyRule decides what a copy keeps of its source, as AWS CLI v2 does:
// by default everything (headers, metadata, tags); a header or --metadata
// given on the command line replaces that alone (S3 needs the REPLACE
// directive to change any of them, so the rest is read from the source and
// sent again); --metadata-directive REPLACE and --copy-props none keep
// nothing; --copy-props metadata-directive and --tagging do not keep tags.
func (a *attrFlags) copyRule() (copyRule, error) {
	given := a.given()
	props := strings.ToLower(a.CopyProps)
	if !slices.Contains(copyPropsValues, props) {
		return copyRule{}, cmdutil.Usagef("invalid --copy-props %q: use %s", a.CopyProps, strings.Join(copyPropsValues, ", "))
	}
	r := copyRule{directive: client.MetadataCopy, tagging: client.MetadataCopy}
	if a.Tagging != "" || props != "default" {
		r.tagging = client.MetadataReplace
	}
	switch d := strings.ToUpper(a.MetadataDirective); {
	case d != "" && d != client.MetadataCopy && d != client.MetadataReplace:
		return r, cmdutil.Usagef("invalid --metadata-directive %q: use COPY or REPLACE", a.MetadataDirective)
	case d == client.MetadataCopy && (len(given) > 0 || props == "none"):
		what := strings.Join(given, ", ")
		if props == "none" {
			what = "--copy-props none"
		}
		return r, cmdutil.Usagef("--metadata-directive COPY keeps the source's headers and metadata, so %s would be ignored: drop one of them", what)
	case d == client.MetadataReplace || props == "none":
		r.directive = client.MetadataReplace
	case len(given) > 0:
		r.directive, r.keep = client.MetadataReplace, true
	}
	return r, nil
}
