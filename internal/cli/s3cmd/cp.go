package s3cmd

import (
	"context"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/transfer"
	"github.com/quilibrium/qcli/transfer/filter"
)

// CpOptions are `qcli s3 cp`'s and `qcli s3 mv`'s inputs.
type CpOptions struct {
	IO       *iostreams.IOStreams
	Manager  managerFunc
	Printer  func() *output.Printer
	Getenv   func(string) string
	StateDir func() string
	Quiet    func() bool

	Src, Dst    string
	Recursive   bool
	NoOverwrite bool
	Move        bool   // mv: remove each source once its copy is verified
	VersionID   string // cp: that version of an S3 source, not the latest
	Transfer    transferFlags
	Attrs       attrFlags
}

const cpLong = `Copy a local file or S3 object to another location, locally or in S3.

  qcli s3 cp ./photo.jpg s3://bucket/photos/         upload (key photos/photo.jpg)
  qcli s3 cp s3://bucket/photos/photo.jpg .          download
  qcli s3 cp s3://bucket/a s3://other/b              copy within the service
  tar c dir | qcli s3 cp - s3://bucket/dir.tar       upload from stdin
  qcli s3 cp s3://bucket/dir.tar - | tar x           download to stdout
  qcli s3 cp --recursive dist/ s3://bucket/builds/$SHA/

Files of --multipart-threshold (8 MiB) or more go in parallel parts, read
straight from the file; every part carries its MD5 and every ETag is
checked. An interrupted multipart upload of a file (a killed process, a
lost network) resumes on the next cp of the same file to the same key;
a failed or cancelled one is aborted. Downloads are written to a
temporary file beside the target and renamed into place only when
complete and verified.

--recursive streams the listing or the directory walk into the transfers.
--exclude and --include take shell patterns matched against the path
below the source; they are applied in order and the last match wins.

Text output has the AWS CLI's lines ("upload: ./a to s3://b/a"); --output
json prints one JSON object per object and a final summary line:
  {"type":"upload","status":"done","op":"upload","source":"a","dest":"s3://b/a","size":3,"etag":"\"...\"","verified":"md5"}
  {"type":"summary","done":1,"failed":0,"skipped":0,"unchanged":0,"bytes":3,"seconds":0.01}

Exit status: 0 when everything was copied, 1 when an object failed, 2
when one was skipped with a warning (an unreadable file, a key that would
land outside the destination), 130 when interrupted.`

// NewCmdCp builds `qcli s3 cp`.
func NewCmdCp(f *cmdutil.Factory, runF func(context.Context, *CpOptions) error) *cobra.Command {
	return newCopyCommand(f, runF, false, "cp SOURCE DEST", "Copy files and objects", cpLong)
}

// newCopyCommand builds cp, or mv when move is set: the same options and
// flags, with the source removed after a verified copy.
func newCopyCommand(f *cmdutil.Factory, runF func(context.Context, *CpOptions) error, move bool, use, short, long string) *cobra.Command {
	opts := newCpOptions(f)
	opts.Move = move
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  opts.Attrs.args(cmdutil.ExactArgs(2, "a source and a destination")),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Src, opts.Dst = args[0], args[1]
			return cmdutil.Run(cmd.Context(), opts, runF, runCp)
		},
	}
	addCpFlags(cmd, opts)
	if !move {
		cmd.Flags().StringVar(&opts.VersionID, "version-id", "", "copy or download that version of the S3 source, not the latest")
	}
	return cmd
}

func newCpOptions(f *cmdutil.Factory) *CpOptions {
	return &CpOptions{IO: f.IO, Manager: newManagerFunc(f), Printer: f.Printer, Getenv: f.Getenv,
		StateDir: func() string { return stateDir(f) }, Quiet: func() bool { return f.Quiet }}
}

func addCpFlags(cmd *cobra.Command, opts *CpOptions) {
	fl := cmd.Flags()
	fl.BoolVar(&opts.Recursive, "recursive", false, "copy every file under the directory or object under the prefix")
	fl.BoolVar(&opts.NoOverwrite, "no-overwrite", false, "leave existing destination files and objects alone")
	opts.Transfer.add(fl, true)
	opts.Attrs.add(fl)
}

// cpJob is a parsed cp or mv: locations, options and the manager.
type cpJob struct {
	opts     *CpOptions
	src, dst location
	m        *transfer.Manager
	rep      *reporter
	tree     transfer.TreeOptions
}

func runCp(ctx context.Context, opts *CpOptions) error {
	j, err := newCpJob(ctx, opts)
	if err != nil {
		return err
	}
	if opts.Recursive {
		sum, err := j.runTree(ctx)
		return j.rep.finish(ctx, sum, err)
	}
	j.rep.single, j.rep.sourceVersion = true, opts.VersionID
	res, err := j.runSingle(ctx)
	sum := singleSummary(res, err)
	if leftAlone(err) {
		err = nil
	}
	if ferr := j.rep.finish(ctx, sum, nil); ferr != nil && err == nil {
		return ferr
	}
	if err != nil && ctx.Err() == nil {
		return transferError(err)
	}
	return err
}

// singleSummary counts the outcome of a single cp or mv as a tree
// operation counts each of its objects.
func singleSummary(res *transfer.Result, err error) transfer.Summary {
	switch {
	case leftAlone(err):
		return transfer.Summary{Unchanged: 1}
	case err != nil:
		return transfer.Summary{Failed: 1}
	}
	return transfer.Summary{Done: 1, Bytes: res.Size}
}

