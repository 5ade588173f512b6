package qstoragetest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
)

// In a test, pass the test's t: the server then closes when the test ends.
// An Example has no t, so it passes nil and closes the server itself.
func ExampleNewServer() {
	srv := qstoragetest.NewServer(nil)
	defer srv.Close()

	c, err := client.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateBucket(ctx, "reports", client.CreateBucketOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Upload(ctx, "reports", "2026/q4.csv", []byte("region,total\n")); err != nil {
		log.Fatal(err)
	}
	for obj, err := range c.List(ctx, "reports", "2026/") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(obj.Key, obj.Size)
	}
	// Output: 2026/q4.csv 13
}
