package s3apicmd_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/s3apicmd"
)

// parse runs one command's flag parsing and returns the input it built.
func parse(t *testing.T, op string, args ...string) (*s3apicmd.Options, string) {
	t.Helper()
	o, ok := client.LookupOperation(op)
	if !ok {
		t.Fatalf("no operation %s", op)
	}
	ios, _, out, _ := iostreams.Test()
	f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}
	var got *s3apicmd.Options
	cmd := s3apicmd.NewCmdOperation(f, o, func(_ context.Context, opts *s3apicmd.Options) error {
		got = opts
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%s %v: %v", op, args, err)
	}
	return got, out.String()
}

func TestFlagsFillTheInput(t *testing.T) {
	opts, _ := parse(t, "put-object", "--bucket", "bkt", "--key", "k", "--metadata", "a=1,b=two", "--bucket-key-enabled",
		"--object-lock-retain-until-date", "2030-01-02", "--content-length", "0", "--acl", "private")
	in := opts.Input.(*s3.PutObjectInput)
	if *in.Bucket != "bkt" || *in.Key != "k" || in.Metadata["b"] != "two" || !*in.BucketKeyEnabled || *in.ContentLength != 0 ||
		!in.ObjectLockRetainUntilDate.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) || in.ACL != types.ObjectCannedACLPrivate {
		t.Errorf("put-object input %+v", in)
	}
	opts, _ = parse(t, "list-objects-v2", "--bucket", "bkt", "--no-fetch-owner", "--max-items", "5", "--page-size", "2")
	if in := opts.Input.(*s3.ListObjectsV2Input); *in.FetchOwner || !opts.Paging.Enabled || opts.Paging.MaxItems != 5 || opts.Paging.PageSize != 2 {
		t.Errorf("list-objects-v2 %+v %+v", in, opts.Paging)
	}
	if opts, _ := parse(t, "list-objects-v2", "--bucket", "bkt", "--continuation-token", "x"); opts.Paging.Enabled {
		t.Error("a hand-paged listing (--continuation-token) pages")
	}
	opts, _ = parse(t, "get-object-attributes", "--bucket", "bkt", "--key", "k", "--object-attributes", "ETag,ObjectSize",
		"--object-attributes", `["Checksum"]`)
	if got := opts.Input.(*s3.GetObjectAttributesInput).ObjectAttributes; len(got) != 3 || got[2] != types.ObjectAttributesChecksum {
		t.Errorf("object attributes %v", got)
	}
}

// Structures take JSON, shorthand, file:// and --cli-input-json (which
// flags override), each into the same input.
func TestStructuredValues(t *testing.T) {
	dir := t.TempDir()
	js := `{"Rules":[{"ID":"r","Status":"Enabled","Filter":{"Prefix":"p/"},"Expiration":{"Days":3}}]}`
	path := filepath.Join(dir, "lc.json")
	os.WriteFile(path, []byte(js), 0o644)
	for _, v := range []string{js, "file://" + path, "Rules=[{ID=r,Status=Enabled,Filter={Prefix=p/},Expiration={Days=3}}]"} {
		opts, _ := parse(t, "put-bucket-lifecycle-configuration", "--bucket", "bkt", "--lifecycle-configuration", v)
		r := opts.Input.(*s3.PutBucketLifecycleConfigurationInput).LifecycleConfiguration.Rules
		if len(r) != 1 || *r[0].ID != "r" || r[0].Status != types.ExpirationStatusEnabled || *r[0].Filter.Prefix != "p/" || *r[0].Expiration.Days != 3 {
			t.Errorf("%s: rules %+v", v, r)
		}
	}
	input := filepath.Join(dir, "in.json")
	os.WriteFile(input, []byte(`{"Bucket":"one","Key":"k","Tagging":{"TagSet":[{"Key":"a","Value":"b"}]}}`), 0o644)
	opts, _ := parse(t, "put-object-tagging", "--cli-input-json", "file://"+input, "--bucket", "two")
	if in := opts.Input.(*s3.PutObjectTaggingInput); *in.Bucket != "two" || *in.Key != "k" || *in.Tagging.TagSet[0].Value != "b" {
		t.Errorf("--cli-input-json with a flag over it: %+v", in)
	}
}

