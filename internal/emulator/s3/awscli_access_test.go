package s3_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// TestAWSCLIWebsiteACLAndTags: `aws s3 website`, a canned ACL set with
// s3api (the object then reads anonymously) and tags. botocore's reading
// of the answers is TestBoto3SubresourcesAndAccess's; each CLI start costs
// seconds, so this one only writes.
func TestAWSCLIWebsiteACLAndTags(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "site")
	emulatortest.MustPut(t, c, "site", "index.html", "<p>hi</p>")
	if _, err := awsCLI(t, srv, "--region", srv.Region, "s3", "website", "s3://site", "--index-document", "index.html", "--error-document", "error.html"); err != nil {
		t.Fatalf("aws s3 website: %v", err)
	}
	site, err := c.GetBucketWebsite(t.Context(), &s3.GetBucketWebsiteInput{Bucket: aws.String("site")})
	if err != nil || aws.ToString(site.IndexDocument.Suffix) != "index.html" || aws.ToString(site.ErrorDocument.Key) != "error.html" {
		t.Fatalf("website set by the CLI: %+v %v", site, err)
	}

	anon(t, srv, http.MethodGet, "/site/index.html", "").WantError(t, 403, "AccessDenied")
	if _, err := awsCLI(t, srv, "--region", srv.Region, "s3api", "put-object-acl", "--bucket", "site", "--key", "index.html", "--acl", "public-read"); err != nil {
		t.Fatalf("put-object-acl: %v", err)
	}
	if r := anon(t, srv, http.MethodGet, "/site/index.html", ""); r.Status != 200 || string(r.Body) != "<p>hi</p>" {
		t.Fatalf("anonymous GET after public-read: %d %s", r.Status, r.Body)
	}

	if _, err := awsCLI(t, srv, "--region", srv.Region, "s3api", "put-object-tagging", "--bucket", "site", "--key", "index.html",
		"--tagging", `{"TagSet":[{"Key":"b","Value":"2"},{"Key":"a","Value":"1"}]}`); err != nil {
		t.Fatalf("put-object-tagging: %v", err)
	}
	if got := tagKeys(t, c, "site", "index.html"); got != "a=1,b=2" {
		t.Fatalf("tags set by the CLI: %s", got)
	}
}
