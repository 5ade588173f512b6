package transfer

import "testing"

// The unreadable-entry list, as the walk reports entries: a directory
// whose ReadDir failed as "d/", the root as "", a link as "loop". These
// are the cases a root user cannot provoke with permissions.
func TestUnreadHides(t *testing.T) {
	for _, c := range []struct {
		unread []string
		rel    string // destination entries, in key order
		want   bool
	}{
		{[]string{"d/"}, "d/keep", true},
		{[]string{"d/"}, "d", true},
		{[]string{"d/"}, "d-x", false},
		{[]string{"d/"}, "dz", false},
		{[]string{"a/d/"}, "a/d/e/f", true},
		{[]string{""}, "anything", true},
		{[]string{""}, "z/z", true},
		{[]string{"loop", "loopa"}, "loop/x", true},
		{[]string{"loop", "loopa"}, "loopa/x", true},
		{[]string{"loop", "loopa"}, "loopb", false},
	} {
		var u unread
		for _, r := range c.unread {
			u.add(r)
		}
		if got := u.hides(c.rel); got != c.want {
			t.Errorf("unread %q hides %q: %v, want %v", c.unread, c.rel, got, c.want)
		}
	}
}

// An entry the destination has got past for good is dropped; one it may
// still reach (a name sorting between "d" and "d/") is not.
func TestUnreadForgetsWhatTheDestinationPassed(t *testing.T) {
	var u unread
	u.add("d/")
	u.add("")
	for _, rel := range []string{"d", "d-x", "d/x", "e"} {
		if !u.hides(rel) {
			t.Errorf("%q not hidden by the root", rel)
		}
	}
	if len(u) != 1 || u[0] != "" {
		t.Errorf("after e: %q, want only the root left", u)
	}
	var v unread
	v.add("d/")
	if v.hides("d-x") || len(v) != 1 {
		t.Errorf("d-x: %q; d/ must stay, d/... still to come", v)
	}
	if !v.hides("d/y") || v.hides("e") || len(v) != 0 {
		t.Errorf("after e: %q, want empty", v)
	}
}
