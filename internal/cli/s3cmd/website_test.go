package s3cmd_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/internal/cli/clitest"
)

// qcli s3 website sends PutBucketWebsite as the AWS CLI's s3 website does.
// The emulator does not serve ?website yet: a TLS fake checks the request.
func TestWebsite(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+string(body))
		mu.Unlock()
	}))
	defer srv.Close()
	e := clitest.ForServer(t, srv)
	for _, target := range []string{"s3://site", "site/"} {
		if r := e.MustRun("s3", "website", target, "--index-document", "index.html", "--error-document", "err/404.html"); r.Stdout != "" {
			t.Errorf("website printed %q; the AWS CLI prints nothing", r.Stdout)
		}
	}
	e.MustRun("s3", "website", "s3://site", "--index-document", "index.html")
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("requests %v", got)
	}
	for _, want := range []string{"PUT /site?website", "<IndexDocument><Suffix>index.html</Suffix></IndexDocument>", "<ErrorDocument><Key>err/404.html</Key></ErrorDocument>"} {
		if !strings.Contains(got[0], want) || !strings.Contains(got[1], want) {
			t.Errorf("the request lacks %q: %v", want, got)
		}
	}
	if strings.Contains(got[2], "ErrorDocument") {
		t.Errorf("an error document was sent without --error-document: %s", got[2])
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
		{[]string{"s3://nosuchbucket", "--index-document", "index.html"}, 254, "PutBucketWebsite"},
	} {
		r := e.Run("", append([]string{"s3", "website"}, c.args...)...)
		if r.Code != c.code || !strings.Contains(r.Stderr, c.says) || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("s3 website %v: exit %d %q, want %d and %q", c.args, r.Code, r.Stderr, c.code, c.says)
		}
	}
}
