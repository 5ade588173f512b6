package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
)

// exampleClient returns a client for a QStorage test server
// (qstoragetest), standing in for QStorage so the examples run anywhere.
// Against the real service, leave Endpoint empty: it defaults to
// https://qstorage.quilibrium.com.
func exampleClient() (*client.Client, func()) {
	srv := qstoragetest.NewServer(nil)
	c, err := client.New(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	return c, srv.Close
}

// The three-call surface: Upload, Download and List.
func Example() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()

	if err := c.CreateBucket(ctx, "photos", client.CreateBucketOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Upload(ctx, "photos", "cats/tom.txt", []byte("meow")); err != nil {
		log.Fatal(err)
	}
	data, err := c.Download(ctx, "photos", "cats/tom.txt")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(data))
	for obj, err := range c.List(ctx, "photos", "cats/") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(obj.Key, obj.Size)
	}
	// Output:
	// meow
	// cats/tom.txt 4
}

// Errors carry the S3 code; sentinels match them with errors.Is.
func ExampleError() {
	c, done := exampleClient()
	defer done()

	err := c.HeadBucket(context.Background(), "no-such-bucket")
	fmt.Println(errors.Is(err, client.ErrNoSuchBucket))
	var se *client.Error
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.Code)
	}
	// Output:
	// true
	// 404 NoSuchBucket
}

// ListObjects pages through a bucket; with a delimiter, keys group into
// common prefixes like directories.
func ExampleClient_ListObjects() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "docs", client.CreateBucketOptions{})
	for _, k := range []string{"a/1.txt", "a/2.txt", "readme.md"} {
		if _, err := c.Upload(ctx, "docs", k, nil); err != nil {
			log.Fatal(err)
		}
	}
	for page, err := range c.ListObjects(ctx, client.ListObjectsInput{Bucket: "docs", Delimiter: "/"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(page.CommonPrefixes)
		for _, o := range page.Objects {
			fmt.Println(o.Key)
		}
	}
	// Output:
	// [a/]
	// readme.md
}

// ValidateBucketName catches names the service would reject, before any request.
func ExampleValidateBucketName() {
	fmt.Println(client.ValidateBucketName("My_Bucket"))
	// Output:
	// invalid bucket name "My_Bucket": has upper-case letters; use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit
}
