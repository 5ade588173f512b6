package s3_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// Helpers of the tests that drive other S3 clients (rclone, the AWS CLI)
// against the emulator: a tree of local files to upload and compare.

// localFile is a file of a test tree: its content and modification time.
type localFile struct {
	body  []byte
	mtime time.Time
}

// writeTree writes files under dir.
func writeTree(t *testing.T, dir string, files map[string]localFile) {
	t.Helper()
	for name, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.body, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
}

// wantTree checks that dir holds exactly files, with their contents and
// modification times.
func wantTree(t *testing.T, dir string, files map[string]localFile) {
	t.Helper()
	checkTree(t, dir, files, true)
}

// wantContents checks that dir holds exactly files, with their contents
// (the AWS CLI sets a download's time to the object's LastModified).
func wantContents(t *testing.T, dir string, files map[string]localFile) {
	t.Helper()
	checkTree(t, dir, files, false)
}

func checkTree(t *testing.T, dir string, files map[string]localFile, withTimes bool) {
	t.Helper()
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		want, ok := files[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("%s: not expected in %s", rel, dir)
			return nil
		}
		seen++
		body, err := os.ReadFile(p)
		info, _ := d.Info()
		if err != nil || !bytes.Equal(body, want.body) || withTimes && !info.ModTime().Equal(want.mtime) {
			t.Errorf("%s: %d bytes (%v), mtime %v; want %d bytes, mtime %v", rel, len(body), err, info.ModTime(), len(want.body), want.mtime)
		}
		return nil
	})
	if err != nil || seen != len(files) {
		t.Fatalf("%s holds %d of the %d files wanted (%v)", dir, seen, len(files), err)
	}
}

// clientTree is the tree the tests of other clients (rclone, the AWS
// CLI) upload: small files, an empty
// one, names that S3 and URLs escape (spaces, + % & ? # = ; and friends,
// non-ASCII in a directory and a file name), and one file of two 5 MiB
// parts at rclone's smallest chunk size. Modification times have
// nanoseconds.
func clientTree() map[string]localFile {
	base := time.Date(2020, 1, 2, 3, 4, 5, 123456789, time.UTC)
	return map[string]localFile{
		"a.txt":                          {[]byte("hello\n"), base},
		"sub/b.txt":                      {[]byte("world, from a sub-directory\n"), base.Add(time.Hour)},
		"empty":                          {nil, base.Add(2 * time.Hour)},
		"odd name+%&.txt":                {[]byte("odd"), base.Add(3 * time.Hour)},
		"q?x#y;z=1 [a] {b} ~!@$^'`,.txt": {[]byte("punctuation"), base.Add(5 * time.Hour)},
		"ünï cödé/日本語 %20 テスト.txt": {[]byte("unicode"), base.Add(6 * time.Hour)},
		"big.bin": {emulatortest.RandomBytes(5<<20+1000, 7), base.Add(4 * time.Hour)},
	}
}

// keysUnder lists the keys of bucket under prefix, with their sizes.
func keysUnder(t *testing.T, c *s3.Client, bucket, prefix string) map[string]int64 {
	t.Helper()
	out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatalf("ListObjectsV2 %s/%s: %v", bucket, prefix, err)
	}
	m := map[string]int64{}
	for _, o := range out.Contents {
		m[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
	}
	return m
}

// startTree writes clientTree under a new directory's src and returns
// the directory, src, a path for downloads beside it (down), and the
// files written.
func startTree(t *testing.T) (work, src, down string, files map[string]localFile) {
	t.Helper()
	work = t.TempDir()
	src, down = filepath.Join(work, "src"), filepath.Join(work, "down")
	files = clientTree()
	writeTree(t, src, files)
	return work, src, down, files
}

// changeTree changes src and files as a sync must carry over: a file
// removed, one changed (a new size and time), one added.
func changeTree(t *testing.T, src string, files map[string]localFile) {
	t.Helper()
	delete(files, "sub/b.txt")
	files["a.txt"] = localFile{[]byte("hello again, longer\n"), files["a.txt"].mtime.Add(time.Minute)}
	files["c.txt"] = localFile{[]byte("new\n"), files["a.txt"].mtime}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	writeTree(t, src, files)
}
