package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/qstoragetest"
)

// settingsClient returns a client for a stand-in server that stores
// bucket settings (website, lifecycle) and lists versions, for the
// examples of calls the local emulator does not serve yet.
func settingsClient() (*client.Client, func()) {
	store := configStore(map[string]string{"website": "NoSuchWebsiteConfiguration", "lifecycle": "NoSuchLifecycleConfiguration"})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a := store(recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header, Body: string(body)})
		if r.URL.Query().Has("versions") {
			a = xmlAnswer(`<ListVersionsResult><IsTruncated>false</IsTruncated>
				<DeleteMarker><Key>report.pdf</Key><VersionId>3</VersionId><IsLatest>true</IsLatest><LastModified>2026-03-03T00:00:00Z</LastModified></DeleteMarker>
				<Version><Key>report.pdf</Key><VersionId>2</VersionId><IsLatest>false</IsLatest><LastModified>2026-03-02T00:00:00Z</LastModified><Size>2048</Size></Version>
				<Version><Key>report.pdf</Key><VersionId>1</VersionId><IsLatest>false</IsLatest><LastModified>2026-03-01T00:00:00Z</LastModified><Size>1024</Size></Version>
				</ListVersionsResult>`)
		}
		for k, v := range a.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(max(a.Status, http.StatusOK))
		io.WriteString(w, a.Body)
	}))
	c, err := client.New(client.Config{Endpoint: srv.URL, HTTPClient: srv.Client(),
		Credentials: client.Credentials{AccessKeyID: "AKEXAMPLE", SecretAccessKey: "example-secret"}})
	if err != nil {
		log.Fatal(err)
	}
	return c, srv.Close
}

// Serve a bucket as a static website.
func ExampleClient_PutBucketWebsite() {
	c, done := settingsClient()
	defer done()
	ctx := context.Background()
	err := c.PutBucketWebsite(ctx, "site", client.WebsiteConfig{IndexDocument: "index.html", ErrorDocument: "error.html"})
	if err != nil {
		log.Fatal(err)
	}
	w, err := c.GetBucketWebsite(ctx, "site")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.IndexDocument, w.ErrorDocument)
	if err := c.DeleteBucketWebsite(ctx, "site"); err != nil {
		log.Fatal(err)
	}
	_, err = c.GetBucketWebsite(ctx, "site")
	fmt.Println(errors.Is(err, client.ErrNoSuchWebsiteConfiguration))
	// Output:
	// index.html error.html
	// true
}

// Expire logs after 30 days and clean up abandoned uploads after 7.
func ExampleClient_PutBucketLifecycleConfiguration() {
	c, done := settingsClient()
	defer done()
	ctx := context.Background()
	err := c.PutBucketLifecycleConfiguration(ctx, "logs", []client.LifecycleRule{{
		ID: "expire-logs", Status: client.LifecycleEnabled, Filter: client.LifecycleFilter{Prefix: "logs/"},
		Expiration: &client.LifecycleExpiration{Days: 30}, AbortIncompleteMultipartUploadDays: 7,
	}})
	if err != nil {
		log.Fatal(err)
	}
	rules, err := c.GetBucketLifecycleConfiguration(ctx, "logs")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rules {
		fmt.Println(r.ID, r.Filter.Prefix, r.Expiration.Days, r.AbortIncompleteMultipartUploadDays)
	}
	// Output:
	// expire-logs logs/ 30 7
}

// Versions and delete markers come together, newest first per key.
func ExampleClient_ListObjectVersions() {
	c, done := settingsClient()
	defer done()
	for page, err := range c.ListObjectVersions(context.Background(), client.ListObjectVersionsInput{Bucket: "archive"}) {
		if err != nil {
			log.Fatal(err)
		}
		for _, v := range page.Versions {
			fmt.Println(v.Key, v.VersionID, v.IsLatest, v.DeleteMarker, v.Size)
		}
	}
	// Output:
	// report.pdf 3 true true 0
	// report.pdf 2 false false 2048
	// report.pdf 1 false false 1024
}

