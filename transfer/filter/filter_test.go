package filter

import (
	"testing"
	"unicode/utf8"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"*", "a/b/c", true},
		{"*.txt", "a.txt", true},
		{"*.txt", "dir/a.txt", true}, // '*' crosses '/', as in the AWS CLI
		{"*.txt", "a.txt.gz", false},
		{"dir/*", "dir/a/b", true},
		{"dir/*", "dir2/a", false},
		{"?.go", "a.go", true},
		{"?.go", "ab.go", false},
		{"?", "é", true},
		{"[abc].x", "b.x", true},
		{"[!abc].x", "b.x", false},
		{"[!abc].x", "d.x", true},
		{"[a-c]*", "cat", true},
		{"[a-c]*", "dog", false},
		{"[]]", "]", true},
		{"[!]]", "a", true},
		{"[", "[", true},
		{"a[b", "a[b", true},
		{"**a", "bba", true},
		{"*a*b*c", "xaxbxc", true},
		{"*a*b*c", "xaxcxb", false},
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"ABC", "abc", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func TestLaterRulesWin(t *testing.T) {
	f := New(Rule{Pattern: "*"}, Rule{Include: true, Pattern: "*.txt"}, Rule{Pattern: "secret/*"})
	for name, want := range map[string]bool{
		"a.txt": true, "sub/b.txt": true, "a.jpg": false, "secret/c.txt": false, "secret/d.jpg": false,
	} {
		if got := f.Included(name); got != want {
			t.Errorf("Included(%q) = %v, want %v", name, got, want)
		}
	}
	if !(*Filter)(nil).Included("x") || !New().Included("x") {
		t.Error("an empty filter excludes")
	}
	if got := New(Rule{Include: true, Pattern: "*.txt"}).Included("a.jpg"); !got {
		t.Error("an include alone excluded a path: everything is included by default")
	}
}

// naive is a direct recursive reading of the same rules, to check Match.
func naive(pattern, name string) bool {
	if pattern == "" {
		return name == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(name); {
			if naive(pattern[1:], name[i:]) {
				return true
			}
			if i == len(name) {
				break
			}
			_, w := utf8.DecodeRuneInString(name[i:])
			i += w
		}
		return false
	case '?':
		if name == "" {
			return false
		}
		_, w := utf8.DecodeRuneInString(name)
		return naive(pattern[1:], name[w:])
	case '[':
		if end := classEnd(pattern, 0); end >= 0 {
			if name == "" {
				return false
			}
			c, w := utf8.DecodeRuneInString(name)
			set := pattern[1:end]
			neg := len(set) > 0 && set[0] == '!'
			if neg {
				set = set[1:]
			}
			return inSet(set, c) != neg && naive(pattern[end+1:], name[w:])
		}
	}
	return name != "" && pattern[0] == name[0] && naive(pattern[1:], name[1:])
}

func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"*.txt", "a/b.txt"}, {"[!a-c]?*", "dé"}, {"[]]*[", "]x["}, {"a*b*c", "aXbYc"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if len(pattern) > 12 || len(name) > 24 {
			return // keep the naive matcher's backtracking small
		}
		if got, want := Match(pattern, name), naive(pattern, name); got != want {
			t.Errorf("Match(%q, %q) = %v, naive says %v", pattern, name, got, want)
		}
		if !Match("*", name) || !Match(name+"*", name) && isLiteral(name) {
			t.Errorf("%q does not match * or itself*", name)
		}
	})
}

func isLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' || s[i] == '[' {
			return false
		}
	}
	return true
}
