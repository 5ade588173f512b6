package s3cmd

import (
	"cmp"
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/progress"
	"github.com/quilibrium/qcli/internal/humanize"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// MinPartSizeEnv is a test-only knob: it lowers the 5 MiB part-size floor
// so tests against the emulator can use small parts. Real services reject
// small parts.
const MinPartSizeEnv = "QCLI_TEST_MIN_PART_SIZE"

// transferFlags are the flags cp, mv, sync (and partly rm) share.
type transferFlags struct {
	Rules           []filter.Rule
	DryRun          bool
	Concurrency     int
	PartSize        string
	Threshold       string
	PageSize        int32
	Progress        string
	NoProgress      bool
	OnlyShowErrors  bool
	NoFollowSymlink bool
	FollowSymlink   bool
	ListConcurrency int
	Shard           string
	ShardDepth      int
	// NoPartSizeMetadata: transfer.Options.NoPartSizeMetadata.
	NoPartSizeMetadata bool
}

// ruleFlag appends to one shared list, so that --include and --exclude
// keep their command-line order, which decides precedence.
type ruleFlag struct {
	rules   *[]filter.Rule
	include bool
}

func (r ruleFlag) String() string { return "" }
func (r ruleFlag) Type() string   { return "pattern" }
func (r ruleFlag) Set(v string) error {
	*r.rules = append(*r.rules, filter.Rule{Include: r.include, Pattern: v})
	return nil
}

func (t *transferFlags) addFilters(fl *pflag.FlagSet) {
	fl.Var(ruleFlag{&t.Rules, false}, "exclude", "leave out paths matching the pattern (repeatable; later --include/--exclude win)")
	fl.Var(ruleFlag{&t.Rules, true}, "include", "bring back paths matching the pattern (repeatable; later --include/--exclude win)")
}

// add registers the flags; tree adds the ones only tree commands use.
func (t *transferFlags) add(fl *pflag.FlagSet, tree bool) {
	if tree {
		t.addFilters(fl)
		fl.BoolVar(&t.FollowSymlink, "follow-symlinks", true, "follow symlinks in a local source (the default)")
		fl.BoolVar(&t.NoFollowSymlink, "no-follow-symlinks", false, "ignore symlinks in a local source")
		t.addListing(fl)
	}
	fl.BoolVar(&t.DryRun, "dryrun", false, "show what would be done, do nothing")
	fl.IntVar(&t.Concurrency, "concurrency", transfer.DefaultConcurrency, "requests in flight at once (parts and objects together)")
	fl.StringVar(&t.PartSize, "part-size", "8MiB", "multipart part size, 5MiB to 5GiB (grows to fit 10,000 parts)")
	fl.StringVar(&t.Threshold, "multipart-threshold", "8MiB", "files this large or larger go in parts")
	fl.BoolVar(&t.NoPartSizeMetadata, "no-part-size-metadata", false,
		"do not record the part size in x-amz-meta-qcli-part-size (downloads then find it with a HEAD of part 1)")
	fl.StringVar(&t.Progress, "progress", "auto", "progress display: auto, bar, log or none")
	fl.BoolVar(&t.NoProgress, "no-progress", false, "no progress display (--progress none), as in the AWS CLI")
	fl.BoolVar(&t.OnlyShowErrors, "only-show-errors", false, "print only errors and warnings")
}

// addListing registers the flags of commands that list a tree: page size,
// listing concurrency and sharding.
func (t *transferFlags) addListing(fl *pflag.FlagSet) {
	fl.Int32Var(&t.PageSize, "page-size", 1000, "keys per listing request, 1 to 1000")
	addListConcurrency(fl, &t.ListConcurrency)
	fl.StringVar(&t.Shard, "shard", "", "do only shard I of N (I/N, 0 <= I < N; auto/N reads I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)")
	fl.IntVar(&t.ShardDepth, "shard-depth", 1, "path segments that go to one shard together (0: each key on its own; every shard then lists everything)")
}

func addListConcurrency(fl *pflag.FlagSet, n *int) {
	fl.IntVar(n, "list-concurrency", transfer.DefaultListConcurrency, "S3 listing requests in flight at once, 1 to 1000 (1 lists sequentially)")
}

// checkListConcurrency checks --list-concurrency.
func checkListConcurrency(n int) error {
	if n < 1 || n > 1000 {
		return cmdutil.Usagef("invalid --list-concurrency %d: use 1 to 1000", n)
	}
	return nil
}

// shardIndexEnv are the variables --shard auto/N reads the index from, in
// this order: a Kubernetes Indexed Job's and a Slurm array task's.
var shardIndexEnv = []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// listing checks the flags addListing registers and returns the shard of
// --shard and --shard-depth (the zero Shard without --shard). recursive is
// whether the command works on a tree.
func (t *transferFlags) listing(getenv func(string) string, recursive bool) (transfer.Shard, error) {
	if err := checkListConcurrency(t.ListConcurrency); err != nil {
		return transfer.Shard{}, err
	}
	if t.Shard == "" {
		if t.ShardDepth != 1 {
			return transfer.Shard{}, cmdutil.Usagef("--shard-depth applies with --shard")
		}
		return transfer.Shard{}, nil
	}
	if !recursive {
		return transfer.Shard{}, cmdutil.Usagef("--shard splits a tree: use it with --recursive (or sync)")
	}
	spec := t.Shard
	if count, ok := strings.CutPrefix(spec, "auto/"); ok {
		index := ""
		for _, name := range shardIndexEnv {
			if index = getenv(name); index != "" {
				break
			}
		}
		if index == "" {
			return transfer.Shard{}, cmdutil.Usagef("invalid --shard %s: neither %s is set; give the index, e.g. --shard 0/%s", spec, strings.Join(shardIndexEnv, " nor "), count)
		}
		spec = index + "/" + count
	}
	sh, err := transfer.ParseShard(spec)
	if err != nil {
		return transfer.Shard{}, cmdutil.Usagef("invalid --shard %s: %v; use I/N with 0 <= I < N, e.g. --shard 0/4", t.Shard, err)
	}
	if t.ShardDepth < 0 {
		return transfer.Shard{}, cmdutil.Usagef("invalid --shard-depth %d: use 0 (each key on its own) or more", t.ShardDepth)
	}
	sh.Depth, sh.ByKey = t.ShardDepth, t.ShardDepth == 0
	return sh, nil
}

// checkPageSize checks --page-size, the keys per listing request of every
// command that lists (0: the service's default, 1,000).
func checkPageSize(n int32) error {
	if n < 0 || n > 1000 {
		return cmdutil.Usagef("invalid --page-size %d: use 1 to 1000", n)
	}
	return nil
}

// parseSize reads a size flag (cmdutil.ParseSize), naming the flag in the error.
func parseSize(flag, s string) (int64, error) {
	n, err := cmdutil.ParseSize(s)
	if err != nil {
		return 0, cmdutil.Usagef("invalid --%s: %w", flag, err)
	}
	return n, nil
}

// options builds the transfer options; getenv reads the test knob.
func (t *transferFlags) options(getenv func(string) string, stateDir string) (transfer.Options, error) {
	ps, err := parseSize("part-size", t.PartSize)
	if err != nil {
		return transfer.Options{}, err
	}
	th, err := parseSize("multipart-threshold", t.Threshold)
	if err != nil {
		return transfer.Options{}, err
	}
	if t.Concurrency < 1 || t.Concurrency > 1000 {
		return transfer.Options{}, cmdutil.Usagef("invalid --concurrency %d: use 1 to 1000", t.Concurrency)
	}
	if err := checkPageSize(t.PageSize); err != nil {
		return transfer.Options{}, err
	}
	o := transfer.Options{PartSize: ps, Threshold: max(th, 1), Concurrency: t.Concurrency, PageSize: t.PageSize,
		ListConcurrency: t.ListConcurrency, StateDir: stateDir, NoPartSizeMetadata: t.NoPartSizeMetadata}
	if v := getenv(MinPartSizeEnv); v != "" {
		o.MinPartSize, _ = strconv.ParseInt(v, 10, 64)
	}
	if err := o.Validate(); err != nil {
		// Name the size as it was typed, not as a byte count.
		floor := cmp.Or(o.MinPartSize, client.MinPartSize)
		return transfer.Options{}, cmdutil.Usagef("invalid --part-size %s: use %s to 5GiB",
			t.PartSize, strings.ReplaceAll(humanize.Bytes(floor), ".0 ", ""))
	}
	return o, nil
}

func (t *transferFlags) progressMode() (progress.Mode, error) {
	if t.NoProgress {
		return progress.None, nil
	}
	m, err := progress.ParseMode(t.Progress)
	if err != nil {
		return "", &cmdutil.UsageError{Err: err}
	}
	return m, nil
}

// managerFunc builds a transfer manager over a client whose connection
// pool matches the options.
type managerFunc func(ctx context.Context, o transfer.Options) (*transfer.Manager, error)

func newManagerFunc(f *cmdutil.Factory) managerFunc {
	return func(ctx context.Context, o transfer.Options) (*transfer.Manager, error) {
		c, err := f.TransferClient(ctx, o.ConnsPerHost())
		if err != nil {
			return nil, err
		}
		return transfer.New(c, o)
	}
}

// stateDir is where interrupted uploads are remembered: uploads/ in the
// settings directory ("" when it cannot be found: no resume then).
func stateDir(f *cmdutil.Factory) string {
	r, err := f.Config()
	if err != nil || r.Dir == "" {
		return ""
	}
	return filepath.Join(r.Dir, "uploads")
}
