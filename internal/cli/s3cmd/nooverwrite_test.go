package s3cmd_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
	"github.com/quilibrium/qcli/internal/cli/s3cmd"
	"github.com/quilibrium/qcli/transfer"
)

// Issue 11 D26: --no-overwrite is atomic. Another writer takes the key
// between qcli's HEAD and its write, played by a server whose HEAD of the
// destination says the key is free: the conditional write is refused, the
// other writer's object stays, and the object is reported unchanged (exit
// 0, as when the HEAD finds it), never copied. Without the conditional
// write, qcli replaced the object and reported it done.
func TestNoOverwriteLosesToAWriterThatCameInBetween(t *testing.T) {
	e := clitest.NewWrapped(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead && strings.Contains(r.URL.Path, "/taken/") {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	e.Vars[s3cmd.MinPartSizeEnv] = "1024"
	e.MustRun("s3", "mb", "s3://bkt")
	dir := t.TempDir()
	theirs := "the other writer's"
	for _, tc := range []struct {
		name, stdin string
		argv        []string
		key         string
	}{
		{name: "file", argv: []string{filepath.Join(dir, "small"), "s3://bkt/taken/small"}, key: "taken/small"},
		{name: "multipart file", argv: []string{filepath.Join(dir, "big"), "s3://bkt/taken/big"}, key: "taken/big"},
		{name: "stdin", stdin: strings.Repeat("s", 20000), argv: []string{"-", "s3://bkt/taken/stdin"}, key: "taken/stdin"},
		{name: "tree", argv: []string{filepath.Join(dir, "tree"), "s3://bkt/taken/tree/", "--recursive"}, key: "taken/tree/f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, filepath.Join(dir, "small"), randomBytes(100))
			writeFile(t, filepath.Join(dir, "big"), randomBytes(20000))
			writeFile(t, filepath.Join(dir, "tree", "f"), randomBytes(20000))
			e.Put("bkt", map[string]string{tc.key: theirs})
			argv := append([]string{"--output", "json", "s3", "cp", "--no-overwrite"}, args(tc.argv...)...)
			r := e.Run(tc.stdin, argv...)
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			docs := jsonLines(t, r.Stdout)
			sums := ofType(docs, "summary")
			if len(sums) != 1 || sums[0]["unchanged"] != 1.0 || sums[0]["done"] != 0.0 || sums[0]["failed"] != 0.0 {
				t.Errorf("summary %v: want 1 unchanged, none done or failed", sums)
			}
			if got := object(t, e, tc.key); !bytes.Equal(got, []byte(theirs)) {
				t.Errorf("the other writer's object was replaced (%d bytes)", len(got))
			}
			if n := openUploads(t, e); n != 0 {
				t.Errorf("%d multipart uploads left open", n)
			}
		})
	}
}

// Issue 11 D26: --no-part-size-metadata leaves x-amz-meta-qcli-part-size
// out of a multipart upload, and the download still verifies.
func TestNoPartSizeMetadataFlag(t *testing.T) {
	e := xferEnv(t)
	dir := t.TempDir()
	data := randomBytes(20000)
	writeFile(t, filepath.Join(dir, "big"), data)
	for _, leaveOut := range []bool{false, true} {
		argv := args("s3", "cp", filepath.Join(dir, "big"), "s3://bkt/big")
		if leaveOut {
			argv = append(argv, "--no-part-size-metadata")
		}
		e.MustRun(argv...)
		info, err := e.Client().HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "big"})
		if err != nil {
			t.Fatal(err)
		}
		if _, recorded := info.Metadata[transfer.PartSizeMetadata]; recorded == leaveOut {
			t.Errorf("--no-part-size-metadata %v: metadata %v", leaveOut, info.Metadata)
		}
		back := filepath.Join(dir, "back")
		e.MustRun(args("s3", "cp", "s3://bkt/big", back)...)
		if !bytes.Equal(readFile(t, back), data) {
			t.Errorf("--no-part-size-metadata %v: the download differs", leaveOut)
		}
	}
}
