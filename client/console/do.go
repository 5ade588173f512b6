package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/jsonapi"
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

// do sends cl along its route (retried as the route allows, see
// jsonapi.Retryable) and decodes the answer.
func (c *Client) do(ctx context.Context, cl call) error {
	rt, ok := RouteFor(cl.op)
	if !ok {
		return fmt.Errorf("console: no route for %s", cl.op)
	}
	return c.api.Do(ctx, jsonapi.Call{Op: string(cl.op), Method: rt.Method, Path: rt.Expand(cl.params), Query: cl.query,
		Idempotent: rt.Idempotent, In: cl.in, Subject: cl.resource}, cl.out)
}

// newCaller is the JSON caller for cfg: the API key (and token) on every
// request, errors as *Error and *client.ConnectionError.
func newCaller(cfg Config, base *url.URL, hc *http.Client) *jsonapi.Client {
	t := cfg.Transport
	return &jsonapi.Client{
		BaseURL: base.String(), HTTP: hc, UserAgent: t.UserAgent,
		Auth: func(ctx context.Context, h http.Header) ([]string, error) {
			key, err := jsonapi.Credential(ctx, cfg.APIKey, cfg.APIKeyProvider, "the API key", ErrNoAPIKey)
			if err != nil {
				return nil, err
			}
			h.Set("X-API-Key", key)
			if cfg.BearerToken != "" {
				h.Set("Authorization", "Bearer "+cfg.BearerToken)
			}
			return []string{key}, nil
		},
		Secrets: []string{cfg.APIKey, cfg.BearerToken},
		Retry:   jsonapi.Policy{MaxAttempts: t.MaxAttempts, BaseDelay: t.RetryBaseDelay, MaxBackoff: t.RetryMaxBackoff},
		StatusError: func(f *jsonapi.Failure) error {
			return &Error{Op: Op(f.Op), Resource: f.Subject, StatusCode: f.StatusCode, Message: f.Message}
		},
		ConnectionError: func(op string, err error) error {
			return &client.ConnectionError{Op: op, Endpoint: cfg.Endpoint, Err: err}
		},
		Logger: t.Logger, API: "console",
	}
}
