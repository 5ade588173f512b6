package s3cmd

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/s3uri"
	"github.com/quilibrium/qcli/presign"
)

// PresignOptions are `qcli s3 presign`'s inputs.
type PresignOptions struct {
	Client  clientFunc
	Printer func() *output.Printer
	ErrOut  io.Writer
	// Embedded reports whether the client talks to the in-process emulator
	// of the local profile, whose URLs die with the process.
	Embedded func() bool

	Target      string
	Method      string // GET, PUT, HEAD or DELETE, upper case
	ExpiresIn   time.Duration
	ContentType string
	Metadata    map[string]string
	VersionID   string
	Post        bool
	MaxSize     int64
	KeyPrefix   string
}

const presignLong = `Make a presigned URL: anyone holding it can make that one request, with
any HTTP client and no credentials, until it expires (default 1 hour, at
most 7 days). Nothing is sent to the service.

  url=$(qcli s3 presign s3://bucket/key)                   # download
  curl -o file "$url"
  url=$(qcli s3 presign --method PUT s3://bucket/key)      # upload
  curl -T file "$url"

--content-type and --metadata are signed into a PUT URL: the upload must
send exactly those headers (curl -H "Content-Type: ..."). --output json
lists them:
  {"type":"presigned_url","url":"...","method":"PUT","expires":"2026-01-02T03:04:05.000Z","headers":{"Content-Type":"text/plain"}}

--post makes a browser upload form instead: the text output is the URL,
then one form field per line as name=value; the file goes last, as the
field "file" (curl --form-string name=value ... -F file=@f URL). With
--key-prefix the form accepts any key under the prefix, and the URI may
name just the bucket (the key then defaults to PREFIX${filename}).
--output json gives {"type":"post_form","url":...,"method":"POST","expires":...,"fields":{...}}.`

