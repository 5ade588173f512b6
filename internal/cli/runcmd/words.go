package runcmd

import (
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// splitWords splits one line of a batch into arguments the way a POSIX
// shell would split `qcli LINE`, with its quoting ('single', "double",
// backslash escapes) and # comments, but without any expansion: no
// variables, no command substitution, no ~, no globbing. A line that would
// need one is refused rather than passed on literally, since the user
// meant something else. One command a line: no ;, &&, |, & or redirection.
// It returns no words for a blank or comment-only line.
//
// mvdan.cc/sh parses the line, so its quoting rules are a real shell's.
func splitWords(line string) ([]string, error) {
	f, err := syntax.NewParser().Parse(strings.NewReader(line), "")
	if err != nil {
		return nil, syntaxError(err)
	}
	switch len(f.Stmts) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, errOneCommand
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || st.Coprocess || len(st.Redirs) > 0 {
		return nil, errOneCommand
	}
	if len(call.Assigns) > 0 {
		return nil, errors.New("variable assignments are not supported: set the environment of qcli run itself")
	}
	words := make([]string, 0, len(call.Args))
	for _, w := range call.Args {
		if err := checkLiteral(w); err != nil {
			return nil, err
		}
		// A fresh Config each time: the package fills in a nil one's
		// defaults in a shared variable. Empty, it has no variables and no
		// globbing, and checkLiteral has refused what would expand, so
		// this removes quotes and backslashes; only a brace expansion
		// ({a,b}) can still make more than one word of one.
		fields, err := expand.Fields(&expand.Config{}, w)
		if err != nil {
			return nil, err
		}
		if len(fields) != 1 {
			return nil, notExpanded(w)
		}
		words = append(words, fields[0])
	}
	return words, nil
}

var errOneCommand = errors.New("one command a line: ;, &&, ||, |, & and redirections are not supported")

// checkLiteral refuses a word whose value a shell would compute: the
// batch runs no shell, and passing `$HOME` on as five characters would do
// something the user did not ask for.
func checkLiteral(w *syntax.Word) error {
	if lit, ok := w.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
		return fmt.Errorf("%s: ~ is not expanded in a batch: write the path in full, or quote it", lit.Value)
	}
	var bad syntax.Node
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst, *syntax.ExtGlob:
			if bad == nil {
				bad = n
			}
			return false
		}
		return true
	})
	if bad != nil {
		return notExpanded(w)
	}
	return nil
}

func notExpanded(w *syntax.Word) error {
	return fmt.Errorf("%s: a batch line is not expanded by a shell (no $, `...` or {a,b}): write the value itself, or put it in 'single quotes'",
		wordText(w))
}

// wordText is the word as written.
func wordText(w *syntax.Word) string {
	var b strings.Builder
	_ = syntax.NewPrinter().Print(&b, w)
	return b.String()
}

// syntaxError drops the parser's "line:col:" position down to the column:
// the caller names the line of the batch.
func syntaxError(err error) error {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("column %d: %s", pe.Pos.Col(), pe.Text)
	}
	return err
}

// shown is a line as reports show it: as written, except that the value of
// a flag carrying a secret (--sse-c-key, --secret-key, a password or
// token) is replaced, since secrets never appear in output. A line whose
// words cannot be told apart is not shown at all if it names such a flag.
func shown(text string) string {
	words, err := splitWords(text)
	if err != nil {
		for _, w := range strings.Fields(text) {
			if name, _, _ := strings.Cut(w, "="); isSecretFlag(name) {
				return "(not shown: it sets " + name + ")"
			}
		}
		return text
	}
	redacted := false
	for i := 0; i < len(words); i++ {
		name, _, hasValue := strings.Cut(words[i], "=")
		if !isSecretFlag(name) {
			continue
		}
		redacted = true
		if hasValue {
			words[i] = name + "=REDACTED"
		} else if i+1 < len(words) {
			i++
			words[i] = "REDACTED"
		}
	}
	if !redacted {
		return text
	}
	for i, w := range words {
		if again, err := splitWords("x " + w); err == nil && len(again) == 2 && again[1] == w {
			continue // needs no quotes
		}
		if q, err := syntax.Quote(w, syntax.LangBash); err == nil {
			words[i] = q
		}
	}
	return strings.Join(words, " ")
}

// isSecretFlag tells the flags whose values are secrets by their names.
func isSecretFlag(name string) bool {
	if !strings.HasPrefix(name, "--") || strings.HasSuffix(name, "-stdin") {
		return false
	}
	for _, s := range []string{"secret", "password", "token", "api-key", "sse-c-key", "sse-c-copy-source-key"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
