package runcmd

import (
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"# a comment", nil},
		{"cp s3://a/k s3://b/k", []string{"cp", "s3://a/k", "s3://b/k"}},
		{"  cp\ts3://a/k   s3://b/k  ", []string{"cp", "s3://a/k", "s3://b/k"}},
		{"rm 's3://b/old report.pdf'", []string{"rm", "s3://b/old report.pdf"}},
		{`rm "s3://b/say \"hi\""`, []string{"rm", `s3://b/say "hi"`}},
		{`rm s3://b/a\ b`, []string{"rm", "s3://b/a b"}},
		{`rm 's3://b/it'\''s'`, []string{"rm", "s3://b/it's"}},
		{`rm $'s3://b/tab\there'`, []string{"rm", "s3://b/tab\there"}},
		{"rm 's3://b/$HOME'", []string{"rm", "s3://b/$HOME"}},
		{"rm s3://b/a#1 # the comment", []string{"rm", "s3://b/a#1"}},
		{"rm s3://b/*.log", []string{"rm", "s3://b/*.log"}}, // no globbing
		{"rm 's3://b/{a,b}'", []string{"rm", "s3://b/{a,b}"}},
		{"rm s3://b/{a}", []string{"rm", "s3://b/{a}"}},
		{"cp a '~/b'", []string{"cp", "a", "~/b"}},
		{"cp a b~", []string{"cp", "a", "b~"}},
		{`rm ""`, []string{"rm", ""}},
	} {
		got, err := splitWords(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestSplitWordsRefusesWhatAShellWouldExpand(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"cp $HOME/a s3://b/a", "not expanded by a shell"},
		{`cp "${X}" s3://b/a`, "not expanded by a shell"},
		{"cp `ls` s3://b/a", "not expanded by a shell"},
		{"cp $(ls) s3://b/a", "not expanded by a shell"},
		{"cp $((1+1)) s3://b/a", "not expanded by a shell"},
		{"rm s3://b/{a,b}", "not expanded by a shell"},
		{"rm s3://b/{1..3}", "not expanded by a shell"},
		{"cp ~/a s3://b/a", "~ is not expanded"},
		{"cp a b; rm c", "one command a line"},
		{"cp a b && rm c", "one command a line"},
		{"ls s3://b | head", "one command a line"},
		{"ls s3://b > out", "one command a line"},
		{"cp a b &", "one command a line"},
		{"X=1 ls", "variable assignments"},
		{"cp 'a b", "column 4"},
		{`cp "a b`, "column 4"},
	} {
		_, err := splitWords(tc.line)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("splitWords(%q): error %v, want one containing %q", tc.line, err, tc.want)
		}
	}
}

func TestShownHidesSecrets(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"cp a s3://b/k", "cp a s3://b/k"},
		{"cp  'a b'  s3://b/k # as written", "cp  'a b'  s3://b/k # as written"},
		{"cp a s3://b/k --sse-c --sse-c-key KEY123", "cp a s3://b/k --sse-c --sse-c-key REDACTED"},
		{"stat s3://b/k --sse-c-key=KEY123", "stat s3://b/k --sse-c-key=REDACTED"},
		{"cp s3://b/k 'x y' --sse-c-copy-source-key KEY123", "cp s3://b/k 'x y' --sse-c-copy-source-key REDACTED"},
		{"console credentials create --secret-key S3CRET", "console credentials create --secret-key REDACTED"},
		{"quicksync login --password-stdin --session ID", "quicksync login --password-stdin --session ID"},
		{"cp 'a --sse-c-key KEY123", "(not shown: it sets --sse-c-key)"},
	} {
		if got := shown(tc.line); got != tc.want {
			t.Errorf("shown(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// FuzzSplitWords: any line either is refused or splits into words that,
// quoted back, split into the same words.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{"cp s3://a/k s3://b/k", `rm "a \" b" 'c d' e\ f`, "# c", "cp $X", "a;b", "ls ~", `$'\n'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r\x00") {
			return // lines are split on newlines before they get here
		}
		words, err := splitWords(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			q, err := syntax.Quote(w, syntax.LangBash)
			if err != nil {
				return // a word a shell cannot quote (invalid UTF-8)
			}
			quoted[i] = q
		}
		again, err := splitWords(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("%q split into %q; quoted back as %q it splits into %q, %v", line, words, quoted, again, err)
		}
	})
}
