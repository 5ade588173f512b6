package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/emulator/faults"
	"github.com/quilibrium/qcli/transfer"
)

func TestCopySmallIsOneCopyObject(t *testing.T) {
	e := newEnv(t)
	reqs := e.record()
	data := pattern(3000)
	e.put("src", data)
	res, err := e.manager().Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src",
		Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified != transfer.VerifiedMD5 || res.Parts != 0 || !bytes.Equal(e.read("dst"), data) {
		t.Errorf("result %+v", res)
	}
	if n := reqs.count(func(r *http.Request) bool { return r.Header.Get("X-Amz-Copy-Source") != "" }); n != 1 {
		t.Errorf("%d copy requests, want 1", n)
	}
}

func TestCopyLargeInParallelParts(t *testing.T) {
	for _, directive := range []string{client.MetadataCopy, client.MetadataReplace} {
		t.Run(directive, func(t *testing.T) {
			e := newEnv(t)
			reqs := e.record()
			data := pattern(10*testPartSize + 9)
			_, err := e.manager().Upload(context.Background(), pipe{bytes.NewReader(data)}, transfer.UploadInput{Bucket: "bkt", Key: "src",
				ObjectAttributes: client.ObjectAttributes{ContentType: "text/x-src", Metadata: map[string]string{"from": "src"}}})
			if err != nil {
				t.Fatal(err)
			}
			m := e.manager(func(o *transfer.Options) { o.CopyThreshold = testThreshold })
			res, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src", MetadataDirective: directive,
				Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst", ObjectAttributes: client.ObjectAttributes{ContentType: "text/x-new"}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Parts != 11 || res.Verified != transfer.VerifiedComposite || !bytes.Equal(e.read("dst"), data) {
				t.Errorf("result %+v", res)
			}
			if n := reqs.count(func(r *http.Request) bool { return r.Header.Get("X-Amz-Copy-Source-Range") != "" }); n != 11 {
				t.Errorf("%d UploadPartCopy requests, want 11", n)
			}
			info, _ := e.c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "bkt", Key: "dst"})
			wantType, wantFrom := "text/x-src", "src"
			if directive == client.MetadataReplace {
				wantType, wantFrom = "text/x-new", ""
			}
			if info.ContentType != wantType || info.Metadata["from"] != wantFrom {
				t.Errorf("content type %q, metadata %v", info.ContentType, info.Metadata)
			}
		})
	}
}

func TestCopyFailureAborts(t *testing.T) {
	e := newEnv(t)
	e.put("src", pattern(10*testPartSize))
	e.srv.Emulator.SetFault(faults.FailTimes(100, http.StatusInternalServerError, "InternalError", nil, func(r *http.Request) bool {
		return r.Header.Get("X-Amz-Copy-Source-Range") != "" && r.URL.Query().Get("partNumber") == "4"
	}))
	m := e.manager(func(o *transfer.Options) { o.CopyThreshold = testThreshold })
	_, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "src", Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst"}})
	if !errors.Is(err, client.ErrInternalError) || e.openUploads() != 0 {
		t.Fatalf("err = %v, %d uploads open", err, e.openUploads())
	}
}

func TestCopyOfAMissingSource(t *testing.T) {
	e := newEnv(t)
	_, err := e.manager().Copy(context.Background(), transfer.CopyInput{SourceBucket: "bkt", SourceKey: "nope", Dest: transfer.UploadInput{Bucket: "bkt", Key: "dst"}})
	if !errors.Is(err, client.ErrNoSuchKey) {
		t.Fatalf("err = %v", err)
	}
}
