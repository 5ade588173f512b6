package s3cmd_test

import (
	"context"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// qcli s3 website sets the configuration aws s3 website sets.
func TestWebsite(t *testing.T) {
	e := clitest.New(t)
	e.MustRun("s3", "mb", "s3://site")
	for _, target := range []string{"s3://site", "site/"} {
		if r := e.MustRun("s3", "website", target, "--index-document", "index.html", "--error-document", "err/404.html"); r.Stdout != "" {
			t.Errorf("website printed %q; the AWS CLI prints nothing", r.Stdout)
		}
		got, err := e.Client().GetBucketWebsite(context.Background(), "site")
		if err != nil || got.IndexDocument != "index.html" || got.ErrorDocument != "err/404.html" {
			t.Errorf("after s3 website %s: %+v, %v", target, got, err)
		}
	}
	e.MustRun("s3", "website", "s3://site", "--index-document", "home.html")
	if got, err := e.Client().GetBucketWebsite(context.Background(), "site"); err != nil || got.IndexDocument != "home.html" || got.ErrorDocument != "" {
		t.Errorf("the configuration is replaced whole: %+v, %v", got, err)
	}
}

func TestWebsiteBadInputs(t *testing.T) {
	e := clitest.New(t)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"s3://site"}, 252, "needs --index-document"},
		{[]string{"s3://site", "--index-document", "a/index.html"}, 252, "--index-document: invalid website index document"},
		{[]string{"s3://site", "--index-document", "index.html", "--error-document", strings.Repeat("e", 1025)}, 252, "--error-document: invalid key"},
		{[]string{"s3://site/key", "--index-document", "index.html"}, 252, "takes a bucket, not an object"},
		{[]string{"s3://Site", "--index-document", "index.html"}, 252, "invalid bucket name"},
		{[]string{}, 2, "needs one bucket"},
		{[]string{"s3://nosuchbucket", "--index-document", "index.html"}, 1, "NoSuchBucket"}, // a refused s3 command exits 1, as aws s3
	} {
		r := e.Run("", append([]string{"s3", "website"}, c.args...)...)
		if r.Code != c.code || !strings.Contains(r.Stderr, c.says) || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("s3 website %v: exit %d %q, want %d and %q", c.args, r.Code, r.Stderr, c.code, c.says)
		}
	}
}
