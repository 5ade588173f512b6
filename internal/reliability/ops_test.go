package reliability_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/client/quicksync"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// operation is one thing users do, run as a qcli command line.
type operation struct {
	name    string
	prepare func(e *env) *job
	// reqBody selects the requests that carry the operation's data (nil:
	// it sends none); respBody those whose response body it reads (nil:
	// none it depends on). Faults are aimed at these.
	reqBody, respBody func(*http.Request) bool
	// failCodes are the exit codes a failure may have: 1 for transfers;
	// ls reports a service error as 1 (as every s3 command) and a network
	// one as 255.
	failCodes []int
}

// job is a prepared operation.
type job struct {
	argv []string
	// names is what a failure message must mention.
	names string
	// verify, after success, checks that the result (stdout for a
	// listing) is byte-identical and says what it compared.
	verify func(stdout string) (string, error)
	// intact, after any run, checks that nothing partial is left where
	// the result goes.
	intact func() error
}

var transferFails = []int{1}

var operations = []operation{
	{name: "single upload", prepare: prepareSingleUpload, reqBody: isPutObject, failCodes: transferFails},
	{name: "multipart upload", prepare: prepareMultipartUpload, reqBody: isUploadPart, respBody: isComplete, failCodes: transferFails},
	{name: "ranged download", prepare: prepareRangedDownload, respBody: isRangedGet, failCodes: transferFails},
	{name: "recursive upload", prepare: prepareTreeUpload, reqBody: isDataPut, respBody: isComplete, failCodes: transferFails},
	{name: "recursive download", prepare: prepareTreeDownload, respBody: isObjectGet, failCodes: transferFails},
	{name: "sync", prepare: prepareSync, reqBody: isDataPut, respBody: isList, failCodes: transferFails},
	{name: "paged listing", prepare: preparePagedListing, respBody: isList, failCodes: []int{1, 255}},
	{name: "server-side copy", prepare: prepareCopy, respBody: isCopy, failCodes: transferFails},
	{name: "QuickSync upload", prepare: prepareQuickSyncUpload, reqBody: isQuickSyncPart, respBody: isQuickSyncPart, failCodes: transferFails},
}

func s3cp(args ...string) []string { return append(append([]string{"s3"}, args...), smallParts...) }

func uploadJob(e *env, name string, data []byte) *job {
	src := filepath.Join(e.t.TempDir(), name)
	tree{name: data}.write(e.t, filepath.Dir(src))
	want := tree{name: data}
	return &job{argv: s3cp("cp", src, "s3://"+bucket+"/"+name), names: name,
		verify: func(string) (string, error) { return e.wantObjects(want, "") },
		intact: func() error { return e.intactObjects(want, "", nil) }}
}

func prepareSingleUpload(e *env) *job { return uploadJob(e, "single.bin", randomData(1, 5000)) }

func prepareMultipartUpload(e *env) *job { return uploadJob(e, "big.bin", randomData(2, bigSize)) }

func prepareRangedDownload(e *env) *job {
	want := tree{"big.bin": randomData(3, bigSize)}
	want.put(e, "")
	dst := filepath.Join(e.t.TempDir(), "out")
	return &job{argv: s3cp("cp", "s3://"+bucket+"/big.bin", filepath.Join(dst, "big.bin")), names: "big.bin",
		verify: func(string) (string, error) { return wantLocal(dst, want) },
		intact: func() error { return intactLocal(dst, want) }}
}

func prepareTreeUpload(e *env) *job {
	want := sampleTree(4)
	src := e.t.TempDir()
	want.write(e.t, src)
	return &job{argv: s3cp("cp", "--recursive", src, "s3://"+bucket+"/up/"), names: "s3://" + bucket + "/up/",
		verify: func(string) (string, error) { return e.wantObjects(want, "up/") },
		intact: func() error { return e.intactObjects(want, "up/", nil) }}
}

func prepareTreeDownload(e *env) *job {
	want := sampleTree(5)
	want.put(e, "down/")
	dst := filepath.Join(e.t.TempDir(), "out")
	return &job{argv: s3cp("cp", "--recursive", "s3://"+bucket+"/down/", dst), names: "s3://" + bucket + "/down/",
		verify: func(string) (string, error) { return wantLocal(dst, want) },
		intact: func() error { return intactLocal(dst, want) }}
}

