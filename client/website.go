package client

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// WebsiteConfig is a bucket's static website configuration: either an
// index document (with an optional error document and routing rules), or
// a redirect of every request to another host.
type WebsiteConfig struct {
	// IndexDocument is the suffix served for a request to a "directory",
	// e.g. "index.html". It may not contain a slash.
	IndexDocument string `json:"index_document,omitempty"`
	// ErrorDocument is the key served on a 4xx error, e.g. "error.html".
	ErrorDocument string `json:"error_document,omitempty"`
	// RedirectAllRequestsTo sends every request elsewhere; it excludes the
	// other fields.
	RedirectAllRequestsTo *WebsiteRedirectAll `json:"redirect_all_requests_to,omitempty"`
	RoutingRules          []RoutingRule       `json:"routing_rules,omitempty"`
}

// WebsiteRedirectAll is the host (and protocol) every request goes to.
type WebsiteRedirectAll struct {
	HostName string `json:"host_name"`
	Protocol string `json:"protocol,omitempty"` // "http" or "https"; default: the request's
}

// RoutingRule redirects requests that meet its condition.
type RoutingRule struct {
	// Condition: a key prefix, an error code returned, or both; empty
	// matches every request.
	KeyPrefixEquals             string `json:"key_prefix_equals,omitempty"`
	HTTPErrorCodeReturnedEquals string `json:"http_error_code_returned_equals,omitempty"`
	// Redirect: where the request goes. ReplaceKeyPrefixWith and
	// ReplaceKeyWith exclude each other.
	HostName             string `json:"host_name,omitempty"`
	Protocol             string `json:"protocol,omitempty"`
	HTTPRedirectCode     string `json:"http_redirect_code,omitempty"` // e.g. "301"
	ReplaceKeyPrefixWith string `json:"replace_key_prefix_with,omitempty"`
	ReplaceKeyWith       string `json:"replace_key_with,omitempty"`
}

