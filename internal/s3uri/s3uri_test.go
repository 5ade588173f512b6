package s3uri

import (
	"errors"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestParseKeepsKeysLiteral(t *testing.T) {
	cases := map[string]URI{
		"s3://bucket":                     {Bucket: "bucket"},
		"s3://bucket/":                    {Bucket: "bucket"},
		"s3://bucket/a/b.txt":             {Bucket: "bucket", Key: "a/b.txt"},
		"s3://bucket/dir/":                {Bucket: "bucket", Key: "dir/"},
		"s3://bucket/with space/and+plus": {Bucket: "bucket", Key: "with space/and+plus"},
		"s3://bucket/100%25 %?q=1#frag":   {Bucket: "bucket", Key: "100%25 %?q=1#frag"},
		"s3://bucket/ünïcødé/日本":          {Bucket: "bucket", Key: "ünïcødé/日本"},
		"s3://my.bucket-1//double":        {Bucket: "my.bucket-1", Key: "/double"},
	}
	for arg, want := range cases {
		got, err := Parse(arg)
		if err != nil {
			t.Errorf("Parse(%q): %v", arg, err)
			continue
		}
		if got != want {
			t.Errorf("Parse(%q) = %+v, want %+v", arg, got, want)
		}
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	cases := map[string]string{
		"s3:/b":         "exactly s3://",
		"S3://bucket":   "exactly s3://",
		"s3://":         "names no bucket",
		"s3:///key":     "names no bucket",
		"http://x":      "does not start with s3://",
		"bucket/key":    "does not start with s3://",
		"":              "does not start with s3://",
		"s3://ab":       "shorter than 3",
		"s3://Bucket":   "lower-case",
		"s3://a..b":     "two dots",
		"s3://-abc":     "begin and end",
		"s3://10.0.0.1": "IP address",
	}
	for arg, want := range cases {
		_, err := Parse(arg)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error containing %q", arg, want)
			continue
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error %q, want one line containing %q", arg, err, want)
		}
	}
	_, err := Parse("s3://" + strings.Repeat("a", 64))
	var ve *client.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("long bucket: got %v, want *client.ValidationError", err)
	}
}

func TestPrefixAndBucket(t *testing.T) {
	u, _ := Parse("s3://bucket/dir/")
	if !u.IsPrefix() || u.IsBucket() {
		t.Errorf("s3://bucket/dir/: IsPrefix=%v IsBucket=%v", u.IsPrefix(), u.IsBucket())
	}
	u, _ = Parse("s3://bucket/file")
	if u.IsPrefix() {
		t.Error("s3://bucket/file is not a prefix")
	}
	if !IsS3("S3:/x") || IsS3("./s3:file") {
		t.Error("IsS3 misjudged")
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{"s3://bucket", "s3://bucket/key", "s3://b.c-d/ a+b%?#", "s3:/x", "s3://", "http://x", "s3://bucket//"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		u, err := Parse(arg)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q: %q", arg, err)
			}
			return
		}
		if client.ValidateBucketName(u.Bucket) != nil {
			t.Fatalf("Parse(%q) accepted bucket %q", arg, u.Bucket)
		}
		again, err := Parse(u.String())
		if err != nil || again != u {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v, %v", arg, u, u.String(), again, err)
		}
	})
}
