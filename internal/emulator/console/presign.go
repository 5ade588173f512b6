package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	consoleapi "github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// presignRequest is CreatePresignedURL's body with ExpiresIn a pointer, so
// that an explicit 0 is refused rather than taken for "default".
type presignRequest struct {
	BucketName string `json:"bucket_name"`
	ObjectKey  string `json:"object_key"`
	Method     string `json:"method"`
	ExpiresIn  *int64 `json:"expires_in"`
	AccessKey  string `json:"access_key"`
}

var presignMethods = []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete}

// createPresigned signs a URL with the named credential's secret, for this
// server's host, and records it so Stats and ListPresignedURLs count it. As
// in 003's example, the URL is relative to the server.
func (c *Server) createPresigned(r *http.Request, _ consoleapi.Params) (int, any, error) {
	in, err := readPresignRequest(r)
	if err != nil {
		return 0, nil, err
	}
	if !c.store.BucketExists(in.BucketName) {
		return 0, nil, s3err.NoSuchBucket(in.BucketName)
	}
	secret, err := c.activeSecret(in.AccessKey)
	if err != nil {
		return 0, nil, err
	}
	now := stamp(c.now())
	signed, err := c.presign(r, in, secret, now)
	if err != nil {
		return 0, nil, s3err.Internal(err)
	}
	c.mu.Lock()
	c.presigned = append(c.presigned, &consoleapi.PresignedURL{
		BucketName: in.BucketName, ObjectKey: in.ObjectKey, Method: in.Method, AccessKey: in.AccessKey,
		ExpiresAt: now.Add(time.Duration(*in.ExpiresIn) * time.Second), CreatedAt: now,
	})
	c.mu.Unlock()
	return http.StatusCreated, consoleapi.PresignedURLOutput{URL: signed}, nil
}

// readPresignRequest decodes and checks the request, filling the defaults
// 003 gives: method GET, 3600 seconds.
func readPresignRequest(r *http.Request) (*presignRequest, error) {
	var in presignRequest
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	if err := store.CheckBucketName(in.BucketName); err != nil {
		return nil, err
	}
	if in.ObjectKey == "" || len(in.ObjectKey) > 1024 {
		return nil, badRequest("invalid object_key: use 1 to 1024 bytes")
	}
	in.Method = strings.ToUpper(in.Method)
	if in.Method == "" {
		in.Method = http.MethodGet
	}
	if !slices.Contains(presignMethods, in.Method) {
		return nil, badRequest("invalid method %q: use GET, PUT, POST or DELETE", in.Method)
	}
	if in.ExpiresIn == nil {
		in.ExpiresIn = aws.Int64(consoleapi.DefaultExpiresIn)
	}
	if *in.ExpiresIn < 1 || *in.ExpiresIn > sigv4.MaxPresignSeconds {
		return nil, badRequest("invalid expires_in %d: use 1 to %d seconds", *in.ExpiresIn, sigv4.MaxPresignSeconds)
	}
	if in.AccessKey == "" {
		return nil, badRequest("access_key is required")
	}
	return &in, nil
}

// activeSecret is the secret of an active credential.
func (c *Server) activeSecret(accessKey string) (string, error) {
	secret, active, ok := c.keys.Lookup(accessKey)
	switch {
	case !ok:
		return "", notFound("no credential with access key %s", accessKey)
	case !active:
		return "", badRequest("credential %s is inactive: turn it on before signing with it", accessKey)
	}
	return secret, nil
}

// presign signs a path-style URL for the host r reached, the way the SDK
// presigns S3 requests, and returns its path and query.
func (c *Server) presign(r *http.Request, in *presignRequest, secret string, now time.Time) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u, err := url.Parse(scheme + "://" + r.Host + "/" + url.PathEscape(in.BucketName) + "/" + escapeKeyPath(in.ObjectKey))
	if err != nil {
		return "", err
	}
	u.RawQuery = url.Values{"X-Amz-Expires": {strconv.FormatInt(*in.ExpiresIn, 10)}}.Encode()
	req := &http.Request{Method: in.Method, URL: u, Host: r.Host, Header: http.Header{}}
	creds := aws.Credentials{AccessKeyID: in.AccessKey, SecretAccessKey: secret}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, sigv4.UnsignedPayload, "s3", c.region, now,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		return "", err
	}
	su, err := url.Parse(signed)
	if err != nil {
		return "", err
	}
	return su.RequestURI(), nil
}

// escapeKeyPath escapes each segment of a key, keeping its slashes.
func escapeKeyPath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// listPresigned lists the URLs that have not expired, forgetting the rest.
func (c *Server) listPresigned(*http.Request, consoleapi.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	out := consoleapi.PresignedURLList{URLs: []consoleapi.PresignedURL{}}
	for _, p := range c.presigned {
		out.URLs = append(out.URLs, *p)
	}
	return http.StatusOK, out, nil
}

func (c *Server) pruneLocked() {
	now := c.now()
	c.presigned = slices.DeleteFunc(c.presigned, func(p *consoleapi.PresignedURL) bool { return !now.Before(p.ExpiresAt) })
}
