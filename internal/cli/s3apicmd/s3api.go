// Package s3apicmd holds `qcli s3api`: one command per operation of the
// client's table (client.Operations), named, flagged and printed as the
// AWS CLI's s3api commands are, so that scripts written for `aws s3api`
// run against QStorage unchanged.
//
// The AWS CLI's flags and JSON are the AWS API's members, and so are the
// fields of aws-sdk-go-v2's s3.XxxInput and s3.XxxOutput structs: the
// commands are built by reflection over those structs and call the SDK
// client the qcli client configured (Client.S3), with its errors wrapped
// by client.WrapError. The client's table decides which operations exist
// (a test fails if the two drift); the SDK's own input validation says
// which members are required; botocore's S3 request handlers that change
// what is sent (SSE-C key encoding, CopySource quoting, URL-encoded
// listings) are repeated in customize.go, and the client's rules for names
// and checksums are applied before a request.
package s3apicmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/transfer"
)

// NewCmdS3api is the `qcli s3api` group.
func NewCmdS3api(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "s3api",
		Short: "Call S3 operations one by one, as the AWS CLI's s3api does",
		Long: `The low-level commands, one per S3 operation qcli knows, with the AWS CLI's
names, flags and JSON output: qcli s3api put-bucket-versioning --bucket b
--versioning-configuration Status=Enabled.

Flags are the operation's members as the AWS CLI names them. Structures,
maps and lists take JSON, the AWS CLI's shorthand (Name=Value,...) or
file://PATH; --generate-cli-skeleton prints an input's JSON shape and
--cli-input-json takes one. The output is the answer's members as JSON,
absent members left out, timestamps in ISO 8601. Listings page through
every result unless --no-paginate (or --max-items N with --starting-token
TOKEN to resume). Exit codes are the AWS CLI's: 254 for an error the service
returned, 252 for a bad flag value.`,
		Args: cmdutil.NoArgs,
		RunE: cmdutil.GroupRunE,
	}
	for _, op := range client.Operations() {
		cmd.AddCommand(NewCmdOperation(f, op, nil))
	}
	return cmd
}

// Options are one s3api command's inputs.
type Options struct {
	Client func(context.Context) (*client.Client, error)
	Out    func() io.Writer // stdout (a discard with --quiet)

	Op      client.Operation
	Input   any    // *s3.XxxInput, filled from the flags
	Body    string // the file a streaming body is read from, or ""
	Outfile string // where a streamed answer (get-object) is written
	Paging  Paging
	// AutoEncoding says the listing asked for URL-encoded keys itself,
	// and decodes them in the answer.
	AutoEncoding bool
}

// NewCmdOperation builds the command of one operation.
func NewCmdOperation(f *cmdutil.Factory, op client.Operation, runF func(context.Context, *Options) error) *cobra.Command {
	d := describeOperation(op)
	opts := &Options{Client: f.Client, Out: func() io.Writer { return f.Printer().Writer() }, Op: op}
	b := &binding{operation: d}
	cmd := &cobra.Command{
		Use:   d.use,
		Short: d.short,
		Long:  d.long,
		Args:  b.args,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o := f.Flags.Output; o != "" && !strings.EqualFold(o, "json") {
				return cmdutil.Usagef("qcli s3api prints the answer as JSON only (the AWS API's members); drop --output %s", o)
			}
			if b.skeleton != "" {
				return b.printSkeleton(opts.Out(), args)
			}
			if err := b.fill(opts, args); err != nil {
				return err
			}
			if d.paged {
				if err := b.paging(cmd, &opts.Paging); err != nil {
					return err
				}
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runOperation)
		},
	}
	lazyFlags(cmd, func() { b.addFlags(cmd) })
	return cmd
}

// operation is what an operation's command is, worked out once per
// process (describe): every start builds every command.
type operation struct {
	op               client.Operation
	sdk              sdkOperation
	use, short, long string
	streamsOut       bool // the answer's Body is the object's bytes, written to OUTFILE
	streamsIn        bool // the input's Body is a file
	pg               paginator
	paged            bool
	// required names the flags the operation cannot do without, as the
	// SDK's validation says (worked out when a command's flags are).
	required func() map[string]bool
}

