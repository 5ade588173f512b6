package transfer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quilibrium/qcli/client"
)

// Tree operations stream their source (a local walk or an S3 listing) into
// a pool of Options.ObjectConcurrency workers: the first transfers start
// while the listing is still being read, and the listing is never held in
// memory. One object failing does not stop the others: the Summary counts
// them, and each has its own Failed or Skipped event. The error returned
// is for the operation as a whole (the source cannot be listed, ctx ended).

// UploadTree uploads the files under root to dst.Prefix + their relative
// path, in key order.
func (m *Manager) UploadTree(ctx context.Context, root string, dst Location, o TreeOptions) (Summary, error) {
	o = m.treeCall(o)
	var rootReal string
	var err error
	if o.RemoveSource {
		if rootReal, err = resolveRoot(root); err != nil {
			return Summary{}, err
		}
	}
	p := m.newPool()
	for e, werr := range localTree(ctx, root, o, false) {
		if werr != nil {
			err = werr
			break
		}
		if !o.Filter.Included(e.Rel) {
			continue
		}
		if !m.submit(ctx, p, m.planUpload(e, dst, rootReal, o), o) {
			break
		}
	}
	return finishTree(ctx, p, err)
}

// finishTree waits for the pool and settles the operation's error.
func finishTree(ctx context.Context, p *pool, err error) (Summary, error) {
	sum := p.wait()
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = p.stopped()
	}
	return sum, err
}

// DownloadTree downloads the objects under src.Prefix into the directory
// root. Keys that would land outside root (../x, /x, a/../../x, NUL) are
// skipped with an UnsafeKeyError, keys that land on the path of another
// (dup//x beside dup/x, a beside a/b) with a CollisionError; under a
// Shard, a key that cleans to a path of another shard (./x lands on x)
// fails with a ShardPathError; zero-byte "dir/" markers are ignored.
func (m *Manager) DownloadTree(ctx context.Context, src Location, root string, o TreeOptions) (Summary, error) {
	o = m.treeCall(o)
	rootReal, err := prepareRoot(root, o.DryRun)
	if err != nil {
		return Summary{}, err
	}
	p, dirs, cl := m.newPool(), newDirCache(rootReal), newClaims(m, src, root, o)
	download := func(e Entry, skip error) bool {
		pl := m.planDownload(e, src, root, dirs, o)
		if skip != nil {
			pl.task, pl.skipErr = nil, skip
		}
		return m.submit(ctx, p, pl, o)
	}
	for e, lerr := range m.s3Tree(ctx, src, o) {
		if lerr != nil {
			err = lerr
			break
		}
		if isDirMarker(e) || !o.Filter.Included(e.Rel) {
			continue
		}
		if later, skip := cl.admit(e); !later && !download(e, skip) {
			break
		}
	}
	if err == nil && ctx.Err() == nil {
		for e, skip := range cl.late(ctx) {
			if !download(e, skip) {
				break
			}
		}
	}
	return finishTree(ctx, p, err)
}

// prepareRoot creates a download's destination directory and returns its
// resolved path, against which every file's directory is checked.
func prepareRoot(root string, dryRun bool) (string, error) {
	if dryRun {
		if _, err := os.Stat(root); err != nil {
			return filepath.Abs(root)
		}
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	return resolveRoot(root)
}

// resolveRoot is the absolute path of a tree's root with its symbolic
// links resolved, against which the files of the tree are checked.
func resolveRoot(root string) (string, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	return filepath.Abs(real)
}

// CopyTree copies the objects under src.Prefix to dst.Prefix + their key
// after src.Prefix, within the service.
func (m *Manager) CopyTree(ctx context.Context, src, dst Location, o TreeOptions) (Summary, error) {
	o = m.treeCall(o)
	p := m.newPool()
	var err error
	for e, lerr := range m.s3Tree(ctx, src, o) {
		if lerr != nil {
			err = lerr
			break
		}
		if !o.Filter.Included(e.Rel) {
			continue
		}
		if !m.submit(ctx, p, m.planCopy(e, src, dst, o), o) {
			break
		}
	}
	return finishTree(ctx, p, err)
}

// DeleteTree deletes the objects under target.Prefix with DeleteObjects,
// 1,000 keys a request, as the listing streams.
func (m *Manager) DeleteTree(ctx context.Context, target Location, o TreeOptions) (Summary, error) {
	o = m.treeCall(o)
	d := m.newDeleter(target.Bucket, o)
	var err error
	for e, lerr := range m.s3Tree(ctx, target, o) {
		if lerr != nil {
			err = lerr
			break
		}
		if !o.Filter.Included(e.Rel) {
			continue
		}
		if err = d.add(ctx, e); err != nil {
			break
		}
	}
	if ferr := d.flush(ctx); err == nil {
		err = ferr
	}
	if err == nil {
		err = ctx.Err()
	}
	return d.sum, err
}

// deleter batches keys for DeleteObjects.
type deleter struct {
	m      *Manager
	em     *emitter
	bucket string
	dryRun bool
	batch  []Entry
	sum    Summary
}

func (m *Manager) newDeleter(bucket string, o TreeOptions) *deleter {
	return &deleter{m: m, em: o.events(m), bucket: bucket, dryRun: o.DryRun}
}

func (d *deleter) add(ctx context.Context, e Entry) error {
	d.batch = append(d.batch, e)
	if len(d.batch) < client.MaxDeleteBatch {
		return nil
	}
	return d.flush(ctx)
}

// flush deletes the batch. Keys the service could not delete are Failed
// events; a request that failed as a whole fails every key in it and the
// operation.
func (d *deleter) flush(ctx context.Context) error {
	if len(d.batch) == 0 {
		return nil
	}
	batch := d.batch
	d.batch = nil
	byKey := map[string]Entry{}
	ids := make([]client.ObjectID, len(batch))
	for i, e := range batch {
		byKey[e.Key] = e
		ids[i] = client.ObjectID{Key: e.Key}
		d.obj(e).emit(Queued, 0, nil, nil)
	}
	if d.dryRun {
		for _, e := range batch {
			d.done(e, true)
		}
		return nil
	}
	var out client.DeleteObjectsOutput
	err := d.m.withSlot(ctx, func() (err error) {
		out, err = d.m.c.DeleteObjects(ctx, d.bucket, ids)
		return err
	})
	if err != nil {
		for _, e := range batch {
			d.sum.Failed++
			d.obj(e).emit(Failed, 0, err, nil)
		}
		return err
	}
	for _, id := range out.Deleted {
		d.done(byKey[id.Key], false)
	}
	for _, f := range out.Failed {
		d.sum.Failed++
		d.obj(byKey[f.Key]).emit(Failed, 0, fmt.Errorf("%s: %s", f.Code, f.Message), nil)
	}
	return nil
}

func (d *deleter) obj(e Entry) object {
	return object{em: d.em, op: OpDelete, source: S3URL(d.bucket, e.Key), size: e.Size}
}

func (d *deleter) done(e Entry, dryRun bool) {
	d.sum.Done++
	d.obj(e).emit(Done, 0, nil, &Result{Op: OpDelete, Source: S3URL(d.bucket, e.Key), Size: e.Size, DryRun: dryRun})
}
