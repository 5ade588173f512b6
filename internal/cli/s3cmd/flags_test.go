package s3cmd

import (
	"context"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdtest"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// The s3 commands' flag tables: each command line, through the command's
// runF, gives these Options or fails with this error, before any request.
// (What the Options then do is tested through the emulator.)

const (
	exitParse  = cmdutil.ExitParse
	exitSyntax = cmdutil.ExitSyntax
)

// newCmd binds a NewCmdX to a test Factory; s3 command lines go through
// OptionalValueArgs first, as under the root command.
func newCmd[O any](t *testing.T, newCmdX func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command) cmdtest.NewCmd[O] {
	f := cmdtest.Factory(t, nil)
	return func(runF func(context.Context, *O) error) *cobra.Command { return newCmdX(f, runF) }
}

func s3Cases[O any](cases []cmdtest.Case[O]) []cmdtest.Case[O] {
	for i := range cases {
		cases[i].Args = OptionalValueArgs(cases[i].Args)
	}
	return cases
}

func TestLsFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, NewCmdLs), []cmdtest.Case[LsOptions]{
		{Args: nil, Want: LsOptions{ListConcurrency: transfer.DefaultListConcurrency}},
		{Args: []string{"s3://b/p/", "--recursive", "--human-readable", "--summarize", "--page-size", "10", "--versions", "--list-concurrency", "3"},
			Want: LsOptions{Target: "s3://b/p/", Recursive: true, HumanReadable: true, Summarize: true, PageSize: 10, Versions: true, ListConcurrency: 3}},
		{Args: []string{"s3://b", "--recursive", "--list-concurrency", "0"}, Err: "invalid --list-concurrency 0: use 1 to 1000", Code: exitSyntax},
		{Args: []string{"s3://b", "--page-size", "1001"}, Err: "invalid --page-size 1001: use 1 to 1000", Code: exitSyntax},
		{Args: []string{"s3://a", "s3://b"}, Err: "takes at most one S3 URI", Code: exitParse},
		{Args: []string{"--recursve"}, Err: "unknown flag: --recursve; did you mean --recursive?", Code: exitParse},
	})
}

func TestMbRbFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, NewCmdMb), []cmdtest.Case[MbOptions]{
		{Args: []string{"s3://b"}, Want: MbOptions{Target: "s3://b"}},
		{Args: []string{"s3://b", "--acl", "public-read", "--object-lock"}, Want: MbOptions{Target: "s3://b", ACL: "public-read", ObjectLock: true}},
		{Args: []string{"s3://b", "--acl", "bucket-owner-read"}, Err: `invalid --acl "bucket-owner-read"`, Code: exitSyntax},
		{Args: nil, Err: "needs one bucket URI", Code: exitParse},
	})
	cmdtest.Run(t, newCmd(t, NewCmdRb), []cmdtest.Case[RbOptions]{
		{Args: []string{"s3://b"}, Want: RbOptions{Target: "s3://b", PageSize: 1000}},
		{Args: []string{"s3://b", "--force", "--page-size", "5"}, Want: RbOptions{Target: "s3://b", Force: true, PageSize: 5}},
		{Args: []string{"s3://b", "--page-size", "0"}, Want: RbOptions{Target: "s3://b"}}, // 0: the service's default
		{Args: []string{"s3://b", "--page-size", "-1"}, Err: "invalid --page-size -1", Code: exitSyntax},
	})
}

func TestWebsiteFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, NewCmdWebsite), []cmdtest.Case[WebsiteOptions]{
		{Args: []string{"s3://b", "--index-document", "index.html", "--error-document", "404.html"},
			Want: WebsiteOptions{Target: "s3://b", IndexDocument: "index.html", ErrorDocument: "404.html"}},
		{Args: []string{"s3://b", "s3://c"}, Err: "needs one bucket", Code: exitParse},
	})
}