// Validate reports the first part of the configuration the service would
// refuse.
func (w WebsiteConfig) Validate() error {
	bad := func(field, value, problem, fix string) error {
		return &ValidationError{Field: "website " + field, Value: value, Problem: problem, Fix: fix}
	}
	if r := w.RedirectAllRequestsTo; r != nil {
		switch {
		case w.IndexDocument != "" || w.ErrorDocument != "" || len(w.RoutingRules) > 0:
			return bad("redirect", r.HostName, "cannot be combined with documents or routing rules", "redirect everything, or serve documents")
		case r.HostName == "":
			return bad("redirect host", "", "is empty", "name the host requests go to")
		}
		return validateProtocol(r.Protocol)
	}
	switch {
	case w.IndexDocument == "":
		return bad("index document", "", "is empty", "name the index document, e.g. index.html")
	case strings.Contains(w.IndexDocument, "/"):
		return bad("index document", w.IndexDocument, "contains a slash", "give a suffix such as index.html")
	}
	if w.ErrorDocument != "" {
		if err := ValidateKey(w.ErrorDocument); err != nil {
			return err
		}
	}
	for _, r := range w.RoutingRules {
		if err := r.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (r RoutingRule) validate() error {
	if r.ReplaceKeyPrefixWith != "" && r.ReplaceKeyWith != "" {
		return &ValidationError{Field: "routing rule", Value: r.ReplaceKeyWith, Problem: "sets both ReplaceKeyWith and ReplaceKeyPrefixWith", Fix: "set one of them"}
	}
	if r.HostName == "" && r.HTTPRedirectCode == "" && r.ReplaceKeyPrefixWith == "" && r.ReplaceKeyWith == "" && r.Protocol == "" {
		return &ValidationError{Field: "routing rule", Value: r.KeyPrefixEquals, Problem: "redirects nowhere", Fix: "set a host, a protocol, a code or a key replacement"}
	}
	for _, code := range []string{r.HTTPRedirectCode, r.HTTPErrorCodeReturnedEquals} {
		if n, err := strconv.Atoi(code); code != "" && (err != nil || n < 300 || n > 599) {
			return &ValidationError{Field: "routing rule HTTP code", Value: code, Problem: "is not a redirect or error status"}
		}
	}
	return validateProtocol(r.Protocol)
}

func validateProtocol(p string) error {
	if p != "" && p != "http" && p != "https" {
		return &ValidationError{Field: "website protocol", Value: p, Problem: "is not http or https"}
	}
	return nil
}

func (w WebsiteConfig) sdk() *types.WebsiteConfiguration {
	out := &types.WebsiteConfiguration{}
	if w.IndexDocument != "" {
		out.IndexDocument = &types.IndexDocument{Suffix: aws.String(w.IndexDocument)}
	}
	if w.ErrorDocument != "" {
		out.ErrorDocument = &types.ErrorDocument{Key: aws.String(w.ErrorDocument)}
	}
	if r := w.RedirectAllRequestsTo; r != nil {
		out.RedirectAllRequestsTo = &types.RedirectAllRequestsTo{HostName: aws.String(r.HostName), Protocol: types.Protocol(r.Protocol)}
	}
	for _, r := range w.RoutingRules {
		rule := types.RoutingRule{Redirect: &types.Redirect{HostName: optString(r.HostName), Protocol: types.Protocol(r.Protocol),
			HttpRedirectCode: optString(r.HTTPRedirectCode), ReplaceKeyPrefixWith: optString(r.ReplaceKeyPrefixWith),
			ReplaceKeyWith: optString(r.ReplaceKeyWith)}}
		if r.KeyPrefixEquals != "" || r.HTTPErrorCodeReturnedEquals != "" {
			rule.Condition = &types.Condition{KeyPrefixEquals: optString(r.KeyPrefixEquals), HttpErrorCodeReturnedEquals: optString(r.HTTPErrorCodeReturnedEquals)}
		}
		out.RoutingRules = append(out.RoutingRules, rule)
	}
	return out
}

func websiteFrom(out *s3.GetBucketWebsiteOutput) WebsiteConfig {
	var w WebsiteConfig
	if out.IndexDocument != nil {
		w.IndexDocument = aws.ToString(out.IndexDocument.Suffix)
	}
	if out.ErrorDocument != nil {
		w.ErrorDocument = aws.ToString(out.ErrorDocument.Key)
	}
	if r := out.RedirectAllRequestsTo; r != nil {
		w.RedirectAllRequestsTo = &WebsiteRedirectAll{HostName: aws.ToString(r.HostName), Protocol: string(r.Protocol)}
	}
	for _, r := range out.RoutingRules {
		var rule RoutingRule
		if c := r.Condition; c != nil {
			rule.KeyPrefixEquals, rule.HTTPErrorCodeReturnedEquals = aws.ToString(c.KeyPrefixEquals), aws.ToString(c.HttpErrorCodeReturnedEquals)
		}
		if d := r.Redirect; d != nil {
			rule.HostName, rule.Protocol, rule.HTTPRedirectCode = aws.ToString(d.HostName), string(d.Protocol), aws.ToString(d.HttpRedirectCode)
			rule.ReplaceKeyPrefixWith, rule.ReplaceKeyWith = aws.ToString(d.ReplaceKeyPrefixWith), aws.ToString(d.ReplaceKeyWith)
		}
		w.RoutingRules = append(w.RoutingRules, rule)
	}
	return w
}

// PutBucketWebsite sets the bucket's website configuration, replacing any.
func (c *Client) PutBucketWebsite(ctx context.Context, bucket string, cfg WebsiteConfig) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	_, err := c.s3.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String(bucket), WebsiteConfiguration: cfg.sdk()}, withContentMD5)
	return c.wrapErr("PutBucketWebsite", bucket, "", err)
}

// GetBucketWebsite returns the bucket's website configuration; a bucket
// without one gives an error matching ErrNoSuchWebsiteConfiguration.
func (c *Client) GetBucketWebsite(ctx context.Context, bucket string) (WebsiteConfig, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return WebsiteConfig{}, err
	}
	out, err := c.s3.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(bucket)})
	if err != nil {
		return WebsiteConfig{}, c.wrapErr("GetBucketWebsite", bucket, "", err)
	}
	return websiteFrom(out), nil
}

// DeleteBucketWebsite removes the bucket's website configuration.
func (c *Client) DeleteBucketWebsite(ctx context.Context, bucket string) error {
	if err := ValidateBucketName(bucket); err != nil {
		return err
	}
	_, err := c.s3.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: aws.String(bucket)})
	return c.wrapErr("DeleteBucketWebsite", bucket, "", err)
}
