package s3cmd

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

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
	Tagging            string
	ExpectedSize       string
}

func (a *attrFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&a.ContentType, "content-type", "", "content type for uploaded objects (default: guessed from the file extension)")
	fl.BoolVar(&a.NoGuessMimeType, "no-guess-mime-type", false, "do not guess the content type from the extension")
	fl.StringVar(&a.Metadata, "metadata", "", "user metadata as key=value,key2=value2")
	fl.StringVar(&a.MetadataDirective, "metadata-directive", "", "for S3 to S3 copies: COPY (keep the source's) or REPLACE (use the flags')")
	fl.StringVar(&a.ACL, "acl", "", "canned ACL: private, public-read, public-read-write, authenticated-read, bucket-owner-read, bucket-owner-full-control")
	fl.StringVar(&a.SSE, "sse", "", "server-side encryption: AES256, verenc or verenc:dsse")
	fl.Lookup("sse").NoOptDefVal = client.SSEAES256
	fl.StringVar(&a.SSEKMSKeyID, "sse-kms-key-id", "", "QKMS key id for --sse verenc")
	fl.StringVar(&a.SSEC, "sse-c", "", "SSE-C with the key in --sse-c-key (AES256)")
	fl.Lookup("sse-c").NoOptDefVal = "AES256"
	fl.StringVar(&a.SSECKey, "sse-c-key", "", "SSE-C key: 32 bytes, raw or base64, or @file")
	fl.StringVar(&a.SSECCopySource, "sse-c-copy-source", "", "the source is SSE-C encrypted with --sse-c-copy-source-key (AES256)")
	fl.Lookup("sse-c-copy-source").NoOptDefVal = "AES256"
	fl.StringVar(&a.SSECCopySourceKey, "sse-c-copy-source-key", "", "SSE-C key of the source object: 32 bytes, raw or base64, or @file")
	fl.StringVar(&a.StorageClass, "storage-class", "", "storage class, e.g. STANDARD")
	fl.StringVar(&a.CacheControl, "cache-control", "", "Cache-Control for written objects")
	fl.StringVar(&a.ContentDisposition, "content-disposition", "", "Content-Disposition for written objects")
	fl.StringVar(&a.ContentEncoding, "content-encoding", "", "Content-Encoding for written objects")
	fl.StringVar(&a.ContentLanguage, "content-language", "", "Content-Language for written objects")
	fl.StringVar(&a.Tagging, "tagging", "", "object tags as a URL query: key1=value1&key2=value2")
	fl.StringVar(&a.ExpectedSize, "expected-size", "", "for uploads from stdin: the expected size (e.g. 50GiB), to size the parts")
}

var objectACLs = []string{"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"}

// attributes turns the flags into object attributes, checking each.
func (a *attrFlags) attributes() (client.ObjectAttributes, error) {
	usage := func(format string, args ...any) error { return &cmdutil.UsageError{Err: fmt.Errorf(format, args...)} }
	attrs := client.ObjectAttributes{ContentType: a.ContentType, CacheControl: a.CacheControl, ContentDisposition: a.ContentDisposition,
		ContentEncoding: a.ContentEncoding, ContentLanguage: a.ContentLanguage, ACL: a.ACL, StorageClass: a.StorageClass}
	if a.ACL != "" && !slices.Contains(objectACLs, a.ACL) {
		return attrs, usage("invalid --acl %q: use one of %s", a.ACL, strings.Join(objectACLs, ", "))
	}
	md, err := parseMetadata(a.Metadata)
	if err != nil {
		return attrs, err
	}
	attrs.Metadata = md
	if attrs.Tags, err = parseTagging(a.Tagging); err != nil {
		return attrs, err
	}
	if attrs.SSE, err = a.sse(); err != nil {
		return attrs, err
	}
	switch strings.ToUpper(a.MetadataDirective) {
	case "", client.MetadataCopy, client.MetadataReplace:
	default:
		return attrs, usage("invalid --metadata-directive %q: use COPY or REPLACE", a.MetadataDirective)
	}
	return attrs, nil
}

func (a *attrFlags) sse() (client.SSE, error) {
	s := client.SSE{Type: a.SSE, KMSKeyID: a.SSEKMSKeyID}
	if strings.EqualFold(s.Type, "aws:kms") {
		s.Type = client.SSEVerenc // QStorage's KMS is QKMS
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
		return &cmdutil.UsageError{Err: fmt.Errorf("invalid --%s: %s; give 32 bytes, raw or base64, or @file", flag, problem)}
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

// parseMetadata reads key=value,key2=value2.
func parseMetadata(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	md := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, &cmdutil.UsageError{Err: fmt.Errorf("invalid --metadata %q: use key=value,key2=value2", s)}
		}
		md[strings.TrimSpace(k)] = v
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
		return nil, &cmdutil.UsageError{Err: fmt.Errorf("invalid --tagging %q: use key1=value1&key2=value2", s)}
	}
	var tags []client.Tag
	for k, vs := range q {
		for _, v := range vs {
			tags = append(tags, client.Tag{Key: k, Value: v})
		}
	}
	return tags, nil
}

// expectedSize parses --expected-size (0 when not given).
func (a *attrFlags) expectedSize() (int64, error) {
	if a.ExpectedSize == "" {
		return 0, nil
	}
	return parseSize("expected-size", a.ExpectedSize)
}

// directive is the metadata directive for copies: REPLACE when asked, or
// when attributes that are metadata were given (as the AWS CLI does).
func (a *attrFlags) directive() string {
	if d := strings.ToUpper(a.MetadataDirective); d != "" {
		return d
	}
	if a.ContentType != "" || a.Metadata != "" || a.CacheControl != "" || a.ContentDisposition != "" ||
		a.ContentEncoding != "" || a.ContentLanguage != "" {
		return client.MetadataReplace
	}
	return client.MetadataCopy
}