var operations sync.Map // S3 name -> *operation

func describeOperation(op client.Operation) *operation {
	if d, ok := operations.Load(op.Name); ok {
		return d.(*operation)
	}
	sdk, ok := sdkOperations[op.Name]
	if !ok {
		panic("s3apicmd: no SDK call for " + op.Name) // TestEveryOperationHasACommand keeps this from happening
	}
	d := &operation{op: op, sdk: sdk, short: "S3 " + op.Name, streamsOut: hasStreamedBody(sdk.output)}
	_, d.streamsIn = sdk.input.FieldByName("Body")
	d.pg, d.paged = paginators[op.Name]
	d.use = op.CLIName() + " [flags]"
	if d.streamsOut {
		d.use += " OUTFILE"
	}
	d.long = d.describeLong()
	d.required = sync.OnceValue(func() map[string]bool { return requiredFlags(sdk) })
	operations.Store(op.Name, d)
	return d
}

func (d *operation) describeLong() string {
	var s strings.Builder
	fmt.Fprintf(&s, "Call S3's %s with the members given as flags (named as the AWS CLI\nnames them) and print its answer as JSON, as aws s3api %s does.", d.op.Name, d.op.CLIName())
	if d.paged {
		s.WriteString(`

The listing is paged through to the end and printed as one answer, its
result lists joined, as the AWS CLI does. --max-items N stops after N
results and prints a NextToken, which --starting-token takes to go on (and
which the AWS CLI takes too). --no-paginate, or any of the hidden flags
that page by hand, makes one request and prints its answer whole.`)
	}
	if d.streamsOut {
		s.WriteString("\n\nThe object's bytes go to OUTFILE (written beside it and renamed into place\nonce whole); the rest of the answer is printed.")
	}
	if d.streamsIn {
		s.WriteString("\n\n--body names the file to send; its size is the Content-Length, and with\n--checksum-algorithm its checksum is computed and sent as a header.")
	}
	return s.String()
}

// lazyFlags defers add, which registers a command's flags, until the
// flags are first looked at: parsing, help, completion. qcli builds every
// command on every start (and on every line of a qcli run batch), and the
// s3api commands hold some 1,300 flags between them, which would cost a
// millisecond of each start; this way only the command that runs pays for
// its own. pflag passes every name that is added or looked up through the
// set's normalize function, which is the hook.
func lazyFlags(cmd *cobra.Command, add func()) {
	added := false
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if !added {
			added = true
			add()
		}
		return pflag.NormalizedName(name)
	})
}

// addFlags registers the command's flags: the operation's members and the
// AWS CLI's own (paging, --cli-input-json, --generate-cli-skeleton).
func (b *binding) addFlags(cmd *cobra.Command) {
	b.params = inputParams(b.sdk.input)
	required := b.required()
	for _, p := range b.params {
		p.addFlags(cmd, required[p.flag])
	}
	fs := cmd.Flags()
	fs.StringVar(&b.cliInput, "cli-input-json", "", "the input as JSON (or file://PATH), as --generate-cli-skeleton shows it; flags override its members")
	fs.StringVar(&b.skeleton, "generate-cli-skeleton", "", "print the input's JSON shape (input, the default) or the output's (output), and exit")
	fs.Lookup("generate-cli-skeleton").NoOptDefVal = "input"
	if b.paged {
		fs.StringVar(&b.startingToken, "starting-token", "", "resume a listing where a NextToken of an earlier one says")
		fs.IntVar(&b.pageSize, "page-size", 0, "results per request (the listing still goes on to the end)")
		fs.IntVar(&b.maxItems, "max-items", 0, "stop after this many results, printing a NextToken to resume from")
		fs.BoolVar(&b.noPaginate, "no-paginate", false, "make one request and print its answer whole")
		for _, name := range b.pg.manualFlags() {
			_ = fs.MarkHidden(name) // as in the AWS CLI: they turn paging off
		}
	}
}

// binding is one command's operation, and the values of its flags.
type binding struct {
	*operation
	params []*param

	cliInput, skeleton string
	startingToken      string
	pageSize           int
	maxItems           int
	noPaginate         bool
}

