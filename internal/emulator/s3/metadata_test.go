package s3_test

import (
	"bufio"
	"crypto/tls"
	"mime"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// wireHeaders sends req on its own TLS connection and returns the answer's
// header lines as written, names in their case (net/http would
// canonicalise them).
func wireHeaders(t *testing.T, srv *emulatortest.Server, req *http.Request) []string {
	t.Helper()
	conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: srv.CertPool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req.Close = true
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	tp := textproto.NewReader(bufio.NewReader(conn))
	var lines []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			t.Fatal(err)
		}
		if line == "" {
			return lines
		}
		lines = append(lines, line)
	}
}

// TestUserMetadataAsS3SendsIt: names in lower case whatever case they were
// sent in, values outside ASCII as RFC 2047 encoded words (decoded ones
// are stored decoded).
func TestUserMetadataAsS3SendsIt(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	put := srv.SignedRequest(t, http.MethodPut, "/bkt/obj", []byte("x"), "", http.Header{
		"X-Amz-Meta-Color": {"blue"}, "X-Amz-Meta-City": {"Zürich"}, "X-Amz-Meta-Word": {"=?UTF-8?B?w6ljb2xl?="},
	})
	if r := srv.Do(t, put); r.Status != 200 {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	lines := wireHeaders(t, srv, srv.SignedRequest(t, http.MethodHead, "/bkt/obj", nil, "", nil))
	got := map[string]string{}
	for _, l := range lines {
		if name, v, ok := strings.Cut(l, ": "); ok && strings.HasPrefix(strings.ToLower(name), "x-amz-meta-") {
			got[name] = v
		}
	}
	city, word := "=?UTF-8?B?WsO8cmljaA==?=", "=?UTF-8?B?w6ljb2xl?=" // Zürich, école
	want := map[string]string{"x-amz-meta-color": "blue", "x-amz-meta-city": city, "x-amz-meta-word": word}
	if len(got) != len(want) {
		t.Fatalf("metadata headers %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, lines)
		}
	}
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("obj")})
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(head.Metadata["city"]); err != nil || dec != "Zürich" {
		t.Errorf("city %q decodes to %q, %v", head.Metadata["city"], dec, err)
	}
}