func TestPresignFlags(t *testing.T) {
	hour := time.Hour
	cmdtest.Run(t, newCmd(t, NewCmdPresign), []cmdtest.Case[PresignOptions]{
		{Args: []string{"s3://b/k"}, Want: PresignOptions{Target: "s3://b/k", Method: "GET", ExpiresIn: hour}},
		{Args: []string{"s3://b/k", "--method", "put", "--expires-in", "7d", "--content-type", "text/plain", "--metadata", "a=1,b=2"},
			Want: PresignOptions{Target: "s3://b/k", Method: "PUT", ExpiresIn: 7 * 24 * hour, ContentType: "text/plain", Metadata: map[string]string{"a": "1", "b": "2"}}},
		{Args: []string{"s3://b/k", "--post", "--max-size", "100", "--key-prefix", "up/"},
			Want: PresignOptions{Target: "s3://b/k", Method: "GET", ExpiresIn: hour, Post: true, MaxSize: 100, KeyPrefix: "up/"}},
		{Args: []string{"s3://b/k", "--version-id", "v1", "--method", "head"}, Want: PresignOptions{Target: "s3://b/k", Method: "HEAD", ExpiresIn: hour, VersionID: "v1"}},
		{Args: []string{"s3://b/k", "--expires-in", "8d"}, Err: "--expires-in", Code: exitSyntax},
		{Args: []string{"s3://b/k", "--method", "PATCH"}, Err: `unsupported --method "PATCH"`, Code: exitSyntax},
		{Args: []string{"s3://b/k", "--max-size", "1"}, Err: "--max-size needs --post", Code: exitSyntax},
		{Args: []string{"s3://b/k", "--content-type", "x/y"}, Err: "apply to --method PUT and --post, not GET", Code: exitSyntax},
		{Args: []string{"s3://b/k", "--method", "put", "--version-id", "v"}, Err: "--version-id applies to GET", Code: exitSyntax},
		{Args: []string{"s3://b/k", "--post", "--method", "put"}, Err: "drop --method", Code: exitSyntax},
	})
}

// cpWant is what cp SRC DST parses into with every flag at its default,
// changed by edit.
func cpWant(src, dst string, move bool, edit func(*CpOptions)) CpOptions {
	o := CpOptions{Src: src, Dst: dst, Move: move,
		Transfer: transferFlags{Concurrency: transfer.DefaultConcurrency, PartSize: "8MiB", Threshold: "8MiB", PageSize: 1000,
			Progress: "auto", FollowSymlink: true, ListConcurrency: transfer.DefaultListConcurrency, ShardDepth: 1},
		Attrs: attrFlags{CopyProps: "default"}}
	if edit != nil {
		edit(&o)
	}
	return o
}

func TestCpMvFlags(t *testing.T) {
	const sseKey = "0123456789abcdef0123456789abcdef"
	cases := func(move bool) []cmdtest.Case[CpOptions] {
		return s3Cases([]cmdtest.Case[CpOptions]{
			{Args: []string{"a.txt", "s3://b/"}, Want: cpWant("a.txt", "s3://b/", move, nil)},
			{Args: []string{"dir", "s3://b/p/", "--recursive", "--no-overwrite", "--exclude", "*", "--include", "*.txt", "--exclude", "x*",
				"--dryrun", "--concurrency", "3", "--part-size", "16MiB", "--multipart-threshold", "1GiB", "--no-progress", "--no-follow-symlinks"},
				Want: cpWant("dir", "s3://b/p/", move, func(o *CpOptions) {
					o.Recursive, o.NoOverwrite = true, true
					o.Transfer.Rules = []filter.Rule{{Pattern: "*"}, {Include: true, Pattern: "*.txt"}, {Pattern: "x*"}}
					o.Transfer.DryRun, o.Transfer.Concurrency, o.Transfer.PartSize, o.Transfer.Threshold = true, 3, "16MiB", "1GiB"
					o.Transfer.NoProgress, o.Transfer.NoFollowSymlink = true, true
				})},
			// --sse takes the next argument unless it is an option, as the AWS CLI's argparse does.
			{Args: []string{"a", "s3://b/a", "--sse", "aws:kms", "--acl", "private", "--metadata", `{"k":"v"}`, "--content-type", "text/html"},
				Want: cpWant("a", "s3://b/a", move, func(o *CpOptions) {
					o.Attrs.SSE, o.Attrs.ACL, o.Attrs.Metadata, o.Attrs.ContentType = "aws:kms", "private", `{"k":"v"}`, "text/html"
				})},
			{Args: []string{"dir", "s3://b/p/", "--recursive", "--shard", "auto/16", "--shard-depth", "2", "--list-concurrency", "32"},
				Want: cpWant("dir", "s3://b/p/", move, func(o *CpOptions) {
					o.Recursive, o.Transfer.Shard, o.Transfer.ShardDepth, o.Transfer.ListConcurrency = true, "auto/16", 2, 32
				})},
			{Args: []string{"a", "s3://b/a", "--sse"}, Want: cpWant("a", "s3://b/a", move, func(o *CpOptions) { o.Attrs.SSE = "AES256" })},
			{Args: []string{"a", "s3://b/a", "--sse-c", "--sse-c-key", sseKey},
				Want: cpWant("a", "s3://b/a", move, func(o *CpOptions) { o.Attrs.SSEC, o.Attrs.SSECKey = "AES256", sseKey })},
			{Args: []string{"a", "s3://b/a", "--sse-c", "--sse-c-key", "short"}, Err: "invalid --sse-c-key", Code: exitSyntax},
			{Args: []string{"--sse", "a", "s3://b/a"}, Err: `invalid --sse "a"`, Code: exitSyntax},
			{Args: []string{"a"}, Err: "needs a source and a destination", Code: exitParse},
		})
	}
	// A copy or download can be pinned to a version; a move cannot.
	cp := append(cases(false), cmdtest.Case[CpOptions]{Args: []string{"s3://b/k", ".", "--version-id", "v1"},
		Want: cpWant("s3://b/k", ".", false, func(o *CpOptions) { o.VersionID = "v1" })})
	mv := append(cases(true), cmdtest.Case[CpOptions]{Args: []string{"s3://b/k", ".", "--version-id", "v1"},
		Err: "unknown flag: --version-id", Code: exitParse})
	t.Run("cp", func(t *testing.T) { cmdtest.Run(t, newCmd(t, NewCmdCp), cp) })
	t.Run("mv", func(t *testing.T) { cmdtest.Run(t, newCmd(t, NewCmdMv), mv) })
}

func TestSyncFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, NewCmdSync), s3Cases([]cmdtest.Case[SyncOptions]{
		{Args: []string{"site", "s3://b/site/"}, Want: SyncOptions{CpOptions: cpWant("site", "s3://b/site/", false, nil)}},
		{Args: []string{"s3://b/p/", "dir", "--delete", "--exact-timestamps", "--no-overwrite", "--page-size", "50"},
			Want: SyncOptions{CpOptions: cpWant("s3://b/p/", "dir", false, func(o *CpOptions) { o.NoOverwrite, o.Transfer.PageSize = true, 50 }),
				Delete: true, ExactTimestamps: true}},
		{Args: []string{"a", "b", "--size-only"}, Want: SyncOptions{CpOptions: cpWant("a", "b", false, nil), SizeOnly: true}},
		// cobra's check of the flag group: exit 2, not 255, as any parse error.
		{Args: []string{"a", "b", "--size-only", "--exact-timestamps"}, Err: "none of the others can be", Code: exitParse},
	}))
}

func TestRmCatStatFlags(t *testing.T) {
	rmDefaults := transferFlags{Concurrency: transfer.DefaultConcurrency, PartSize: "8MiB", Threshold: "8MiB", PageSize: 1000, Progress: "none",
		ListConcurrency: transfer.DefaultListConcurrency, ShardDepth: 1}
	withRules := rmDefaults
	withRules.Rules, withRules.DryRun, withRules.OnlyShowErrors = []filter.Rule{{Pattern: "*.log"}}, true, true
	cmdtest.Run(t, newCmd(t, NewCmdRm), []cmdtest.Case[RmOptions]{
		{Args: []string{"s3://b/k"}, Want: RmOptions{Target: "s3://b/k", Transfer: rmDefaults}},
		{Args: []string{"s3://b/p/", "--recursive", "--exclude", "*.log", "--dryrun", "--only-show-errors"},
			Want: RmOptions{Target: "s3://b/p/", Recursive: true, Transfer: withRules}},
		{Args: []string{"s3://b/k", "--version-id", "v1"}, Want: RmOptions{Target: "s3://b/k", VersionID: "v1", Transfer: rmDefaults}},
		{Args: []string{"s3://b/p/", "--recursive", "--shard", "3/4"}, Want: RmOptions{Target: "s3://b/p/", Recursive: true,
			Transfer: func() transferFlags { t := rmDefaults; t.Shard = "3/4"; return t }()}},
		{Args: []string{"s3://b/k", "--concurrency", "2"}, Err: "unknown flag: --concurrency", Code: exitParse},
	})
	cmdtest.Run(t, newCmd(t, NewCmdCat), []cmdtest.Case[CatOptions]{
		{Args: []string{"s3://b/k"}, Want: CatOptions{Target: "s3://b/k", Transfer: transferFlags{Concurrency: transfer.DefaultConcurrency, PartSize: "8MiB", Threshold: "8MiB"}}},
		{Args: []string{"s3://b/k", "--concurrency", "2", "--part-size", "1MiB", "--sse-c-key", "@key", "--version-id", "v1"},
			Want: CatOptions{Target: "s3://b/k", SSECKey: "@key", VersionID: "v1", Transfer: transferFlags{Concurrency: 2, PartSize: "1MiB", Threshold: "8MiB"}}},
		{Args: []string{"s3://b/k", "-"}, Err: "needs one S3 URI", Code: exitParse},
	})
	cmdtest.Run(t, newCmd(t, NewCmdStat), []cmdtest.Case[StatOptions]{
		{Args: []string{"s3://b/k", "--sse-c-key", "k"}, Want: StatOptions{Target: "s3://b/k", SSECKey: "k"}},
		{Args: nil, Err: "needs one S3 URI", Code: exitParse},
	})
}
