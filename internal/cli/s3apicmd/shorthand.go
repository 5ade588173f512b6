package s3apicmd

import (
	"fmt"
	"strings"
	"unicode"
)

// parseShorthand reads the AWS CLI's shorthand syntax for structures and
// maps, a port of awscli/shorthand.py's ShorthandParser:
//
//	Status=Enabled
//	TagSet=[{Key=a,Value=b},{Key=c,Value=d}]
//	a=b,c=d           (a map)
//	Keys=x,y,z        (a list: values after the first that hold no "=")
//
// It yields map[string]any, []any and string; assign converts the strings
// to the members' types as the AWS CLI does. key@=file://path reads a
// value from a file.
func parseShorthand(s string) (map[string]any, error) {
	p := &shorthandParser{in: []rune(s)}
	return p.parameter()
}

type shorthandParser struct {
	in      []rune
	i       int
	resolve bool // the current key was written key@=: its values are file references
}

// shorthandError says where the syntax broke, as the AWS CLI does.
type shorthandError struct {
	input    string
	expected string
	actual   string
	at       int
}

func (e *shorthandError) Error() string {
	return fmt.Sprintf("expected %s, found %s at character %d of %q", e.expected, e.actual, e.at+1, e.input)
}

func (p *shorthandParser) fail(expected string) error {
	actual := "the end"
	if !p.eof() {
		actual = fmt.Sprintf("%q", p.in[p.i])
	}
	return &shorthandError{input: string(p.in), expected: expected, actual: actual, at: p.i}
}

func (p *shorthandParser) eof() bool { return p.i >= len(p.in) }

func (p *shorthandParser) current() rune {
	if p.eof() {
		return 0
	}
	return p.in[p.i]
}

func (p *shorthandParser) skipSpace() {
	for !p.eof() && unicode.IsSpace(p.in[p.i]) {
		p.i++
	}
}

func (p *shorthandParser) expect(c rune, skipSpace bool) error {
	if skipSpace {
		p.skipSpace()
	}
	if p.current() != c || p.eof() {
		return p.fail(fmt.Sprintf("%q", c))
	}
	p.i++
	if skipSpace {
		p.skipSpace()
	}
	return nil
}

func (p *shorthandParser) parameter() (map[string]any, error) {
	params := map[string]any{}
	for first := true; first || !p.eof(); first = false {
		if !first {
			if err := p.expect(',', true); err != nil {
				return nil, err
			}
		}
		at := p.i
		key, val, err := p.keyval()
		if err != nil {
			return nil, err
		}
		if _, dup := params[key]; dup {
			return nil, fmt.Errorf("key %q appears twice in %q (often a \",\" where a space was meant)", key, string(p.in[:at]))
		}
		params[key] = val
	}
	return params, nil
}

func (p *shorthandParser) keyval() (string, any, error) {
	key, err := p.keyAndEquals()
	if err != nil {
		return "", nil, err
	}
	val, err := p.values()
	return key, val, err
}

// keyAndEquals reads "key=" or "key@=" (whose values are file references).
func (p *shorthandParser) keyAndEquals() (string, error) {
	key := p.key()
	p.skipSpace()
	p.resolve = p.current() == '@'
	if p.resolve {
		p.i++
	}
	return key, p.expect('=', true)
}

func (p *shorthandParser) key() string {
	start := p.i
	for !p.eof() {
		c := p.in[p.i]
		if !(c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("-_.#/:", c))) {
			break
		}
		p.i++
	}
	return string(p.in[start:p.i])
}

func (p *shorthandParser) values() (any, error) {
	switch {
	case p.eof():
		return "", nil
	case p.current() == '[':
		return p.explicitList()
	case p.current() == '{':
		return p.hashLiteral()
	}
	return p.csvValue()
}

// csvValue is "a" or "a,b,c": values after the first belong to the list
// until one is followed by "=", which makes it the next key.
func (p *shorthandParser) csvValue() (any, error) {
	first, err := p.firstValue()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.eof() || p.current() != ',' {
		return first, nil
	}
	if err := p.expect(',', true); err != nil {
		return nil, err
	}
	list := []any{first}
	for {
		v, err := p.secondValue()
		if err == nil {
			p.skipSpace()
			if p.eof() {
				list = append(list, v)
				break
			}
			err = p.expect(',', true)
			if err == nil {
				list = append(list, v)
				continue
			}
		}
		if p.eof() {
			return nil, err
		}
		for p.i >= 0 && p.in[p.i] != ',' { // the value was the next key: back to its comma
			p.i--
		}
		break
	}
	if len(list) == 1 {
		return first, nil
	}
	return list, nil
}