// Tag an object, read the tags back, and remove them.
func ExampleClient_PutObjectTagging() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "docs", client.CreateBucketOptions{})
	if _, err := c.Upload(ctx, "docs", "plan.txt", []byte("v1")); err != nil {
		log.Fatal(err)
	}
	obj := client.ObjectRef{Bucket: "docs", Key: "plan.txt"}
	if _, err := c.PutObjectTagging(ctx, obj, []client.Tag{{Key: "team", Value: "storage"}}); err != nil {
		log.Fatal(err)
	}
	tags, err := c.GetObjectTagging(ctx, obj)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tags.Tags)
	// Output:
	// [{team storage}]
}

// IfNoneMatch "*" creates an object only where none exists, atomically.
func ExampleClient_PutObject_conditionalCreate() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "locks", client.CreateBucketOptions{})
	for _, owner := range []string{"job-1", "job-2"} {
		_, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "locks", Key: "nightly.lock", Body: strings.NewReader(owner),
			IfNoneMatch: client.IfNoneMatchAny})
		fmt.Println(owner, errors.Is(err, client.ErrPreconditionFailed))
	}
	// Output:
	// job-1 false
	// job-2 true
}

// The client computes the checksum, sends it as a header, and the service
// verifies it before storing the object.
func ExampleClient_PutObject_checksum() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "sums", client.CreateBucketOptions{})
	out, err := c.PutObject(ctx, client.PutObjectInput{Bucket: "sums", Key: "data.csv", Body: strings.NewReader("a,b\n1,2\n"),
		ChecksumAlgorithm: client.ChecksumSHA256})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Checksum)
	// Output:
	// SHA256:SS1epJYFbxpqZZIkEDL6t2TDIVljF5MLT6Dh6Lw7dHA=
}

// Calls made through S3() get the package's typed errors with WrapError.
func ExampleWrapError() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	_ = c.CreateBucket(ctx, "raw", client.CreateBucketOptions{})
	_, err := c.S3().GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("raw"), Key: aws.String("missing")})
	err = client.WrapError("GetObjectAcl", err)
	fmt.Println(errors.Is(err, client.ErrNoSuchKey))
	// Output:
	// true
}

// The operation table names every S3 operation the client offers, with
// the AWS CLI's name for it.
func ExampleOperations() {
	for _, op := range client.Operations() {
		if strings.Contains(op.Name, "Website") {
			fmt.Println(op.Name, op.CLIName(), op.Target)
		}
	}
	// Output:
	// DeleteBucketWebsite delete-bucket-website bucket
	// GetBucketWebsite get-bucket-website bucket
	// PutBucketWebsite put-bucket-website bucket
}

// Injection points: credentials from a provider (refreshed when they
// expire), the built-in HTTP client with a transport of your own around
// it (its timeouts kept), and a logger.
func ExampleConfig_injection() {
	srv := qstoragetest.NewServer(nil)
	defer srv.Close()
	hc := client.NewHTTPClient(client.Config{RootCAs: srv.RootCAs}) // the built-in transport: pool, timeouts, TLS roots
	hc.Transport = headerTransport{base: hc.Transport, name: "X-Request-Source", value: "billing-batch"}
	c, err := client.New(client.Config{
		Endpoint: srv.URL, Region: srv.Region,
		HTTPClient: hc,
		CredentialsProvider: aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			// e.g. read a rotated secret; the client asks again after Expires.
			return aws.Credentials{AccessKeyID: srv.Credentials.AccessKeyID, SecretAccessKey: srv.Credentials.SecretAccessKey}, nil
		}),
		Logger: slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.CreateBucket(context.Background(), "injected", client.CreateBucketOptions{}))
	// Output:
	// <nil>
}

type headerTransport struct {
	base        http.RoundTripper
	name, value string
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return h.base.RoundTrip(r)
}
