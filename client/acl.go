package client

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Canned ACLs an object accepts (x-amz-acl).
var objectCannedACLs = []string{"private", "public-read", "public-read-write", "authenticated-read",
	"aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"}

// Grantee types of a Grant, and the x-amz-grant-* header syntax of each.
const (
	GranteeCanonicalUser = "CanonicalUser"         // id="..."
	GranteeGroup         = "Group"                 // uri="..."
	GranteeEmail         = "AmazonCustomerByEmail" // emailAddress="..."
)

// Permissions an object grant can give (WRITE applies to buckets only).
const (
	PermissionFullControl = "FULL_CONTROL"
	PermissionRead        = "READ"
	PermissionReadACP     = "READ_ACP"
	PermissionWriteACP    = "WRITE_ACP"
)

// GetObjectACL returns the object's access control list.
func (c *Client) GetObjectACL(ctx context.Context, obj ObjectRef) (ACL, error) {
	if err := obj.validate(); err != nil {
		return ACL{}, err
	}
	out, err := c.s3.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key), VersionId: optString(obj.VersionID)})
	if err != nil {
		return ACL{}, c.wrapErr("GetObjectAcl", obj.Bucket, obj.Key, err)
	}
	return aclFrom(out.Owner, out.Grants), nil
}

// PutObjectACLInput replaces an object's ACL with a canned ACL, or with
// grants (sent as x-amz-grant-* headers, which replace every grant the
// object had, the owner's included). Set one of the two.
type PutObjectACLInput struct {
	ObjectRef
	CannedACL string  // private, public-read, ...
	Grants    []Grant // each with Grantee, Type and Permission
}

// PutObjectACL sets the object's access control list.
func (c *Client) PutObjectACL(ctx context.Context, in PutObjectACLInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	headers, err := grantHeaders(in.CannedACL, in.Grants)
	if err != nil {
		return err
	}
	req := &s3.PutObjectAclInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key), VersionId: optString(in.VersionID),
		ACL: types.ObjectCannedACL(in.CannedACL)}
	req.GrantFullControl, req.GrantRead = headers[PermissionFullControl], headers[PermissionRead]
	req.GrantReadACP, req.GrantWriteACP = headers[PermissionReadACP], headers[PermissionWriteACP]
	_, err = c.s3.PutObjectAcl(ctx, req, withContentMD5)
	return c.wrapErr("PutObjectAcl", in.Bucket, in.Key, err)
}

// grantHeaders checks an ACL change and renders the grants as the value of
// each permission's x-amz-grant-* header: `id="a", uri="b"`.
func grantHeaders(canned string, grants []Grant) (map[string]*string, error) {
	switch {
	case canned == "" && len(grants) == 0:
		return nil, &ValidationError{Field: "ACL", Value: "", Problem: "is empty", Fix: "give a canned ACL such as private, or grants"}
	case canned != "" && len(grants) > 0:
		return nil, &ValidationError{Field: "ACL", Value: canned, Problem: "is canned and has grants too", Fix: "use one or the other"}
	case canned != "" && !slices.Contains(objectCannedACLs, canned):
		return nil, &ValidationError{Field: "canned ACL", Value: canned, Problem: "is not a canned ACL", Fix: "use one of " + strings.Join(objectCannedACLs, ", ")}
	}
	byPerm := map[string][]string{}
	for _, g := range grants {
		v, err := g.headerValue()
		if err != nil {
			return nil, err
		}
		byPerm[g.Permission] = append(byPerm[g.Permission], v)
	}
	out := map[string]*string{}
	for perm, vs := range byPerm {
		out[perm] = aws.String(strings.Join(vs, ", "))
	}
	return out, nil
}

// headerValue is the grantee as an x-amz-grant-* header names it.
func (g Grant) headerValue() (string, error) {
	switch g.Permission {
	case PermissionFullControl, PermissionRead, PermissionReadACP, PermissionWriteACP:
	default:
		return "", &ValidationError{Field: "grant permission", Value: g.Permission, Problem: "is not an object permission",
			Fix: "use FULL_CONTROL, READ, READ_ACP or WRITE_ACP"}
	}
	if g.Grantee == "" || strings.ContainsAny(g.Grantee, "\"\r\n,") {
		return "", &ValidationError{Field: "grantee", Value: g.Grantee, Problem: "is empty or holds a quote, comma or line break"}
	}
	kind := map[string]string{GranteeCanonicalUser: "id", GranteeGroup: "uri", GranteeEmail: "emailAddress"}[g.Type]
	if kind == "" {
		return "", &ValidationError{Field: "grantee type", Value: g.Type, Problem: "is not a grantee type", Fix: "use CanonicalUser, Group or AmazonCustomerByEmail"}
	}
	return fmt.Sprintf("%s=%q", kind, g.Grantee), nil
}
