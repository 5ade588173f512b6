// Package httpdebug traces HTTP requests and responses for --debug with every
// credential, signature, token and key redacted. Bodies are never traced:
// they may hold secrets (QuickSync join passwords, console credentials) and
// object data.
package httpdebug

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Redacted replaces every secret value in a trace.
const Redacted = "[REDACTED]"

// secretHeaders are headers whose whole value is secret. Keys are canonical.
var secretHeaders = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"Cookie":               true,
	"Set-Cookie":           true,
	"X-Api-Key":            true,
	"X-Amz-Security-Token": true,
	"X-Amz-Server-Side-Encryption-Customer-Key":             true,
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key": true,
}

// secretParams are query parameters whose value is secret (presigned URLs).
var secretParams = map[string]bool{
	"x-amz-signature":      true,
	"x-amz-security-token": true,
	"x-amz-credential":     true,
	"signature":            true,
	"token":                true,
}

// Transport wraps Base and writes a trace of each exchange to Out.
type Transport struct {
	Base http.RoundTripper
	Out  io.Writer
	mu   sync.Mutex // keeps concurrent exchanges' lines together
}

// RoundTrip traces req, sends it through Base and traces the response headers.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.Base.RoundTrip(req)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, RedactURL(req.URL))
	writeHeaders(&b, "> ", req.Header)
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %s\n", time.Since(start).Round(time.Millisecond), RedactError(err))
	} else {
		fmt.Fprintf(&b, "< %s (%s)\n", resp.Status, time.Since(start).Round(time.Millisecond))
		writeHeaders(&b, "< ", resp.Header)
	}
	t.mu.Lock()
	io.WriteString(t.Out, b.String())
	t.mu.Unlock()
	return resp, err
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, name, RedactHeader(name, strings.Join(h[name], ", ")))
	}
}

// RedactHeader returns value, or Redacted when the header carries a secret.
func RedactHeader(name, value string) string {
	if secretHeaders[http.CanonicalHeaderKey(name)] {
		return Redacted
	}
	return value
}

// RedactURL returns u as a string with secret query parameters redacted.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = redactQuery(u.RawQuery)
	return c.String()
}

func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if unescaped, err := url.QueryUnescape(name); err == nil {
			name = unescaped
		}
		if hasValue && secretParams[strings.ToLower(name)] {
			parts[i] = url.QueryEscape(name) + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// RedactError returns err's text with any URL in it stripped of secret query
// parameters: net/http puts the request URL into its errors.
func RedactError(err error) string {
	var ue *url.Error
	msg := err.Error()
	if e, ok := err.(*url.Error); ok {
		ue = e
	}
	if ue != nil {
		if u, perr := url.Parse(ue.URL); perr == nil {
			msg = strings.ReplaceAll(msg, ue.URL, RedactURL(u))
		}
	}
	return msg
}
