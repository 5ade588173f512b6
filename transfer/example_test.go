package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
	"github.com/quilibrium/qcli/transfer"
)

// exampleManager starts a QStorage test server (qstoragetest) and returns a
// Manager for it and a function that stops it. Real programs build the
// client from their own configuration (or configure.Resolve).
func exampleManager(opts transfer.Options) (*transfer.Manager, func()) {
	srv := qstoragetest.NewServer(nil)
	cfg := srv.Config()
	cfg.MaxConnsPerHost = opts.ConnsPerHost() // the connection pool should match the concurrency
	c, err := client.New(cfg)
	if err != nil {
		panic(err)
	}
	if err := c.CreateBucket(context.Background(), "photos", client.CreateBucketOptions{}); err != nil {
		panic(err)
	}
	m, err := transfer.New(c, opts)
	if err != nil {
		panic(err)
	}
	return m, srv.Close
}

func ExampleManager_UploadFile() {
	m, stop := exampleManager(transfer.Options{})
	defer stop()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cat.jpg")
	_ = os.WriteFile(path, bytes.Repeat([]byte("meow"), 1000), 0o600)

	res, err := m.UploadFile(context.Background(), path, transfer.UploadInput{Bucket: "photos", Key: "cats/cat.jpg",
		ObjectAttributes: client.ObjectAttributes{ContentType: client.ContentTypeFor(path)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Dest, res.Size, res.Verified)
	// Output: s3://photos/cats/cat.jpg 4000 md5
}

func ExampleManager_Upload() {
	m, stop := exampleManager(transfer.Options{})
	defer stop()
	// Any reader: stdin, a pipe, a network stream. Its length need not be known.
	res, err := m.Upload(context.Background(), strings.NewReader("streamed bytes"), transfer.UploadInput{Bucket: "photos", Key: "log.txt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Dest, res.Size)
	// Output: s3://photos/log.txt 14
}

func ExampleManager_DownloadFile() {
	var done int
	m, stop := exampleManager(transfer.Options{Progress: func(ev transfer.Event) {
		if ev.Type == transfer.Done {
			done++
		}
	}})
	defer stop()
	_, _ = m.Upload(context.Background(), strings.NewReader("hello"), transfer.UploadInput{Bucket: "photos", Key: "hello.txt"})
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	// The file appears only once it is complete and verified.
	res, err := m.DownloadFile(context.Background(), transfer.DownloadInput{Bucket: "photos", Key: "hello.txt"}, filepath.Join(dir, "hello.txt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(filepath.Join(dir, "hello.txt"))
	fmt.Println(string(data), res.Verified, done)
	// Output: hello md5 2
}

func ExampleManager_Download() {
	m, stop := exampleManager(transfer.Options{})
	defer stop()
	_, _ = m.Upload(context.Background(), strings.NewReader("to stdout\n"), transfer.UploadInput{Bucket: "photos", Key: "note.txt"})
	if _, err := m.Download(context.Background(), transfer.DownloadInput{Bucket: "photos", Key: "note.txt"}, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output: to stdout
}

func ExampleManager_Copy() {
	m, stop := exampleManager(transfer.Options{})
	defer stop()
	_, _ = m.Upload(context.Background(), strings.NewReader("original"), transfer.UploadInput{Bucket: "photos", Key: "a.txt"})
	res, err := m.Copy(context.Background(), transfer.CopyInput{SourceBucket: "photos", SourceKey: "a.txt",
		Dest: transfer.UploadInput{Bucket: "photos", Key: "b.txt"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Source, "->", res.Dest, res.Verified)
	// Output: s3://photos/a.txt -> s3://photos/b.txt md5
}
