package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// call is one API request: the route's placeholders and query, the JSON
// body, where the answer is decoded to, and what errors name.
type call struct {
	op       Op
	params   Params
	query    url.Values
	in       any // marshalled as the JSON body when non-nil
	out      any // the answer is decoded into it when non-nil
	resource string
}

// answer is one attempt's outcome, read in full so that a connection
// breaking mid-body is retried like one breaking before the headers.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends cl, retrying as the route allows, and decodes the answer.
func (c *Client) do(ctx context.Context, cl call) error {
	rt, ok := RouteFor(cl.op)
	if !ok {
		return fmt.Errorf("console: no route for %s", cl.op)
	}
	var body []byte
	if cl.in != nil {
		var err error
		if body, err = json.Marshal(cl.in); err != nil {
			return fmt.Errorf("%s: encoding the request: %w", cl.op, err)
		}
	}
	target := c.base.String() + rt.Expand(cl.params)
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	ans, err := c.retry(ctx, rt, func() (*answer, error) { return c.send(ctx, rt.Method, target, body) })
	if err != nil {
		return c.transportError(ctx, cl, err)
	}
	if ans.status >= 300 {
		return newError(cl.op, cl.resource, ans.status, ans.body)
	}
	if cl.out == nil || len(bytes.TrimSpace(ans.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(ans.body, cl.out); err != nil {
		return fmt.Errorf("%s: the console's answer is not the expected JSON: %w", cl.op, err)
	}
	return nil
}

// send makes one attempt.
func (c *Client) send(ctx context.Context, method, target string, body []byte) (*answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	c.setHeaders(req, body != nil)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (c *Client) setHeaders(req *http.Request, hasBody bool) {
	h := req.Header
	h.Set("X-API-Key", c.cfg.APIKey)
	if c.cfg.BearerToken != "" {
		h.Set("Authorization", "Bearer "+c.cfg.BearerToken)
	}
	h.Set("Accept", "application/json")
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	h.Set("User-Agent", strings.TrimSpace("qcli/"+client.Version+" "+c.cfg.Transport.UserAgent))
}

// transportError names what failed: the caller's context, or the network.
// It asks ctx, not err: net/http's read timeouts match
// context.DeadlineExceeded too, and they are network failures.
func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", cl.op, ctxErr)
	}
	return &client.ConnectionError{Op: string(cl.op), Endpoint: c.cfg.Endpoint, Err: err}
}
