package console

import (
	"context"
	"strings"
)

// ListPresignedURLs returns the presigned URLs the service generated that
// have not expired.
func (c *Client) ListPresignedURLs(ctx context.Context) ([]PresignedURL, error) {
	var out PresignedURLList
	if err := c.do(ctx, call{op: OpListPresignedURLs, out: &out}); err != nil {
		return nil, err
	}
	return out.URLs, nil
}

// CreatePresignedURL has the service generate a presigned URL signed with
// in.AccessKey's secret. The bucket, key, method and lifetime (1..604800
// seconds) are checked before any request. The URL is returned as the
// service gives it; it may be relative (see ResolveURL).
func (c *Client) CreatePresignedURL(ctx context.Context, in CreatePresignedURLInput) (string, error) {
	in.Method = strings.ToUpper(in.Method)
	if err := validatePresign(in); err != nil {
		return "", err
	}
	var out PresignedURLOutput
	if err := c.do(ctx, call{op: OpCreatePresignedURL, in: in, out: &out, resource: objectResource(in.BucketName, in.ObjectKey)}); err != nil {
		return "", err
	}
	return out.URL, nil
}
