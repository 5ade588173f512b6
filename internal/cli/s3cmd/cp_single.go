package s3cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/transfer"
)

// errExists is a single transfer left alone by --no-overwrite: a local
// file or an object that a HEAD found.
var errExists = errors.New("exists")

// leftAlone reports whether --no-overwrite left the destination alone: it
// was there before (errExists) or another writer got there first, so the
// service refused the conditional write (transfer.ErrExists).
func leftAlone(err error) bool {
	return errors.Is(err, errExists) || errors.Is(err, transfer.ErrExists)
}

// runSingle copies one file, stream or object; errExists when
// --no-overwrite left it alone.
func (j *cpJob) runSingle(ctx context.Context) (*transfer.Result, error) {
	var res *transfer.Result
	var err error
	switch {
	case j.src.stdio:
		res, err = j.fromStdin(ctx)
	case j.dst.stdio:
		res, err = j.m.Download(ctx, j.downloadInput(), j.opts.IO.Out)
	case !j.src.s3:
		res, err = j.upload(ctx)
	case !j.dst.s3:
		res, err = j.download(ctx)
	default:
		res, err = j.copy(ctx)
	}
	if err != nil {
		return nil, err
	}
	if res.DryRun {
		j.rep.done(transfer.Event{Type: transfer.Done, Op: res.Op, Result: res})
		return res, nil
	}
	if j.opts.Move {
		return res, j.removeSource(ctx, res)
	}
	return res, nil
}

// dryRun is the result a dry run reports instead of transferring.
func dryRun(op transfer.Op, src, dst string, size int64) (*transfer.Result, error) {
	return &transfer.Result{Op: op, Source: src, Dest: dst, Size: size, DryRun: true}, nil
}

// sourceSize is an S3 source's size, for a dry run's report: a HEAD,
// which reads nothing and also finds a missing source.
func (j *cpJob) sourceSize(ctx context.Context) (int64, error) {
	info, err := j.m.Client().HeadObject(ctx, client.HeadObjectInput{Bucket: j.src.uri.Bucket, Key: j.src.uri.Key,
		VersionID: j.opts.VersionID, CustomerKey: j.tree.SourceCustomerKey})
	return info.Size, err
}

// downloadInput names the S3 source of a single download (a version of it
// with --version-id).
func (j *cpJob) downloadInput() transfer.DownloadInput {
	return transfer.DownloadInput{Bucket: j.src.uri.Bucket, Key: j.src.uri.Key, VersionID: j.opts.VersionID, CustomerKey: j.tree.SourceCustomerKey}
}

func (j *cpJob) fromStdin(ctx context.Context) (*transfer.Result, error) {
	in, err := j.uploadInput(j.dst.uri.Key, j.dst.uri.Key)
	if err != nil {
		return nil, err
	}
	if in.ExpectedSize, err = j.opts.Attrs.expectedSize(); err != nil {
		return nil, err
	}
	if err := j.noOverwrite(ctx, in.Bucket, in.Key); err != nil {
		return nil, err
	}
	if j.tree.DryRun {
		return dryRun(transfer.OpUpload, "-", transfer.S3URL(in.Bucket, in.Key), 0)
	}
	return j.m.Upload(ctx, j.opts.IO.In, in)
}

// uploadInput names the destination object, with the content type
// guessed from name unless told otherwise.
func (j *cpJob) uploadInput(key, name string) (transfer.UploadInput, error) {
	in := transfer.UploadInput{Bucket: j.dst.uri.Bucket, Key: key, ObjectAttributes: j.tree.Attributes, ChecksumAlgorithm: j.tree.ChecksumAlgorithm,
		NoOverwrite: j.opts.NoOverwrite}
	if in.ContentType == "" && j.tree.GuessContentType {
		in.ContentType = client.ContentTypeFor(name)
	}
	return in, client.ValidateKey(key)
}

