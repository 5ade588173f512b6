package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestObjectACLCannedOnTheEmulator(t *testing.T) {
	c, _ := newTestClient(t)
	ctx := context.Background()
	mustCreate(t, c, "acls")
	if _, err := c.Upload(ctx, "acls", "page.html", []byte("<p>")); err != nil {
		t.Fatal(err)
	}
	obj := client.ObjectRef{Bucket: "acls", Key: "page.html"}
	if err := c.PutObjectACL(ctx, client.PutObjectACLInput{ObjectRef: obj, CannedACL: "public-read"}); err != nil {
		t.Fatal(err)
	}
	acl, err := c.GetObjectACL(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	public := false
	for _, g := range acl.Grants {
		if g.Type == client.GranteeGroup && g.Grantee == "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission == client.PermissionRead {
			public = true
		}
	}
	if !public || acl.Owner.ID == "" {
		t.Errorf("public-read ACL = %+v", acl)
	}
}

func TestObjectACLGrantHeaders(t *testing.T) {
	c, f := newFakeS3(t, func(r recorded) answer {
		if r.Method == http.MethodGet {
			return xmlAnswer(`<AccessControlPolicy><Owner><ID>owner-1</ID><DisplayName>ada</DisplayName></Owner><AccessControlList>
				<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner-1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>
				<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>
				</AccessControlList></AccessControlPolicy>`)
		}
		return answer{}
	})
	ctx := context.Background()
	obj := client.ObjectRef{Bucket: "acls", Key: "k", VersionID: "v2"}
	err := c.PutObjectACL(ctx, client.PutObjectACLInput{ObjectRef: obj, Grants: []client.Grant{
		{Grantee: "owner-1", Type: client.GranteeCanonicalUser, Permission: client.PermissionFullControl},
		{Grantee: "http://acs.amazonaws.com/groups/global/AllUsers", Type: client.GranteeGroup, Permission: client.PermissionRead},
		{Grantee: "friend-2", Type: client.GranteeCanonicalUser, Permission: client.PermissionRead},
		{Grantee: "ops@example.com", Type: client.GranteeEmail, Permission: client.PermissionReadACP},
	}})
	if err != nil {
		t.Fatal(err)
	}
	put := f.last()
	want := map[string]string{
		"X-Amz-Grant-Full-Control": `id="owner-1"`,
		"X-Amz-Grant-Read":         `uri="http://acs.amazonaws.com/groups/global/AllUsers", id="friend-2"`,
		"X-Amz-Grant-Read-Acp":     `emailAddress="ops@example.com"`,
		"X-Amz-Grant-Write-Acp":    "",
		"X-Amz-Acl":                "",
	}
	for h, v := range want {
		if got := put.Header.Get(h); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	if put.Method != http.MethodPut || !put.Query.Has("acl") || put.Query.Get("versionId") != "v2" {
		t.Errorf("sent %s ?%s", put.Method, put.Query.Encode())
	}
	acl, err := c.GetObjectACL(ctx, obj)
	if err != nil || acl.Owner.ID != "owner-1" || len(acl.Grants) != 2 ||
		acl.Grants[1] != (client.Grant{Grantee: "http://acs.amazonaws.com/groups/global/AllUsers", Type: client.GranteeGroup, Permission: client.PermissionRead}) {
		t.Errorf("GetObjectACL = %+v, %v", acl, err)
	}
}

func TestObjectACLValidatedBeforeSending(t *testing.T) {
	c, f := newFakeS3(t, func(recorded) answer { return answer{} })
	obj := client.ObjectRef{Bucket: "acls", Key: "k"}
	good := client.Grant{Grantee: "id-1", Type: client.GranteeCanonicalUser, Permission: client.PermissionRead}
	bad := map[string]client.PutObjectACLInput{
		"nothing":         {ObjectRef: obj},
		"both":            {ObjectRef: obj, CannedACL: "private", Grants: []client.Grant{good}},
		"unknown canned":  {ObjectRef: obj, CannedACL: "world-writable"},
		"bucket-only":     {ObjectRef: obj, Grants: []client.Grant{{Grantee: "id-1", Type: client.GranteeCanonicalUser, Permission: "WRITE"}}},
		"unknown type":    {ObjectRef: obj, Grants: []client.Grant{{Grantee: "id-1", Type: "Robot", Permission: client.PermissionRead}}},
		"quote injection": {ObjectRef: obj, Grants: []client.Grant{{Grantee: `a", id="b`, Type: client.GranteeCanonicalUser, Permission: client.PermissionRead}}},
		"no key":          {ObjectRef: client.ObjectRef{Bucket: "acls"}, CannedACL: "private"},
	}
	for name, in := range bad {
		var ve *client.ValidationError
		if err := c.PutObjectACL(context.Background(), in); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}