// args takes get-object's OUTFILE; for an operation with a list flag,
// words after it are more of its values (aws s3api ... --object-attributes
// ETag ObjectSize).
func (b *binding) args(cmd *cobra.Command, args []string) error {
	switch {
	case b.skeleton != "": // --generate-cli-skeleton output: the value may follow as a word
		return cmdutil.RangeArgs(0, 1, "input or output after --generate-cli-skeleton")(cmd, args)
	case b.streamsOut:
		return cmdutil.ExactArgs(1, "an OUTFILE for the object's bytes")(cmd, args)
	case b.listParam() != nil:
		return nil
	}
	return cmdutil.NoArgs(cmd, args)
}

// listParam is the operation's one list-of-values flag, or nil.
func (b *binding) listParam() *param {
	var found *param
	for _, p := range b.params {
		if p.kind == listParam {
			if found != nil {
				return nil
			}
			found = p
		}
	}
	return found
}

// fill builds the operation's input from --cli-input-json and the flags,
// and checks it: required members, bucket names and keys.
func (b *binding) fill(opts *Options, args []string) error {
	in := reflect.New(b.sdk.input)
	if b.cliInput != "" {
		if err := b.readCLIInput(in.Elem()); err != nil {
			return err
		}
	}
	switch {
	case b.streamsOut:
		opts.Outfile = args[0]
	case len(args) > 0:
		p := b.listParam()
		if !p.given() {
			return &cmdutil.FlagError{Err: fmt.Errorf("%s takes no arguments, got %q", "qcli s3api "+b.op.CLIName(), strings.Join(args, " "))}
		}
		p.raw.values = append(p.raw.values, args...)
	}
	for _, p := range b.params {
		if !p.given() {
			continue
		}
		if err := p.apply(in.Elem()); err != nil {
			return err
		}
		if p.kind == streamParam {
			opts.Body = p.raw.values[0]
		}
	}
	if err := checkRequired(b.sdk, in.Interface()); err != nil {
		return err
	}
	if err := checkNames(in.Elem()); err != nil {
		return err
	}
	auto, err := customizeInput(b.op.Name, in.Elem())
	if err != nil {
		return err
	}
	opts.Input, opts.AutoEncoding = in.Interface(), auto
	return nil
}

func (b *binding) readCLIInput(in reflect.Value) error {
	bad := func(err error) error {
		return cmdutil.Usagef("--cli-input-json: %v; --generate-cli-skeleton shows the shape", err)
	}
	text, err := readParamFile(b.cliInput)
	if err != nil {
		return bad(err)
	}
	var data any
	if err := decodeJSON(text, &data); err != nil {
		return bad(err)
	}
	if err := assign(in, data, "", false); err != nil {
		return bad(err)
	}
	if _, ok := in.Type().FieldByName("Body"); ok && !in.FieldByName("Body").IsNil() {
		return bad(errors.New("Body cannot be given in JSON"))
	}
	return nil
}

// paging decides whether and how the listing pages.
func (b *binding) paging(cmd *cobra.Command, p *Paging) error {
	fs := cmd.Flags()
	var auto, manual []string
	for _, name := range []string{"starting-token", "page-size", "max-items"} {
		if fs.Changed(name) {
			auto = append(auto, "--"+name)
		}
	}
	for _, name := range b.pg.manualFlags() {
		if fs.Changed(name) {
			manual = append(manual, "--"+name)
		}
	}
	switch {
	case len(auto) > 0 && b.noPaginate:
		return cmdutil.Usagef("%s pages through the listing, --no-paginate asks for one request: drop one", auto[0])
	case len(auto) > 0 && len(manual) > 0:
		return cmdutil.Usagef("%s pages through the listing, %s pages by hand (one request): drop one", auto[0], manual[0])
	case b.pageSize < 0 || b.maxItems < 0:
		return cmdutil.Usagef("--page-size and --max-items take a positive number")
	}
	*p = Paging{Enabled: !b.noPaginate && len(manual) == 0, StartingToken: b.startingToken, PageSize: b.pageSize, MaxItems: b.maxItems}
	if p.StartingToken != "" {
		_, err := b.pg.decode(p.StartingToken)
		return err
	}
	return nil
}

