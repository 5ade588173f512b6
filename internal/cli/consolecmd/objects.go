package consolecmd

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/output"
)

func newCmdObjects(f *cmdutil.Factory) *cobra.Command {
	return group("objects", "List, inspect and delete objects",
		NewCmdObjectsList(f, nil), NewCmdObjectsGet(f, nil), NewCmdObjectsRm(f, nil))
}

// ObjectsOptions are the inputs of the `qcli console objects` commands.
type ObjectsOptions struct {
	Client  clientFunc
	Printer func() *output.Printer

	Bucket string
	Prefix string   // list
	Keys   []string // get (one), rm
}

func newObjectsOptions(f *cmdutil.Factory) *ObjectsOptions {
	return &ObjectsOptions{Client: f.ConsoleClient, Printer: f.Printer}
}

// objectArgs takes BUCKET KEY..., checked before any request.
func objectArgs(opts *ObjectsOptions, args []string) error {
	opts.Bucket, opts.Keys = args[0], args[1:]
	if err := client.ValidateBucketName(opts.Bucket); err != nil {
		return err
	}
	for _, k := range opts.Keys {
		if err := client.ValidateKey(k); err != nil {
			return err
		}
	}
	return nil
}

// NewCmdObjectsList builds `qcli console objects list BUCKET`.
func NewCmdObjectsList(f *cmdutil.Factory, runF func(context.Context, *ObjectsOptions) error) *cobra.Command {
	opts := newObjectsOptions(f)
	cmd := &cobra.Command{
		Use:   "list BUCKET [--prefix PREFIX]",
		Short: "List a bucket's objects",
		Args:  cmdutil.ExactArgs(1, "a bucket name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := objectArgs(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runObjectsList)
		},
	}
	cmd.Flags().StringVar(&opts.Prefix, "prefix", "", "only keys that start with this")
	return cmd
}

func runObjectsList(ctx context.Context, opts *ObjectsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	objects, err := c.ListObjects(ctx, opts.Bucket, opts.Prefix)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(console.ObjectList{Objects: nonNil(objects)})
	}
	return printObjectList(p, objects, false)
}

func printObjectList(p *output.Printer, objects []console.Object, underRecord bool) error {
	if underRecord && len(objects) > 0 {
		if err := p.Line(""); err != nil {
			return err
		}
	}
	rows := make([][]string, len(objects))
	for i, o := range objects {
		rows[i] = []string{o.Key, size(o.Size), orDash(o.ContentType), yesNo(o.IsMultipart), when(o.CreatedAt)}
	}
	return printRows(p, []string{"Key", "Size", "Content type", "Multipart", "Created"}, rows)
}

// NewCmdObjectsGet builds `qcli console objects get BUCKET KEY`.
func NewCmdObjectsGet(f *cmdutil.Factory, runF func(context.Context, *ObjectsOptions) error) *cobra.Command {
	opts := newObjectsOptions(f)
	return &cobra.Command{
		Use:   "get BUCKET KEY",
		Short: "Show an object's details: metadata, parts, storage path",
		Args:  cmdutil.ExactArgs(2, "a bucket name and a key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := objectArgs(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runObjectsGet)
		},
	}
}

func runObjectsGet(ctx context.Context, opts *ObjectsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	o, err := c.GetObject(ctx, opts.Bucket, opts.Keys[0])
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		return p.JSONIndented(o)
	}
	fields := []field{
		{"key", o.Key}, {"size", fmt.Sprintf("%s (%d bytes)", size(o.Size), o.Size)},
		{"content_type", orDash(o.ContentType)}, {"etag", o.ETag}, {"is_multipart", yesNo(o.IsMultipart)},
		{"part_count", fmt.Sprint(o.PartCount)}, {"storage_path", orDash(o.StoragePath)},
		{"created_at", when(o.CreatedAt)}, {"updated_at", when(o.UpdatedAt)},
	}
	for _, name := range slices.Sorted(maps.Keys(o.Metadata)) {
		fields = append(fields, field{"metadata." + name, o.Metadata[name]})
	}
	return printFields(p, fields)
}

// NewCmdObjectsRm builds `qcli console objects rm BUCKET KEY...`.
func NewCmdObjectsRm(f *cmdutil.Factory, runF func(context.Context, *ObjectsOptions) error) *cobra.Command {
	opts := newObjectsOptions(f)
	return &cobra.Command{
		Use:   "rm BUCKET KEY...",
		Short: "Delete objects (several in one batch call)",
		Long: `Delete one or more objects. Several keys go in one batch call; keys the
console reports as not deleted (typically because they do not exist) are
named on stderr and make the command fail (exit 1).`,
		Args: cmdutil.RangeArgs(2, 1<<20, "a bucket name and one or more keys"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := objectArgs(opts, args); err != nil {
				return err
			}
			return cmdutil.Run(cmd.Context(), opts, runF, runObjectsRm)
		},
	}
}

func runObjectsRm(ctx context.Context, opts *ObjectsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	deleted, err := deleteKeys(ctx, c, opts.Bucket, opts.Keys)
	if err != nil {
		return err
	}
	p := opts.Printer()
	if p.Format == output.JSON {
		err = p.JSONIndented(console.DeleteObjectsOutput{Deleted: nonNil(deleted)})
	} else {
		for _, k := range deleted {
			if err = p.Line("delete: %s", "s3://"+opts.Bucket+"/"+k); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	return notDeleted(opts, deleted)
}

// deleteKeys uses the single-object call for one key, so a missing key is
// the service's own "not found", and the batch call for several.
func deleteKeys(ctx context.Context, c *console.Client, bucket string, keys []string) ([]string, error) {
	if len(keys) == 1 {
		if _, err := c.DeleteObject(ctx, bucket, keys[0]); err != nil {
			return nil, err
		}
		return keys, nil
	}
	return c.DeleteObjects(ctx, bucket, keys)
}

// notDeleted names the keys the batch left, and fails if there are any.
func notDeleted(opts *ObjectsOptions, deleted []string) error {
	var missing []string
	for _, k := range opts.Keys {
		if !slices.Contains(deleted, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitFailed, Err: fmt.Errorf("%d of %d keys not deleted (no such object?): %s",
		len(missing), len(opts.Keys), strings.Join(missing, ", "))}
}
