package access_test

import (
	"context"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

type roots []string

func (r roots) IsRoot(ak string) bool {
	for _, k := range r {
		if k == ak {
			return true
		}
	}
	return false
}

func grant(g store.Grantee, p access.Permission) store.Grant {
	return store.Grant{Grantee: g, Permission: string(p)}
}

func TestAllowed(t *testing.T) {
	var (
		root  = access.Principal{AccessKey: "ROOT", Root: true}
		alice = access.Principal{AccessKey: "ALICE"}
		bob   = access.Principal{AccessKey: "BOB"}
		anon  = access.Principal{}
	)
	private := access.Resource{OwnerID: "ALICE"}
	publicRead := access.Resource{OwnerID: "ALICE", ACL: []store.Grant{grant(store.Grantee{URI: access.AllUsers}, access.Read)}}
	authRead := access.Resource{OwnerID: "ALICE", ACL: []store.Grant{grant(store.Grantee{URI: access.AuthenticatedUsers}, access.Read)}}
	toBob := access.Resource{OwnerID: "ALICE", ACL: []store.Grant{grant(store.Grantee{ID: "BOB"}, access.FullControl)}}
	enforced := publicRead
	enforced.ACLsDisabled = true
	rootOwned := access.Resource{OwnerID: access.RootID}
	tests := []struct {
		name string
		p    access.Principal
		res  access.Resource
		perm access.Permission
		want bool
	}{
		{"owner", alice, private, access.WriteACP, true},
		{"owner, owner-only", alice, private, access.OwnerOnly, true},
		{"root anywhere", root, private, access.OwnerOnly, true},
		{"other on private", bob, private, access.Read, false},
		{"anonymous on private", anon, private, access.Read, false},
		{"anonymous on public-read", anon, publicRead, access.Read, true},
		{"public-read does not let write", anon, publicRead, access.Write, false},
		{"public-read does not give owner-only", bob, publicRead, access.OwnerOnly, false},
		{"authenticated-read, signed", bob, authRead, access.Read, true},
		{"authenticated-read, anonymous", anon, authRead, access.Read, false},
		{"full control by id", bob, toBob, access.WriteACP, true},
		{"grant to another id", access.Principal{AccessKey: "CAROL"}, toBob, access.Read, false},
		{"ACLs disabled", anon, enforced, access.Read, false},
		{"root account's resource, other key", bob, rootOwned, access.Read, false},
		{"anonymous never owns an ownerless id", anon, access.Resource{}, access.Read, false},
	}
	for _, tt := range tests {
		if got := access.Allowed(tt.p, tt.res, tt.perm); got != tt.want {
			t.Errorf("%s: Allowed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIdentities(t *testing.T) {
	r := roots{"ROOT1", "ROOT2"}
	for owner, want := range map[string]string{"": access.RootID, "ROOT2": access.RootID, "ALICE": "ALICE"} {
		if got := access.OwnerID(r, owner); got != want {
			t.Errorf("OwnerID(%q) = %q, want %q", owner, got, want)
		}
	}
	if id := (access.Principal{AccessKey: "ROOT1", Root: true}).ID(); id != access.RootID {
		t.Errorf("root principal ID %q", id)
	}
	if p := access.FromContext(context.Background()); !p.Anonymous() {
		t.Errorf("no principal in context = %+v, want anonymous", p)
	}
	ctx := access.NewContext(context.Background(), access.Principal{AccessKey: "ALICE"})
	if p := access.FromContext(ctx); p.ID() != "ALICE" {
		t.Errorf("FromContext = %+v", p)
	}
}
