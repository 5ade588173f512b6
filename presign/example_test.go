package presign_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/presign"
)

// A CI job presigns an upload; the build machine runs
// curl -T app.tar.gz -H "Content-Type: application/gzip" "$URL".
// Presigning sends nothing, so this runs offline.
func ExamplePresigner_PutObject() {
	c, err := client.New(client.Config{Credentials: client.Credentials{AccessKeyID: "AKEXAMPLE", SecretAccessKey: "secret"}})
	if err != nil {
		log.Fatal(err)
	}
	req, err := presign.New(c).PutObject(context.Background(), presign.PutObjectInput{
		Bucket: "artifacts", Key: "app.tar.gz", ContentType: "application/gzip", ExpiresIn: 2 * time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.Method, req.URL[:len("https://qstorage.quilibrium.com/artifacts/app.tar.gz")])
	fmt.Println("send Content-Type:", req.Header.Get("Content-Type"))
	fmt.Println("valid for:", time.Until(req.Expires).Round(time.Hour))
	// Output:
	// PUT https://qstorage.quilibrium.com/artifacts/app.tar.gz
	// send Content-Type: application/gzip
	// valid for: 2h0m0s
}
