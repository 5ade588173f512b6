// Package access decides whether a principal may act on a bucket or an
// object, by S3's rules for owners and ACLs: the owner may do everything,
// anyone else what a grant to them, to the AllUsers group (anonymous
// requests included) or to the AuthenticatedUsers group (any signed
// request) allows. The emulator's root keys, those it was started with,
// may do everything everywhere.
//
// Identities: a principal is an access key. The root keys are one account
// whose canonical user ID is RootID; every other key (one made through
// the console, or added later with SetCredential) is an account of its
// own whose canonical user ID is its access key ID, which is what grants
// name. Resources record their owner's access key; "" (made before owners
// were recorded) is the root account.
package access

import (
	"context"
	"slices"

	"github.com/quilibrium/qcli/internal/emulator/store"
)

// The root account's canonical user ID and display name: what the emulator
// showed as the single owner of everything before it had several.
const (
	RootID   = "71656d756c61746f72"
	RootName = "qcli-emulator"
)

// The predefined groups a grant can name by URI.
const (
	AllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// Permission is an ACL permission, as S3 spells it.
type Permission string

// The ACL permissions. OwnerOnly is no grant's: only the owner (and root)
// have it, as for bucket configuration (tagging, website, lifecycle...).
const (
	Read        Permission = "READ"
	Write       Permission = "WRITE"
	ReadACP     Permission = "READ_ACP"
	WriteACP    Permission = "WRITE_ACP"
	FullControl Permission = "FULL_CONTROL"
	OwnerOnly   Permission = ""
)

// Valid reports whether p is a permission a grant may carry.
func (p Permission) Valid() bool {
	return slices.Contains([]Permission{Read, Write, ReadACP, WriteACP, FullControl}, p)
}

// Principal is who sent a request: an access key, or nobody (anonymous).
type Principal struct {
	AccessKey string // "" for an anonymous (unsigned) request
	Root      bool   // one of the emulator's own keys
}

// Anonymous reports whether the request was unsigned.
func (p Principal) Anonymous() bool { return p.AccessKey == "" }

// ID is the principal's canonical user ID ("" when anonymous).
func (p Principal) ID() string {
	switch {
	case p.Root:
		return RootID
	case p.Anonymous():
		return ""
	}
	return p.AccessKey
}

// Roots tells the root keys from the others.
type Roots interface {
	IsRoot(accessKey string) bool
}

// OwnerID is the canonical user ID of the owner recorded as ownerKey.
func OwnerID(roots Roots, ownerKey string) string {
	if ownerKey == "" || roots.IsRoot(ownerKey) {
		return RootID
	}
	return ownerKey
}

// Resource is what a decision is about: its owner's canonical user ID and
// its ACL. ACLsDisabled (a bucket with BucketOwnerEnforced) leaves only the
// owner.
type Resource struct {
	OwnerID      string
	ACL          []store.Grant
	ACLsDisabled bool
}

// Allowed reports whether p may use perm on res.
func Allowed(p Principal, res Resource, perm Permission) bool {
	if p.Root || (!p.Anonymous() && p.ID() == res.OwnerID) {
		return true
	}
	if perm == OwnerOnly || res.ACLsDisabled {
		return false
	}
	for _, g := range res.ACL {
		if grants(Permission(g.Permission), perm) && covers(g.Grantee, p) {
			return true
		}
	}
	return false
}

// grants reports whether a grant of have gives want.
func grants(have, want Permission) bool {
	return have == want || have == FullControl
}

// covers reports whether a grantee includes p.
func covers(g store.Grantee, p Principal) bool {
	switch {
	case g.URI == AllUsers:
		return true
	case g.URI == AuthenticatedUsers:
		return !p.Anonymous()
	case g.ID != "":
		return !p.Anonymous() && g.ID == p.ID()
	}
	return false
}

type ctxKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext is the principal ctx carries; without one, anonymous.
func FromContext(ctx context.Context) Principal {
	p, _ := ctx.Value(ctxKey{}).(Principal)
	return p
}