// botocore's S3 request handlers: the SSE-C key goes base64-encoded with
// its MD5, a CopySource key is URL-encoded, listings ask for URL-encoded
// keys.
func TestBotocoreHandlers(t *testing.T) {
	key := strings.Repeat("k", 32)
	opts, _ := parse(t, "copy-object", "--bucket", "bkt", "--key", "k", "--copy-source", "src/a b/ü+?versionId=v 1",
		"--sse-customer-key", key, "--copy-source-sse-customer-key", key, "--copy-source-sse-customer-key-md5", "given")
	in := opts.Input.(*s3.CopyObjectInput)
	sum := md5.Sum([]byte(key))
	if *in.CopySource != "src/a%20b/%C3%BC+?versionId=v 1" && *in.CopySource != "src/a%20b/%C3%BC%2B?versionId=v 1" {
		t.Errorf("CopySource %q", *in.CopySource)
	}
	if *in.SSECustomerKey != base64.StdEncoding.EncodeToString([]byte(key)) || *in.SSECustomerKeyMD5 != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("SSE-C key %q md5 %q", *in.SSECustomerKey, *in.SSECustomerKeyMD5)
	}
	if *in.CopySourceSSECustomerKey != key || *in.CopySourceSSECustomerKeyMD5 != "given" {
		t.Error("a key given with its MD5 was changed")
	}
	opts, _ = parse(t, "copy-object", "--bucket", "bkt", "--key", "k", "--copy-source", `{"Bucket":"src","Key":"a b","VersionId":"v"}`)
	if got := *opts.Input.(*s3.CopyObjectInput).CopySource; got != "src/a%20b?versionId=v" {
		t.Errorf("CopySource from JSON: %q", got)
	}
	opts, _ = parse(t, "list-object-versions", "--bucket", "bkt")
	if in := opts.Input.(*s3.ListObjectVersionsInput); in.EncodingType != types.EncodingTypeUrl || !opts.AutoEncoding {
		t.Error("list-object-versions does not ask for URL-encoded keys")
	}
	opts, _ = parse(t, "list-objects-v2", "--bucket", "bkt", "--encoding-type", "url")
	if opts.AutoEncoding {
		t.Error("keys the caller asked to be encoded would be decoded")
	}
}

func TestSkeleton(t *testing.T) {
	_, out := parse(t, "put-bucket-website", "--generate-cli-skeleton")
	var sk map[string]any
	if err := json.Unmarshal([]byte(out), &sk); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if _, ok := sk["WebsiteConfiguration"].(map[string]any)["RoutingRules"]; !ok || sk["Bucket"] != "" {
		t.Errorf("skeleton %s", out)
	}
	// A skeleton is an input --cli-input-json takes.
	parse(t, "put-bucket-website", "--cli-input-json", out, "--bucket", "bkt")
	_, out = parse(t, "get-object", "--generate-cli-skeleton", "output")
	if !strings.Contains(out, `"ETag": ""`) || strings.Contains(out, `"Body"`) {
		t.Errorf("output skeleton %s", out)
	}
}

// --help marks the flags an operation needs, as the SDK's validation says.
func TestHelpMarksRequiredFlags(t *testing.T) {
	o, _ := client.LookupOperation("put-object-retention")
	ios, _, out, _ := iostreams.Test()
	cmd := s3apicmd.NewCmdS3api(&cmdutil.Factory{IO: ios})
	cmd.SetArgs([]string{"put-object-retention", "--help"})
	cmd.SetOut(out)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		required := strings.Contains(line, "(required)")
		for _, flag := range []string{"--bucket ", "--key ", "--retention ", "--version-id "} {
			if strings.Contains(line, flag) && required != (flag != "--retention " && flag != "--version-id ") {
				t.Errorf("%s help: %q", o.CLIName(), line)
			}
		}
	}
	if !bytes.Contains(out.Bytes(), []byte("--bypass-governance-retention")) {
		t.Errorf("help lacks the boolean flags:\n%s", out)
	}
}

// Shell completion covers the commands, their flags and enum values.
func TestCompletion(t *testing.T) {
	e := clitest.New(t)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"s3api", "put-bucket-w"}, []string{"put-bucket-website"}},
		{[]string{"s3api", "list-object-versions", "--key-"}, []string{}},
		{[]string{"s3api", "put-object", "--sse-customer-"}, []string{"--sse-customer-algorithm", "--sse-customer-key", "--sse-customer-key-md5"}},
		{[]string{"s3api", "put-object", "--acl", ""}, []string{"private", "public-read", "bucket-owner-full-control"}},
		{[]string{"s3api", "get-object-attributes", "--object-attributes", ""}, []string{"ETag", "ObjectParts"}},
		{[]string{"s3", "web"}, []string{"website"}},
	} {
		out := e.MustRun(append([]string{"__complete"}, c.args...)...).Stdout
		lines := strings.Split(out, "\n")
		for _, w := range c.want {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w+"\t") || l == w }) {
				t.Errorf("completing %v: no %s in\n%s", c.args, w, out)
			}
		}
		if len(c.want) == 0 && strings.Contains(out, "--key-marker") {
			t.Errorf("completing %v offers a hidden flag:\n%s", c.args, out)
		}
	}
}
