package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Stats returns the system-wide counts: credentials, buckets, objects,
// bytes stored, unfinished multipart uploads and active presigned URLs.
func (c *Client) Stats(ctx context.Context) (*Stats, error) {
	var out Stats
	if err := c.do(ctx, call{op: OpStats, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCredentials returns every access credential, without secrets.
func (c *Client) ListCredentials(ctx context.Context) ([]Credential, error) {
	var raw json.RawMessage
	if err := c.do(ctx, call{op: OpListCredentials, out: &raw}); err != nil {
		return nil, err
	}
	return decodeCredentials(raw)
}

// decodeCredentials accepts {"credentials": [...]} and a bare array: 003
// does not show this answer, and both shapes are common.
func decodeCredentials(raw json.RawMessage) ([]Credential, error) {
	var list []Credential
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, fmt.Errorf("%s: the console's answer is not the expected JSON: %w", OpListCredentials, err)
		}
		return list, nil
	}
	var doc CredentialList
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("%s: the console's answer is not the expected JSON: %w", OpListCredentials, err)
		}
	}
	return doc.Credentials, nil
}

// CreateCredential creates an access credential. The answer holds the
// secret key, which the service does not show again.
func (c *Client) CreateCredential(ctx context.Context, in CreateCredentialInput) (*Credential, error) {
	var out Credential
	if err := c.do(ctx, call{op: OpCreateCredential, in: in, out: &out, resource: userResource(in.UserName)}); err != nil {
		return nil, err
	}
	return &out, nil
}

func userResource(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("for user %q", name)
}

// GetCredential returns one credential with the buckets it owns.
func (c *Client) GetCredential(ctx context.Context, id int64) (*CredentialDetail, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	var out CredentialDetail
	if err := c.do(ctx, call{op: OpGetCredential, params: Params{ID: id}, out: &out, resource: credResource(id)}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCredential renames a credential or turns it on or off; requests
// signed with an inactive credential are refused.
func (c *Client) UpdateCredential(ctx context.Context, id int64, in UpdateCredentialInput) (*Message, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	var out Message
	if err := c.do(ctx, call{op: OpUpdateCredential, params: Params{ID: id}, in: in, out: &out, resource: credResource(id)}); err != nil {
		return nil, err
	}
	return &out, nil
}

func credResource(id int64) string { return fmt.Sprintf("credential %d", id) }
