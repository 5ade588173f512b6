package output

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Name renders a key, a path or any other name for text output. Names come
// from buckets and file systems anyone can write to; printed raw, an ESC
// starts a terminal escape sequence (colours, a changed window title, a
// rewritten screen), a CR or LF forges output lines, and a bidirectional
// override (U+202E) shows "exe.txt" for "txt.exe".
//
// A name holding none of these is printed as it is. One that holds any
// control character (C0, DEL, C1), a bidirectional override or isolate
// (U+202A–U+202E, U+2066–U+2069), bytes that are not UTF-8, or that starts
// with a double quote, is printed as a double-quoted Go string literal: \t,
// \n and \r, \xNN for the other C0 bytes, DEL and invalid bytes, \uNNNN
// for C1 and the bidirectional characters, and \" and \\. Unquoting it
// (strconv.Unquote) gives back the exact name. Since a name printed as it
// is never starts with a double quote, no two names print alike.
func Name(s string) string {
	if !needsQuoting(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

func needsQuoting(s string) bool {
	if strings.HasPrefix(s, `"`) || !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || unsafeRune(r) {
			return true
		}
	}
	return false
}

// unsafeRune reports the non-ASCII runes a terminal acts on: C1 controls
// (U+0080–U+009F; U+009B is CSI on some terminals) and the bidirectional
// embeddings, overrides and isolates.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// safeJSON rewrites the runes of unsafeRune and DEL in encoded JSON as
// \u escapes. encoding/json leaves them raw; they can only occur inside
// strings, where the escape decodes to the same value, so the JSON stays
// exact while a terminal showing it is not driven by it.
func safeJSON(data []byte) []byte {
	if !bytes.ContainsFunc(data, func(r rune) bool { return r == 0x7f || unsafeRune(r) }) {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == 0x7f || unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[:size]...)
		}
		data = data[size:]
	}
	return out
}
