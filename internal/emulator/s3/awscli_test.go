package s3_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// awsCLI runs the AWS CLI against srv as a user with no configuration
// would: keys from the environment, the CLI's default region us-east-1
// unless args say otherwise, the server's certificate trusted. It skips
// the test when the CLI is not installed.
func awsCLI(t *testing.T, srv *emulatortest.Server, args ...string) (string, error) {
	t.Helper()
	return awsCLIWithConfig(t, srv, "", args...)
}

// awsCLIWithConfig is awsCLI with config as the CLI's configuration file
// (none when empty).
func awsCLIWithConfig(t *testing.T, srv *emulatortest.Server, config string, args ...string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI (aws) is not installed; this test drives it against the emulator (install it, e.g. apt-get install awscli, to run it)")
	}
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", srv.URL}, args...)...)
	cmd.Env = toolEnv(t, srv, "us-east-1")
	if config != "" {
		path := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		// The last of a duplicated variable wins.
		cmd.Env = append(cmd.Env, "AWS_CONFIG_FILE="+path)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Logf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), err
}

// toolEnv is the environment of an AWS tool (the CLI, boto3) run against
// srv as a user with no configuration: keys from the environment, the
// given default region, the server's certificate trusted, a fresh HOME.
func toolEnv(t *testing.T, srv *emulatortest.Server, region string) []string {
	t.Helper()
	home := t.TempDir()
	ca := filepath.Join(home, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey,
		"AWS_DEFAULT_REGION=" + region, "AWS_CA_BUNDLE=" + ca, "AWS_EC2_METADATA_DISABLED=true",
	}
}

// TestAWSCLIDownloadsFromAnotherRegion: the AWS CLI signs for us-east-1,
// gets a bare 400 on its first HeadObject, and must find the emulator's
// region in x-amz-bucket-region to sign again.
func TestAWSCLIDownloadsFromAnotherRegion(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	want := string(emulatortest.RandomBytes(70000, 3))
	emulatortest.MustPut(t, c, "bkt", "dir/obj", want)
	dst := filepath.Join(t.TempDir(), "obj")
	if _, err := awsCLI(t, srv, "s3", "cp", "s3://bkt/dir/obj", dst); err != nil {
		t.Fatalf("aws s3 cp from the emulator: %v", err)
	}
	if got, err := os.ReadFile(dst); err != nil || string(got) != want {
		t.Fatalf("downloaded %d bytes (%v), want %d", len(got), err, len(want))
	}
}

// TestAWSCLIDeleteObjects: botocore sends DeleteObjects with a CRC32
// checksum and no Content-MD5.
func TestAWSCLIDeleteObjects(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	var mu sync.Mutex
	var sent http.Header
	srv.Emulator.Observe(func(r *http.Request) {
		if r.URL.Query().Has("delete") {
			mu.Lock()
			sent = r.Header.Clone()
			mu.Unlock()
		}
	})
	emulatortest.MustCreateBucket(t, c, "bkt")
	for _, k := range []string{"a", "b", "keep"} {
		emulatortest.MustPut(t, c, "bkt", k, k)
	}
	out, err := awsCLI(t, srv, "--region", srv.Region, "s3api", "delete-objects", "--bucket", "bkt",
		"--delete", `{"Objects":[{"Key":"a"},{"Key":"b"}]}`)
	if err != nil {
		t.Fatalf("aws s3api delete-objects: %v", err)
	}
	var res struct{ Deleted, Errors []struct{ Key string } }
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Deleted) != 2 || len(res.Errors) != 0 {
		t.Fatalf("delete-objects answered %s (%v)", out, err)
	}
	t.Logf("the AWS CLI sent Content-MD5 %q, x-amz-checksum-crc32 %q", sent.Get("Content-Md5"), sent.Get("X-Amz-Checksum-Crc32"))
	list, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil || len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "keep" {
		t.Fatalf("left %+v %v", list, err)
	}
}

// TestAWSCLISeesLowerCaseMetadata: botocore keeps header names as they
// come, so `aws s3api head-object` shows what S3 would send.
func TestAWSCLISeesLowerCaseMetadata(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	// The SDK sends the name as X-Amz-Meta-Color.
	emulatortest.MustPut(t, c, "bkt", "k", "x", func(in *s3.PutObjectInput) { in.Metadata = map[string]string{"Color": "blue"} })
	out, err := awsCLI(t, srv, "--region", srv.Region, "s3api", "head-object", "--bucket", "bkt", "--key", "k")
	if err != nil {
		t.Fatalf("aws s3api head-object: %v", err)
	}
	var head struct{ Metadata map[string]string }
	if err := json.Unmarshal([]byte(out), &head); err != nil || head.Metadata["color"] != "blue" || len(head.Metadata) != 1 {
		t.Fatalf("head-object metadata %v (%v), want color=blue", head.Metadata, err)
	}
}