func (b *binding) printSkeleton(w io.Writer, args []string) error {
	t := b.sdk.input
	if len(args) == 1 && b.skeleton == "input" {
		b.skeleton = args[0]
	}
	switch b.skeleton {
	case "input":
	case "output":
		t = b.sdk.output
	default:
		return cmdutil.Usagef("--generate-cli-skeleton %q: use input or output", b.skeleton)
	}
	return printJSON(w, skeleton(t, 0))
}

// hasStreamedBody reports an output whose Body is the object's bytes.
func hasStreamedBody(output reflect.Type) bool {
	f, ok := output.FieldByName("Body")
	return ok && f.Type == reflect.TypeFor[io.ReadCloser]()
}

// runOperation makes the call (pages of it, for a listing) and prints the
// answer.
func runOperation(ctx context.Context, opts *Options) error {
	sdk := sdkOperations[opts.Op.Name]
	in := reflect.ValueOf(opts.Input).Elem()
	if opts.Body != "" {
		f, err := openBody(in, opts.Body)
		if err != nil {
			return err
		}
		defer f.Close()
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	optFns := requestOptions(sdk)
	call := func() (reflect.Value, error) {
		out, err := sdk.call(ctx, c.S3(), opts.Input, optFns...)
		if err != nil {
			return reflect.Value{}, callError(opts.Op.Name, err)
		}
		v := reflect.ValueOf(out).Elem()
		if opts.AutoEncoding {
			return v, decodeListing(v)
		}
		return v, nil
	}
	var result any
	if opts.Paging.Enabled {
		result, err = paginators[opts.Op.Name].run(in, call, opts.Paging)
	} else {
		var out reflect.Value
		if out, err = call(); err == nil {
			if opts.Outfile != "" {
				err = writeBody(out, opts.Outfile)
			}
			result, _ = render(out)
		}
	}
	if err != nil {
		return err
	}
	if m, ok := result.(map[string]any); ok && len(m) == 0 {
		return nil // as the AWS CLI: an empty answer prints nothing
	}
	return printJSON(opts.Out(), result)
}

// callError gives a failed call the client's error types, so that exit
// codes and messages are those of every qcli command.
func callError(op string, err error) error {
	var invalid smithy.InvalidParamsError
	if errors.As(err, &invalid) { // checked before the call; kept for safety
		return cmdutil.Usagef("%s: %v", op, strings.TrimSpace(invalid.Error()))
	}
	return client.WrapError(op, err)
}

func printJSON(w io.Writer, v any) error {
	data, err := encodeJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// writeBody writes a streamed answer's bytes to path: into a download
// temporary beside it (transfer.CreateTemp), renamed into place only once every byte the answer
// announced has come, so a failure leaves path as it was. A path that is
// not a regular file (/dev/stdout, a pipe) is written directly.
func writeBody(out reflect.Value, path string) (err error) {
	body := out.FieldByName("Body").Interface().(io.ReadCloser)
	defer body.Close()
	want := int64(-1)
	if n := out.FieldByName("ContentLength"); !n.IsNil() {
		want = n.Elem().Int()
	}
	if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return cmdutil.Usagef("OUTFILE %s: %v", path, unwrapPathError(err))
		}
		defer w.Close()
		return copyBody(w, body, want)
	}
	tmp, err := transfer.CreateTemp(path) // named as every download's temporary, so walks skip it and a later run sweeps it if killed
	if err != nil {
		return cmdutil.Usagef("OUTFILE %s: cannot write beside it: %v", path, unwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = copyBody(tmp, body, want); err != nil {
		return fmt.Errorf("%w; %s is unchanged", err, path)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func copyBody(w io.Writer, body io.Reader, want int64) error {
	n, err := io.Copy(w, body)
	if err != nil {
		return fmt.Errorf("get-object: the object's bytes broke off after %d bytes: %v", n, err)
	}
	if want >= 0 && n != want {
		return fmt.Errorf("get-object: got %d bytes of the %d announced", n, want)
	}
	return nil
}
