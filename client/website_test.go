package client_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestBucketWebsiteRoundTrip(t *testing.T) {
	c, f := newFakeS3(t, configStore(map[string]string{"website": "NoSuchWebsiteConfiguration"}))
	ctx := context.Background()
	cfg := client.WebsiteConfig{IndexDocument: "index.html", ErrorDocument: "errors/404.html", RoutingRules: []client.RoutingRule{
		{KeyPrefixEquals: "docs/", ReplaceKeyPrefixWith: "documents/", HTTPRedirectCode: "301"},
		{HTTPErrorCodeReturnedEquals: "404", HostName: "example.com", Protocol: "https"},
	}}
	if err := c.PutBucketWebsite(ctx, "site", cfg); err != nil {
		t.Fatal(err)
	}
	put := f.last()
	if put.Method != http.MethodPut || put.Path != "/site" || !put.Query.Has("website") || put.Header.Get("Content-Md5") == "" {
		t.Errorf("sent %s %s?%s (Content-MD5 %q)", put.Method, put.Path, put.Query.Encode(), put.Header.Get("Content-Md5"))
	}
	xmlEqual(t, put.Body, `<WebsiteConfiguration><ErrorDocument><Key>errors/404.html</Key></ErrorDocument>
		<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>
		<RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><HttpRedirectCode>301</HttpRedirectCode><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule>
		<RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><HostName>example.com</HostName><Protocol>https</Protocol></Redirect></RoutingRule>
		</RoutingRules></WebsiteConfiguration>`)
	got, err := c.GetBucketWebsite(ctx, "site")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("GetBucketWebsite = %+v, want %+v", got, cfg)
	}
	f.last()
	if err := c.DeleteBucketWebsite(ctx, "site"); err != nil {
		t.Fatal(err)
	}
	if del := f.last(); del.Method != http.MethodDelete || !del.Query.Has("website") {
		t.Errorf("DeleteBucketWebsite sent %s ?%s", del.Method, del.Query.Encode())
	}
	_, err = c.GetBucketWebsite(ctx, "site")
	var se *client.Error
	if !errors.Is(err, client.ErrNoSuchWebsiteConfiguration) || !errors.As(err, &se) || se.Op != "GetBucketWebsite" || se.Bucket != "site" || se.StatusCode != 404 {
		t.Errorf("after delete: %v, want a NoSuchWebsiteConfiguration *Error", err)
	}
}

func TestBucketWebsiteRedirectAll(t *testing.T) {
	c, f := newFakeS3(t, configStore(nil))
	cfg := client.WebsiteConfig{RedirectAllRequestsTo: &client.WebsiteRedirectAll{HostName: "www.example.com", Protocol: "https"}}
	if err := c.PutBucketWebsite(context.Background(), "site", cfg); err != nil {
		t.Fatal(err)
	}
	xmlEqual(t, f.last().Body, `<WebsiteConfiguration><RedirectAllRequestsTo><HostName>www.example.com</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>`)
	if got, err := c.GetBucketWebsite(context.Background(), "site"); err != nil || !reflect.DeepEqual(got, cfg) {
		t.Errorf("GetBucketWebsite = %+v, %v", got, err)
	}
}

func TestBucketWebsiteValidatedBeforeSending(t *testing.T) {
	c, f := newFakeS3(t, configStore(nil))
	bad := map[string]client.WebsiteConfig{
		"no index":           {ErrorDocument: "e.html"},
		"index with a slash": {IndexDocument: "a/index.html"},
		"redirect and index": {IndexDocument: "i.html", RedirectAllRequestsTo: &client.WebsiteRedirectAll{HostName: "h"}},
		"redirect no host":   {RedirectAllRequestsTo: &client.WebsiteRedirectAll{Protocol: "https"}},
		"bad protocol":       {RedirectAllRequestsTo: &client.WebsiteRedirectAll{HostName: "h", Protocol: "ftp"}},
		"rule to nowhere":    {IndexDocument: "i.html", RoutingRules: []client.RoutingRule{{KeyPrefixEquals: "a/"}}},
		"two replacements":   {IndexDocument: "i.html", RoutingRules: []client.RoutingRule{{ReplaceKeyWith: "x", ReplaceKeyPrefixWith: "y"}}},
		"bad code":           {IndexDocument: "i.html", RoutingRules: []client.RoutingRule{{HostName: "h", HTTPRedirectCode: "200"}}},
	}
	for name, cfg := range bad {
		var ve *client.ValidationError
		if err := c.PutBucketWebsite(context.Background(), "site", cfg); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if err := c.PutBucketWebsite(context.Background(), "Bad_Bucket", client.WebsiteConfig{IndexDocument: "i.html"}); err == nil {
		t.Error("a bad bucket name was accepted")
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}