// TestAWSCLIListObjectVersions: the AWS CLI reads the emulator's
// ListObjectVersions, versions and delete markers interleaved by key.
func TestAWSCLIListObjectVersions(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	setVersioning(t, c, "bkt", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(emulatortest.MustPut(t, c, "bkt", "a", "1").VersionId)
	emulatortest.MustPut(t, c, "bkt", "b", "1")
	del, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("a")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := awsCLI(t, srv, "--region", srv.Region, "s3api", "list-object-versions", "--bucket", "bkt")
	if err != nil {
		t.Fatalf("aws s3api list-object-versions: %v", err)
	}
	type entry struct {
		Key, VersionId string
		IsLatest       bool
	}
	var res struct{ Versions, DeleteMarkers []entry }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if len(res.Versions) != 2 || res.Versions[0] != (entry{"a", v1, false}) || len(res.DeleteMarkers) != 1 ||
		res.DeleteMarkers[0] != (entry{"a", aws.ToString(del.VersionId), true}) {
		t.Fatalf("list-object-versions: %s", out)
	}
}

// awsCLIMultipart makes the AWS CLI's s3 commands upload and copy
// anything of 5 MiB or more in parts of 5 MiB, S3's smallest.
const awsCLIMultipart = `[default]
s3 =
  multipart_threshold = 5MB
  multipart_chunksize = 5MB
`

// TestAWSCLITransfers drives the AWS CLI's s3 commands against the
// emulator over TLS as its users do: make a bucket, copy a tree up (one
// file multipart) and down, list keys that need escaping, sync both ways
// with --delete, copy multipart and move on the server, remove
// recursively and remove the bucket with --force.
func TestAWSCLITransfers(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	var copies copyCounter
	srv.Emulator.Observe(copies.observe)
	s3cmd := func(args ...string) string {
		t.Helper()
		out, err := awsCLIWithConfig(t, srv, awsCLIMultipart, append([]string{"--region", srv.Region, "s3"}, args...)...)
		if err != nil {
			t.Fatalf("aws s3 %s failed", strings.Join(args, " "))
		}
		return out
	}
	_, src, down, files := startTree(t)

	s3cmd("mb", "s3://bkt")
	s3cmd("cp", "--recursive", src, "s3://bkt/t")
	got := keysUnder(t, c, "bkt", "t/")
	for name, f := range files {
		if size, ok := got["t/"+name]; !ok || size != int64(len(f.body)) {
			t.Errorf("key t/%s: size %d, listed %v; keys %v", name, size, ok, got)
		}
	}
	if len(got) != len(files) {
		t.Errorf("uploaded %d keys, want %d: %v", len(got), len(files), got)
	}
	etag := func(key string) string {
		head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("HeadObject %s: %v", key, err)
		}
		return aws.ToString(head.ETag)
	}
	if e := etag("t/big.bin"); !strings.HasSuffix(e, `-2"`) {
		t.Errorf("big.bin has ETag %s: not uploaded in two parts", e)
	}
	// ls --recursive prints date, time, size and the key as stored.
	listed := map[string]bool{}
	for line := range strings.Lines(s3cmd("ls", "--recursive", "s3://bkt/t/")) {
		// "2020-01-02 03:04:05       1234 key"
		if len(line) > 20 {
			_, key, _ := strings.Cut(strings.TrimLeft(line[20:], " "), " ")
			listed[strings.TrimSuffix(key, "\n")] = true
		}
	}
	for name := range files {
		if !listed["t/"+name] {
			t.Errorf("aws s3 ls --recursive does not show t/%s: %v", name, listed)
		}
	}
	s3cmd("cp", "--recursive", "s3://bkt/t", down)
	wantContents(t, down, files)

	t.Run("sync", func(t *testing.T) {
		s3cmd("sync", src, "s3://bkt/s")
		changeTree(t, src, files)
		s3cmd("sync", "--delete", src, "s3://bkt/s")
		if got := keysUnder(t, c, "bkt", "s/"); len(got) != len(files) || got["s/a.txt"] != int64(len(files["a.txt"].body)) || got["s/c.txt"] == 0 {
			t.Errorf("after sync --delete: %v", got)
		}
		writeTree(t, down, map[string]localFile{"stale": {[]byte("x"), files["a.txt"].mtime}})
		s3cmd("sync", "--delete", "s3://bkt/s", down)
		wantContents(t, down, files)
	})

	t.Run("server-side copy and move", func(t *testing.T) {
		copies.take()
		s3cmd("cp", "s3://bkt/t/a.txt", "s3://bkt/t/a-copy.txt")
		s3cmd("cp", "s3://bkt/t/big.bin", "s3://bkt/t/big-copy.bin")
		if objects, parts := copies.take(); objects != 1 || parts != 2 {
			t.Errorf("the copies were %d CopyObject and %d UploadPartCopy; want 1 and 2", objects, parts)
		}
		if a, b := etag("t/big.bin"), etag("t/big-copy.bin"); a != b {
			t.Errorf("big-copy.bin has ETag %s, big.bin %s", b, a)
		}
		s3cmd("mv", "s3://bkt/t/a-copy.txt", "s3://bkt/t/moved.txt")
		if got := emulatortest.MustGet(t, c, "bkt", "t/moved.txt"); got != "hello\n" {
			t.Errorf("t/moved.txt holds %q", got)
		}
		if _, ok := keysUnder(t, c, "bkt", "t/")["t/a-copy.txt"]; ok {
			t.Error("t/a-copy.txt is still there after mv")
		}
	})

	t.Run("rm and rb", func(t *testing.T) {
		s3cmd("rm", "--recursive", "--exclude", "*", "--include", "*.txt", "s3://bkt/t")
		got := keysUnder(t, c, "bkt", "t/")
		if want := []string{"t/big-copy.bin", "t/big.bin", "t/empty"}; !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
			t.Errorf("after rm --recursive --include *.txt: %v", got)
		}
		if _, err := awsCLI(t, srv, "--region", srv.Region, "s3", "rb", "s3://bkt"); err == nil {
			t.Error("aws s3 rb of a bucket with objects succeeded")
		}
		s3cmd("rb", "--force", "s3://bkt")
		if _, err := c.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("bkt")}); err == nil {
			t.Error("bkt is still there after aws s3 rb --force")
		}
	})
}
