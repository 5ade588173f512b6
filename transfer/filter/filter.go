// Package filter decides which paths of a tree a command works on, with
// the AWS CLI's --exclude and --include rules: every path is included
// unless a rule says otherwise, rules are evaluated in the order given,
// and the last rule that matches a path decides.
//
// Patterns are matched against the path relative to the tree's root,
// slash-separated, with Unix shell wildcards as Python's fnmatch has them:
// '*' matches any run of characters, '/' included (so "*.txt" matches
// "a/b.txt"); '?' matches one character; "[abc]", "[a-z]" and "[!abc]"
// match one character of, or not of, a set. Matching is case-sensitive.
package filter

import "unicode/utf8"

// Rule is one --include or --exclude pattern.
type Rule struct {
	Include bool
	Pattern string
}

// Filter is an ordered list of rules. The zero value includes everything.
type Filter struct {
	rules []Rule
}

// New returns a filter over rules, in command-line order.
func New(rules ...Rule) *Filter { return &Filter{rules: rules} }

// Rules returns the filter's rules.
func (f *Filter) Rules() []Rule {
	if f == nil {
		return nil
	}
	return append([]Rule(nil), f.rules...)
}

// Included reports whether rel is included: the last matching rule
// decides, and with none matching the path is included.
func (f *Filter) Included(rel string) bool {
	if f == nil {
		return true
	}
	for i := len(f.rules) - 1; i >= 0; i-- {
		if Match(f.rules[i].Pattern, rel) {
			return f.rules[i].Include
		}
	}
	return true
}

// Match reports whether name matches the shell pattern as a whole.
func Match(pattern, name string) bool {
	// Iterative wildcard matching with one backtrack point: on a mismatch
	// after a '*', retry with the '*' swallowing one more character. Linear
	// in practice, and never exponential.
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				starP, starN = p, n
				p++
				continue
			case '?':
				_, w := utf8.DecodeRuneInString(name[n:])
				p, n = p+1, n+w
				continue
			case '[':
				if ok, np, nn := matchClass(pattern, p, name, n); np > 0 {
					if ok {
						p, n = np, nn
						continue
					}
					goto backtrack
				}
			}
			if pattern[p] == name[n] {
				p, n = p+1, n+1
				continue
			}
		}
	backtrack:
		if starP < 0 {
			return false
		}
		_, w := utf8.DecodeRuneInString(name[starN:])
		starN += w
		p, n = starP+1, starN
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchClass matches the set starting at pattern[p] == '[' against the
// character at name[n]. It returns np == 0 when the '[' opens no complete
// set and is to be taken literally, as fnmatch does.
func matchClass(pattern string, p int, name string, n int) (ok bool, np, nn int) {
	end := classEnd(pattern, p)
	if end < 0 {
		return false, 0, 0
	}
	c, w := utf8.DecodeRuneInString(name[n:])
	set := pattern[p+1 : end]
	negate := len(set) > 0 && set[0] == '!'
	if negate {
		set = set[1:]
	}
	return inSet(set, c) != negate, end + 1, n + w
}

// classEnd finds the ']' closing the set at pattern[p]; a ']' right after
// "[" or "[!" is a member, not the end.
func classEnd(pattern string, p int) int {
	i := p + 1
	if i < len(pattern) && pattern[i] == '!' {
		i++
	}
	if i < len(pattern) && pattern[i] == ']' {
		i++
	}
	for ; i < len(pattern); i++ {
		if pattern[i] == ']' {
			return i
		}
	}
	return -1
}

// inSet reports whether c is in a set body such as "a-z_0".
func inSet(set string, c rune) bool {
	for len(set) > 0 {
		lo, w := utf8.DecodeRuneInString(set)
		set = set[w:]
		hi := lo
		if len(set) >= 2 && set[0] == '-' {
			hi, w = utf8.DecodeRuneInString(set[1:])
			set = set[1+w:]
		}
		if lo <= c && c <= hi {
			return true
		}
	}
	return false
}