func (p *shorthandParser) explicitList() (any, error) {
	if err := p.expect('[', true); err != nil {
		return nil, err
	}
	values := []any{}
	for p.current() != ']' {
		if p.eof() {
			return nil, p.fail(`"]"`)
		}
		v, err := p.explicitValue()
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		p.skipSpace()
		if p.current() != ']' {
			if err := p.expect(',', false); err != nil {
				return nil, err
			}
			p.skipSpace()
		}
	}
	return values, p.expect(']', false)
}

func (p *shorthandParser) explicitValue() (any, error) {
	switch p.current() {
	case '[':
		return p.explicitList()
	case '{':
		return p.hashLiteral()
	}
	return p.firstValue()
}

func (p *shorthandParser) hashLiteral() (any, error) {
	if err := p.expect('{', true); err != nil {
		return nil, err
	}
	m := map[string]any{}
	for p.current() != '}' {
		if p.eof() {
			return nil, p.fail(`"}"`)
		}
		key, err := p.keyAndEquals()
		if err != nil {
			return nil, err
		}
		v, err := p.explicitValue()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.current() != '}' {
			if err := p.expect(',', false); err != nil {
				return nil, err
			}
			p.skipSpace()
		}
		m[key] = v
	}
	return m, p.expect('}', false)
}

func (p *shorthandParser) firstValue() (any, error) {
	switch p.current() {
	case '\'', '"':
		return p.quoted()
	}
	return p.resolved(p.word(isFirstFollow)), nil
}

func (p *shorthandParser) secondValue() (any, error) {
	switch p.current() {
	case '\'', '"':
		return p.quoted()
	}
	w := p.word(isSecondFollow)
	if w == "" {
		return nil, p.fail("a value")
	}
	return p.resolved(w), nil
}

// word consumes an unquoted value: a start character, then characters
// follow accepts; "\," is a comma inside the value.
func (p *shorthandParser) word(follow func(rune) bool) string {
	var b strings.Builder
	for n := 0; !p.eof(); n++ {
		c := p.in[p.i]
		if c == '\\' && p.i+1 < len(p.in) && p.in[p.i+1] == ',' {
			b.WriteRune(',')
			p.i += 2
			continue
		}
		if n == 0 && !isStartWord(c) || n > 0 && !follow(c) {
			break
		}
		b.WriteRune(c)
		p.i++
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

func (p *shorthandParser) quoted() (any, error) {
	q := p.in[p.i]
	start := p.i
	p.i++
	for !p.eof() && p.in[p.i] != q {
		if p.in[p.i] == '\\' && p.i+1 < len(p.in) && p.in[p.i+1] == q {
			p.i++
		}
		p.i++
	}
	if p.eof() {
		p.i = start
		return nil, p.fail("a closing " + string(q))
	}
	p.i++
	v := string(p.in[start+1 : p.i-1])
	v = strings.ReplaceAll(v, `\`+string(q), string(q))
	v = strings.ReplaceAll(v, `\\`, `\`)
	return p.resolved(v), nil
}

// resolved reads a key@=file://path value.
func (p *shorthandParser) resolved(v string) any {
	if !p.resolve {
		return v
	}
	return fileRef(v)
}

// fileRef is a value written key@=file://path in shorthand, read when it
// is assigned (so the error can name the member).
type fileRef string

// The character classes of awscli's shorthand value regular expressions.
func isStartWord(c rune) bool {
	return c == '!' || c >= '#' && c <= '&' || c >= '(' && c <= '+' || c >= '-' && c <= '<' ||
		c >= '>' && c <= 'Z' || c >= '\\' && c <= 'z' || c >= '|'
}

func isFirstFollow(c rune) bool {
	return unicode.IsSpace(c) || c == '!' || c >= '#' && c <= '&' || c >= '(' && c <= '+' ||
		c >= '-' && c <= '\\' || c >= '^' && c <= '|' || c >= '~'
}

func isSecondFollow(c rune) bool {
	return unicode.IsSpace(c) || c == '!' || c >= '#' && c <= '&' || c >= '(' && c <= '+' ||
		c >= '-' && c <= '<' || c >= '>'
}
