package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
	"github.com/quilibrium/qcli/transfer"
)

// List reads a large prefix with several requests at once and still
// yields the keys in order, each page checked as client.ListObjects checks
// it.
func ExampleList() {
	srv := qstoragetest.NewServer(nil)
	defer srv.Close()
	c, _ := client.New(srv.Config())
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "logs", client.CreateBucketOptions{})
	for _, key := range []string{"2026/01/a", "2026/01/b", "2026/02/a", "2026/03/a", "2026-notes", "readme"} {
		_, _ = c.PutObject(ctx, client.PutObjectInput{Bucket: "logs", Key: key, Body: strings.NewReader(key)})
	}

	for page, err := range transfer.List(ctx, c, transfer.ListInput{Bucket: "logs", Prefix: "2026", PageSize: 2, Concurrency: 4}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, o := range page.Objects {
			fmt.Println(o.Key)
		}
	}
	// Output:
	// 2026-notes
	// 2026/01/a
	// 2026/01/b
	// 2026/02/a
	// 2026/03/a
}

// N processes given --shard 0/N to N-1/N split one job between them
// without talking to each other: each key belongs to exactly one shard,
// by a hash of its first path segment, the same on every machine and
// release (this output must never change).
func ExampleParseShard() {
	keys := []string{"photos/a.jpg", "photos/b.jpg", "videos/c.mp4", "docs/d.pdf", "readme.md"}
	for i := range 3 {
		sh, err := transfer.ParseShard(fmt.Sprintf("%d/3", i))
		if err != nil {
			fmt.Println(err)
			return
		}
		var mine []string
		for _, k := range keys {
			if sh.Owns(k) {
				mine = append(mine, k)
			}
		}
		fmt.Println(sh, mine)
	}
	_, err := transfer.ParseShard("3/3")
	fmt.Println(err)
	// Output:
	// 0/3 [photos/a.jpg photos/b.jpg]
	// 1/3 [docs/d.pdf readme.md]
	// 2/3 [videos/c.mp4]
	// the index must be 0 to 2 (counting from 0), not 3
}

// With NoOverwrite an upload writes only where no object is, atomically:
// the write itself is conditional (If-None-Match: *), so a writer racing
// in between cannot be overwritten either.
func ExampleManager_UploadFile_noOverwrite() {
	m, stop := exampleManager(transfer.Options{})
	defer stop()
	ctx := context.Background()
	in := transfer.UploadInput{Bucket: "photos", Key: "first.txt", NoOverwrite: true}
	if _, err := m.Upload(ctx, strings.NewReader("first"), in); err != nil {
		fmt.Println(err)
		return
	}
	_, err := m.Upload(ctx, strings.NewReader("second"), in)
	fmt.Println(errors.Is(err, transfer.ErrExists))
	// Output: true
}
