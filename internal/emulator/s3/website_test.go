package s3_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// putConfig sends an XML configuration as a raw signed PUT with its
// Content-MD5, for documents the SDK would not build.
func putConfig(t *testing.T, srv *emulatortest.Server, path, doc string) emulatortest.Response {
	t.Helper()
	sum := md5.Sum([]byte(doc))
	h := http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}
	return srv.Do(t, srv.SignedRequest(t, http.MethodPut, path, []byte(doc), "", h))
}

func TestBucketWebsite(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "site")
	ctx, b := t.Context(), aws.String("site")
	_, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 404, "NoSuchWebsiteConfiguration")

	cfg := &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &types.ErrorDocument{Key: aws.String("error.html")},
		RoutingRules: []types.RoutingRule{{
			Condition: &types.Condition{KeyPrefixEquals: aws.String("docs/")},
			Redirect:  &types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/"), HttpRedirectCode: aws.String("301")},
		}},
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	if err != nil || aws.ToString(got.IndexDocument.Suffix) != "index.html" || aws.ToString(got.ErrorDocument.Key) != "error.html" ||
		len(got.RoutingRules) != 1 || aws.ToString(got.RoutingRules[0].Redirect.ReplaceKeyPrefixWith) != "documents/" ||
		aws.ToString(got.RoutingRules[0].Condition.KeyPrefixEquals) != "docs/" || got.RedirectAllRequestsTo != nil {
		t.Fatalf("website %+v %v", got, err)
	}
	redirect := &types.WebsiteConfiguration{RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("example.com"), Protocol: types.ProtocolHttps}}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: redirect}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	if err != nil || got.IndexDocument != nil || aws.ToString(got.RedirectAllRequestsTo.HostName) != "example.com" || got.RedirectAllRequestsTo.Protocol != types.ProtocolHttps {
		t.Fatalf("redirect-all website %+v %v", got, err)
	}

	for name, doc := range map[string]string{
		"no index document":          `<WebsiteConfiguration><ErrorDocument><Key>e.html</Key></ErrorDocument></WebsiteConfiguration>`,
		"empty suffix":               `<WebsiteConfiguration><IndexDocument><Suffix></Suffix></IndexDocument></WebsiteConfiguration>`,
		"suffix with a slash":        `<WebsiteConfiguration><IndexDocument><Suffix>a/index.html</Suffix></IndexDocument></WebsiteConfiguration>`,
		"redirect all and index":     `<WebsiteConfiguration><RedirectAllRequestsTo><HostName>h</HostName></RedirectAllRequestsTo><IndexDocument><Suffix>i</Suffix></IndexDocument></WebsiteConfiguration>`,
		"redirect all, bad protocol": `<WebsiteConfiguration><RedirectAllRequestsTo><HostName>h</HostName><Protocol>ftp</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>`,
		"rule without redirect":      rules(`<RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition></RoutingRule>`),
		"empty redirect":             rules(`<RoutingRule><Redirect></Redirect></RoutingRule>`),
		"empty condition":            rules(`<RoutingRule><Condition></Condition><Redirect><HostName>h</HostName></Redirect></RoutingRule>`),
		"both replace forms":         rules(`<RoutingRule><Redirect><ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b</ReplaceKeyPrefixWith></Redirect></RoutingRule>`),
		"redirect code 300":          rules(`<RoutingRule><Redirect><HttpRedirectCode>300</HttpRedirectCode></Redirect></RoutingRule>`),
		"redirect code 200":          rules(`<RoutingRule><Redirect><HttpRedirectCode>200</HttpRedirectCode></Redirect></RoutingRule>`),
		"error code 200":             rules(`<RoutingRule><Condition><HttpErrorCodeReturnedEquals>200</HttpErrorCodeReturnedEquals></Condition><Redirect><HostName>h</HostName></Redirect></RoutingRule>`),
	} {
		r := putConfig(t, srv, "/site?website", doc)
		if r.Status != 400 || r.ErrorDoc(t).Code != "InvalidArgument" {
			t.Errorf("%s: %d %s, want 400 InvalidArgument", name, r.Status, r.Body)
		}
	}
	putConfig(t, srv, "/site?website", "<WebsiteConfiguration>").WantError(t, 400, "MalformedXML")

	if _, err := c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	emulatortest.WantAPIError(t, err, 404, "NoSuchWebsiteConfiguration")
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("nope")})
	emulatortest.WantAPIError(t, err, 404, "NoSuchBucket")
}

// rules wraps routing rules in a configuration with an index document.
func rules(rs string) string {
	return `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>` + rs + `</RoutingRules></WebsiteConfiguration>`
}