// NewCmdPresign builds `qcli s3 presign`. runF replaces runPresign in tests
// of flag parsing.
func NewCmdPresign(f *cmdutil.Factory, runF func(context.Context, *PresignOptions) error) *cobra.Command {
	opts := &PresignOptions{Client: f.Client, Printer: f.Printer, ErrOut: f.IO.ErrOut, Embedded: func() bool {
		r, err := f.Config()
		return err == nil && r.Embedded
	}}
	var expires string
	cmd := &cobra.Command{
		Use:   "presign s3://bucket/key",
		Short: "Make a presigned URL or browser upload form",
		Long:  presignLong,
		Args:  cmdutil.ExactArgs(1, "one S3 URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if err := opts.checkFlags(cmd.Flags(), expires); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runPresign)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Method, "method", http.MethodGet, "HTTP method the URL is for: GET, PUT, HEAD or DELETE")
	fl.StringVar(&expires, "expires-in", "3600", "lifetime, 1s to 7d: seconds, or a duration such as 15m, 12h, 7d")
	fl.StringVar(&opts.ContentType, "content-type", "", "content type the upload must have (PUT, --post)")
	fl.StringToStringVar(&opts.Metadata, "metadata", nil, "metadata the upload must carry, as k=v,k2=v2 (PUT, --post)")
	fl.StringVar(&opts.VersionID, "version-id", "", "a version of the object (GET, HEAD, DELETE)")
	fl.BoolVar(&opts.Post, "post", false, "make a browser upload form (URL and form fields) instead of a URL")
	fl.Int64Var(&opts.MaxSize, "max-size", 0, "with --post: the largest file accepted, in bytes")
	fl.StringVar(&opts.KeyPrefix, "key-prefix", "", "with --post: accept any key that starts with this prefix")
	return cmd
}

// checkFlags parses --expires-in and rejects flag combinations that cannot
// mean anything, before any configuration is read.
func (o *PresignOptions) checkFlags(fl *pflag.FlagSet, expires string) error {
	d, err := presign.ParseExpiry(expires)
	if err != nil {
		return cmdutil.Usagef("--expires-in: %w", err)
	}
	o.ExpiresIn, o.Method = d, strings.ToUpper(o.Method)
	if o.Post {
		return o.checkPostFlags(fl)
	}
	for _, name := range []string{"max-size", "key-prefix"} {
		if fl.Changed(name) {
			return cmdutil.Usagef("--%s needs --post", name)
		}
	}
	switch o.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		if o.ContentType != "" || len(o.Metadata) > 0 {
			return cmdutil.Usagef("--content-type and --metadata apply to --method PUT and --post, not %s", o.Method)
		}
	case http.MethodPut:
		if o.VersionID != "" {
			return cmdutil.Usagef("--version-id applies to GET, HEAD and DELETE, not PUT")
		}
	default:
		return cmdutil.Usagef("unsupported --method %q: use GET, PUT, HEAD or DELETE (or --post for a browser form)", o.Method)
	}
	return nil
}

func (o *PresignOptions) checkPostFlags(fl *pflag.FlagSet) error {
	switch {
	case fl.Changed("method"):
		return cmdutil.Usagef("--post makes a POST form; drop --method")
	case o.VersionID != "":
		return cmdutil.Usagef("--version-id cannot be used with --post")
	}
	return nil
}

func runPresign(ctx context.Context, opts *PresignOptions) error {
	uri, err := s3uri.Parse(opts.Target)
	if err != nil {
		return err
	}
	if uri.IsBucket() && (!opts.Post || opts.KeyPrefix == "") {
		return cmdutil.Usagef("presign needs an object, not a bucket: use s3://%s/KEY", uri.Bucket)
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	if opts.Embedded() {
		fmt.Fprintf(opts.ErrOut, "warning: this URL points at the local profile's in-process emulator (%s), which is gone when this command exits; "+
			"start one that stays with qcli server, then presign with --endpoint-url http://127.0.0.1:9000\n", c.Config().Endpoint)
	}
	p := presign.New(c)
	if opts.Post {
		form, err := p.PostObject(ctx, presign.PostObjectInput{Bucket: uri.Bucket, Key: uri.Key, KeyPrefix: opts.KeyPrefix,
			ContentType: opts.ContentType, MaxSize: opts.MaxSize, Metadata: opts.Metadata, ExpiresIn: opts.ExpiresIn})
		if err != nil {
			return err
		}
		return printPostForm(opts.Printer(), form)
	}
	req, err := presignRequest(ctx, p, uri, opts)
	if err != nil {
		return err
	}
	return printPresigned(opts.Printer(), req)
}

func presignRequest(ctx context.Context, p *presign.Presigner, uri s3uri.URI, opts *PresignOptions) (*presign.Request, error) {
	b, k, d := uri.Bucket, uri.Key, opts.ExpiresIn
	switch opts.Method {
	case http.MethodPut:
		return p.PutObject(ctx, presign.PutObjectInput{Bucket: b, Key: k, ContentType: opts.ContentType, Metadata: opts.Metadata, ExpiresIn: d})
	case http.MethodHead:
		return p.HeadObject(ctx, presign.HeadObjectInput{Bucket: b, Key: k, VersionID: opts.VersionID, ExpiresIn: d})
	case http.MethodDelete:
		return p.DeleteObject(ctx, presign.DeleteObjectInput{Bucket: b, Key: k, VersionID: opts.VersionID, ExpiresIn: d})
	}
	return p.GetObject(ctx, presign.GetObjectInput{Bucket: b, Key: k, VersionID: opts.VersionID, ExpiresIn: d})
}

// The documents of `qcli s3 presign --output json`; see presignLong.
type (
	jsonPresigned struct {
		Type    string            `json:"type"` // presigned_url
		URL     string            `json:"url"`
		Method  string            `json:"method"`
		Expires output.Time       `json:"expires"`
		Headers map[string]string `json:"headers"`
	}
	jsonPostForm struct {
		Type    string            `json:"type"` // post_form
		URL     string            `json:"url"`
		Method  string            `json:"method"`
		Expires output.Time       `json:"expires"`
		Fields  map[string]string `json:"fields"`
	}
)

// printPresigned prints the URL alone, so that $(qcli s3 presign ...) is the
// URL; JSON adds what a script needs to use it.
func printPresigned(p *output.Printer, r *presign.Request) error {
	if p.Format == output.JSON {
		headers := map[string]string{}
		for k, v := range r.Header {
			headers[k] = strings.Join(v, ",")
		}
		return p.JSON(jsonPresigned{Type: "presigned_url", URL: r.URL, Method: r.Method, Expires: output.Time(r.Expires), Headers: headers})
	}
	return p.Line("%s", r.URL)
}

func printPostForm(p *output.Printer, f *presign.PostForm) error {
	if p.Format == output.JSON {
		return p.JSON(jsonPostForm{Type: "post_form", URL: f.URL, Method: http.MethodPost, Expires: output.Time(f.Expires), Fields: f.Fields})
	}
	if err := p.Line("%s", f.URL); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(f.Fields)) {
		if err := p.Line("%s=%s", k, f.Fields[k]); err != nil {
			return err
		}
	}
	return nil
}