// prepareSync has one stale object to replace and the rest to create.
func prepareSync(e *env) *job {
	want := sampleTree(6)
	src := e.t.TempDir()
	want.write(e.t, src)
	old := tree{"a.txt": randomData(7, 50)}
	old.put(e, "sync/")
	return &job{argv: s3cp("sync", src, "s3://"+bucket+"/sync/"), names: "s3://" + bucket + "/sync/",
		verify: func(string) (string, error) { return e.wantObjects(want, "sync/") },
		intact: func() error { return e.intactObjects(want, "sync/", old) }}
}

// preparePagedListing lists 7 objects 2 at a time: 4 pages.
func preparePagedListing(e *env) *job {
	want := map[string]int{}
	for i := range 7 {
		key := fmt.Sprintf("list/k%d", i)
		want[key] = 10*i + 1
		tree{key: randomData(uint64(8+i), want[key])}.put(e, "")
	}
	return &job{argv: []string{"s3", "ls", "--recursive", "--page-size", "2", "s3://" + bucket + "/list/"}, names: "s3://" + bucket,
		verify: func(out string) (string, error) { return checkListing(out, want) },
		intact: func() error { return nil }}
}

// checkListing compares ls lines (date time size key) with want.
func checkListing(out string, want map[string]int) (string, error) {
	seen := map[string]bool{}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) != 4 {
			return "", fmt.Errorf("unexpected line %q", line)
		}
		size, err := strconv.Atoi(f[2])
		if w, ok := want[f[3]]; err != nil || !ok || w != size || seen[f[3]] {
			return "", fmt.Errorf("unexpected, wrong or repeated line %q", line)
		}
		seen[f[3]] = true
	}
	if len(seen) != len(want) {
		return "", fmt.Errorf("listed %d of %d keys", len(seen), len(want))
	}
	return fmt.Sprintf("%d keys checked", len(want)), nil
}

func prepareCopy(e *env) *job {
	data := randomData(20, bigSize)
	tree{"src.bin": data}.put(e, "copy/")
	want := tree{"dst.bin": data}
	return &job{argv: s3cp("cp", "s3://"+bucket+"/copy/src.bin", "s3://"+bucket+"/copy/dst.bin"), names: "copy/dst.bin",
		verify: func(string) (string, error) { return e.wantObjects(want, "copy/") },
		intact: func() error { return e.intactObjects(want, "copy/", nil) }}
}

func prepareQuickSyncUpload(e *env) *job {
	data := randomData(21, bigSize)
	src := filepath.Join(e.t.TempDir(), "qs.bin")
	tree{"qs.bin": data}.write(e.t, filepath.Dir(src))
	return &job{argv: []string{"quicksync", "upload", src, "--part-size", "4096"}, names: "qs.bin",
		verify: func(string) (string, error) { return e.quickSyncFiles(data, true) },
		intact: func() error { _, err := e.quickSyncFiles(data, false); return err }}
}

// quickSyncFiles checks that every completed QuickSync file holds data,
// and, when must, that there is one.
func (e *env) quickSyncFiles(data []byte, must bool) (string, error) {
	ctx := context.Background()
	files, err := e.qs.List(ctx)
	if err != nil {
		return "", err
	}
	found := 0
	for _, f := range files {
		if !f.Completed {
			continue // openUploads reports these
		}
		if name, err := quicksync.DecryptName(f.FileName, clitest.QuickSyncSession); err != nil || name != "qs.bin" {
			return "", fmt.Errorf("file %s has name %q (%v)", f.FileKey, name, err)
		}
		var b bytes.Buffer
		if _, err := e.qs.Download(ctx, f.FileKey, &b, nil); err != nil {
			return "", err
		}
		if !bytes.Equal(b.Bytes(), data) {
			return "", fmt.Errorf("file %s holds %d bytes, want %d identical ones", f.FileKey, b.Len(), len(data))
		}
		found++
	}
	if must && found != 1 {
		return "", fmt.Errorf("%d completed files, want 1", found)
	}
	return fmt.Sprintf("%d B checked", len(data)), nil
}