// newCpJob checks the arguments and flags and builds the manager.
func newCpJob(ctx context.Context, opts *CpOptions) (*cpJob, error) {
	src, err := parseLocation(opts.Src)
	if err != nil {
		return nil, err
	}
	dst, err := parseLocation(opts.Dst)
	if err != nil {
		return nil, err
	}
	if err := checkDirections(src, dst, opts); err != nil {
		return nil, err
	}
	tree, err := treeOptions(opts, src, dst)
	if err != nil {
		return nil, err
	}
	topts, err := opts.Transfer.options(opts.Getenv, opts.StateDir())
	if err != nil {
		return nil, err
	}
	rep, err := newReporter(opts.IO, opts.Printer(), opts.Quiet(), &opts.Transfer, opts.Move, tree.Shard)
	if err != nil {
		return nil, err
	}
	if dst.stdio {
		// stdout carries the object: nothing else may go there, in any
		// output format. Failures still reach stderr.
		rep.onlyErrs, rep.p = true, actionPrinter(rep.p, true)
	}
	topts.Progress = rep.event
	m, err := opts.Manager(ctx, topts)
	if err != nil {
		return nil, err
	}
	return &cpJob{opts: opts, src: src, dst: dst, m: m, rep: rep, tree: tree}, nil
}

// treeOptions turns the attribute and transfer flags into what each object
// of the job gets, refusing flags that cannot apply to its direction.
func treeOptions(opts *CpOptions, src, dst location) (transfer.TreeOptions, error) {
	copying := src.s3 && dst.s3
	attrs, err := opts.Attrs.attributes()
	if err != nil {
		return transfer.TreeOptions{}, err
	}
	srcKey, err := opts.Attrs.sourceKey(copying)
	if err != nil {
		return transfer.TreeOptions{}, err
	}
	checksum, err := opts.Attrs.checksumAlgorithm()
	if err != nil {
		return transfer.TreeOptions{}, err
	}
	rule, err := opts.Attrs.copyRule()
	if err != nil {
		return transfer.TreeOptions{}, err
	}
	shard, err := opts.Transfer.listing(opts.Getenv, opts.Recursive)
	if err != nil {
		return transfer.TreeOptions{}, err
	}
	switch {
	case checksum != "" && copying:
		return transfer.TreeOptions{}, cmdutil.Usagef("--checksum-algorithm applies to uploads, not to copies")
	case checksum != "" && src.s3:
		return transfer.TreeOptions{}, cmdutil.Usagef("--checksum-algorithm applies to uploads, not to downloads")
	case !copying && (opts.Attrs.MetadataDirective != "" || !strings.EqualFold(opts.Attrs.CopyProps, "default")):
		return transfer.TreeOptions{}, cmdutil.Usagef("--metadata-directive and --copy-props apply to S3 to S3 copies")
	}
	return transfer.TreeOptions{Filter: filter.New(opts.Transfer.Rules...), DryRun: opts.Transfer.DryRun,
		NoOverwrite: opts.NoOverwrite, FollowSymlinks: opts.Transfer.FollowSymlink && !opts.Transfer.NoFollowSymlink,
		Attributes: attrs, GuessContentType: !opts.Attrs.NoGuessMimeType, ChecksumAlgorithm: checksum,
		MetadataDirective: rule.directive, KeepSourceProps: rule.keep, TaggingDirective: rule.tagging,
		SourceCustomerKey: srcKey, RemoveSource: opts.Move, Shard: shard}, nil
}

// checkDirections refuses the combinations of locations cp cannot do.
func checkDirections(src, dst location, opts *CpOptions) error {
	cmd := "cp"
	if opts.Move {
		cmd = "mv"
	}
	switch {
	case !src.s3 && !dst.s3:
		return cmdutil.Usagef("%s needs at least one S3 location (s3://bucket/key)", cmd)
	case (src.stdio || dst.stdio) && (opts.Recursive || opts.Move):
		return cmdutil.Usagef("- (stdin or stdout) works only with a single object and cp, not --recursive or mv")
	case opts.VersionID != "" && (!src.s3 || opts.Recursive):
		return cmdutil.Usagef("--version-id names a version of one S3 object: it needs an S3 source and no --recursive")
	case src.s3 && !opts.Recursive && src.uri.Key == "":
		return cmdutil.Usagef("%s of a whole bucket needs --recursive", cmd)
	case src.s3 && !opts.Recursive && strings.HasSuffix(src.uri.Key, "/"):
		return cmdutil.Usagef("%s names a prefix: use --recursive to %s what is under it", src.arg, cmd)
	case opts.Move && onItself(src, dst, opts.Recursive):
		return cmdutil.Usagef("cannot mv %s onto itself", src.arg)
	case dst.stdio && !src.s3, src.stdio && !dst.s3:
		return cmdutil.Usagef("- pairs with an S3 object")
	case src.stdio && dst.uri.IsPrefix():
		return cmdutil.Usagef("an upload from stdin needs a full key, not %s", dst.arg)
	}
	return nil
}

// onItself reports whether an S3 to S3 move would write onto its own
// source: the same object, or the same prefix.
func onItself(src, dst location, recursive bool) bool {
	if !src.s3 || !dst.s3 || src.uri.Bucket != dst.uri.Bucket {
		return false
	}
	if recursive {
		return src.prefix() == dst.prefix()
	}
	return dst.keyFor(path.Base(src.uri.Key)) == src.uri.Key
}

func (j *cpJob) runTree(ctx context.Context) (transfer.Summary, error) {
	src, dst := j.src.tree(), j.dst.tree()
	switch {
	case !j.src.s3:
		if err := j.src.checkLocalDir(); err != nil {
			return transfer.Summary{}, err
		}
		return j.m.UploadTree(ctx, src.Local, dst, j.tree)
	case !j.dst.s3:
		return j.m.DownloadTree(ctx, src, dst.Local, j.tree)
	}
	return j.m.CopyTree(ctx, src, dst, j.tree)
}