func (j *cpJob) upload(ctx context.Context) (*transfer.Result, error) {
	info, err := os.Stat(j.src.arg)
	if err != nil {
		return nil, cmdutil.Usagef("cannot read %s: %w", j.src.arg, err)
	}
	if info.IsDir() {
		return nil, cmdutil.Usagef("%s is a directory: use --recursive to copy what it holds", j.src.arg)
	}
	in, err := j.uploadInput(j.dst.keyFor(filepath.Base(j.src.arg)), j.src.arg)
	if err != nil {
		return nil, err
	}
	if err := j.noOverwrite(ctx, in.Bucket, in.Key); err != nil {
		return nil, err
	}
	if j.tree.DryRun {
		return dryRun(transfer.OpUpload, j.src.arg, transfer.S3URL(in.Bucket, in.Key), info.Size())
	}
	return j.m.UploadFile(ctx, j.src.arg, in)
}

func (j *cpJob) download(ctx context.Context) (*transfer.Result, error) {
	dst, err := j.dst.pathFor(j.src.uri.Key)
	if err != nil {
		return nil, err
	}
	if j.opts.NoOverwrite {
		if _, err := os.Lstat(dst); err == nil {
			return nil, errExists
		}
	}
	if j.tree.DryRun {
		size, err := j.sourceSize(ctx)
		if err != nil {
			return nil, err
		}
		return dryRun(transfer.OpDownload, j.src.uri.String(), dst, size)
	}
	return j.m.DownloadFile(ctx, j.downloadInput(), dst)
}

func (j *cpJob) copy(ctx context.Context) (*transfer.Result, error) {
	dest, err := j.uploadInput(j.dst.keyFor(path.Base(j.src.uri.Key)), j.src.uri.Key)
	if err != nil {
		return nil, err
	}
	if j.tree.MetadataDirective != client.MetadataReplace || j.tree.KeepSourceProps {
		dest.ContentType = j.tree.Attributes.ContentType // the source's is kept, not guessed
	}
	if err := j.noOverwrite(ctx, dest.Bucket, dest.Key); err != nil {
		return nil, err
	}
	if j.tree.DryRun {
		size, err := j.sourceSize(ctx)
		if err != nil {
			return nil, err
		}
		return dryRun(transfer.OpCopy, j.src.uri.String(), transfer.S3URL(dest.Bucket, dest.Key), size)
	}
	return j.m.Copy(ctx, transfer.CopyInput{SourceBucket: j.src.uri.Bucket, SourceKey: j.src.uri.Key, SourceVersionID: j.opts.VersionID,
		SourceCustomerKey: j.tree.SourceCustomerKey, MetadataDirective: j.tree.MetadataDirective,
		KeepSourceProps: j.tree.KeepSourceProps, TaggingDirective: j.tree.TaggingDirective, Dest: dest})
}

// noOverwrite is --no-overwrite's first line for an S3 destination:
// errExists when the object is there. The upload's conditional write
// (UploadInput.NoOverwrite) is the second, which a writer racing in
// between the HEAD and the write cannot get past.
func (j *cpJob) noOverwrite(ctx context.Context, bucket, key string) error {
	if !j.opts.NoOverwrite {
		return nil
	}
	_, err := j.m.Client().HeadObject(ctx, client.HeadObjectInput{Bucket: bucket, Key: key})
	switch {
	case err == nil:
		return errExists
	case errors.Is(err, client.ErrNoSuchKey):
		return nil
	}
	return err
}

// removeSource finishes a single mv: the copy is verified, so the source
// goes. A source the server keeps for Object Lock is named with what
// protects it.
func (j *cpJob) removeSource(ctx context.Context, res *transfer.Result) error {
	var err error
	if j.src.s3 {
		c := j.m.Client()
		if err = c.DeleteObject(ctx, j.src.uri.Bucket, j.src.uri.Key, ""); err != nil {
			err = lockedDeleteError(ctx, c, j.src.uri.Bucket, client.ObjectID{Key: j.src.uri.Key}, err, false)
		}
	} else {
		err = os.Remove(j.src.arg)
	}
	if err != nil {
		return fmt.Errorf("%s was copied to %s, but could not be removed: %w", res.Source, res.Dest, err)
	}
	j.rep.done(transfer.Event{Type: transfer.Removed, Op: res.Op, Result: res})
	return nil
}
