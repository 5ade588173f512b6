package console

import (
	"net/http"
	"strings"

	consoleapi "github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
	"github.com/quilibrium/qcli/internal/humanize"
)

// viewBucketLocked counts a bucket's objects and bytes (c.mu held, for the owner).
func (c *Server) viewBucketLocked(b *store.Bucket) consoleapi.Bucket {
	out := consoleapi.Bucket{Name: b.Name, Region: c.region, Owner: c.ownerLocked(b), CreatedAt: stamp(b.Created)}
	out.ObjectCount, out.TotalSize, _ = c.store.Usage(b.Name)
	out.TotalSizeHuman = humanize.Bytes(out.TotalSize)
	return out
}

func (c *Server) listBuckets(*http.Request, consoleapi.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := consoleapi.BucketList{Buckets: []consoleapi.Bucket{}}
	for _, b := range c.store.ListBuckets() {
		out.Buckets = append(out.Buckets, c.viewBucketLocked(b))
	}
	return http.StatusOK, out, nil
}

// createBucket makes an empty bucket owned by the credential owner_id. The
// region may be left out; any other than the emulator's is refused.
func (c *Server) createBucket(r *http.Request, _ consoleapi.Params) (int, any, error) {
	var in consoleapi.CreateBucketInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := store.CheckBucketName(in.Name); err != nil {
		return 0, nil, err
	}
	if in.Region != "" && in.Region != c.region {
		return 0, nil, badRequest("region %s is not served here; use %s or leave it out", in.Region, c.region)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	owner, err := c.credLocked(in.OwnerID)
	if err != nil {
		return 0, nil, err
	}
	sameOwner := func(b *store.Bucket) bool { return b.Owner == owner.accessKey }
	if err := c.store.CreateBucket(store.Bucket{Name: in.Name, Owner: owner.accessKey}, sameOwner); err != nil {
		return 0, nil, err
	}
	return c.bucketDetailLocked(http.StatusCreated, in.Name)
}

func (c *Server) getBucket(_ *http.Request, p consoleapi.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bucketDetailLocked(http.StatusOK, p.Bucket)
}

func (c *Server) bucketDetailLocked(status int, name string) (int, any, error) {
	b, err := c.store.Bucket(name)
	if err != nil {
		return 0, nil, err
	}
	objects, err := consoleObjects(c.store, name, "")
	if err != nil {
		return 0, nil, err
	}
	return status, consoleapi.BucketDetail{Bucket: c.viewBucketLocked(b), Objects: objects}, nil
}

// deleteBucket removes an empty bucket (409 BucketNotEmpty otherwise).
func (c *Server) deleteBucket(_ *http.Request, p consoleapi.Params) (int, any, error) {
	if err := c.store.DeleteBucket(p.Bucket, false); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, consoleapi.Message{Message: opDone}, nil
}

func (c *Server) listObjects(r *http.Request, p consoleapi.Params) (int, any, error) {
	objects, err := consoleObjects(c.store, p.Bucket, r.URL.Query().Get("prefix"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, consoleapi.ObjectList{Objects: objects}, nil
}

// consoleObjects lists a bucket's objects under prefix, in key order.
func consoleObjects(st *store.Store, bucket, prefix string) ([]consoleapi.Object, error) {
	objs, err := st.Objects(bucket, prefix)
	out := make([]consoleapi.Object, 0, len(objs))
	for _, o := range objs {
		out = append(out, viewObject(o))
	}
	return out, err
}

func viewObject(o *store.Object) consoleapi.Object {
	return consoleapi.Object{
		Key: o.Key, Size: o.Size, SizeHuman: humanize.Bytes(o.Size), ContentType: o.Meta["Content-Type"],
		ETag: store.TrimETag(o.ETag), IsMultipart: len(o.PartSizes) > 0, CreatedAt: stamp(o.Modified),
	}
}

func (c *Server) getObject(_ *http.Request, p consoleapi.Params) (int, any, error) {
	o, err := c.store.Head(p.Bucket, p.Key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, consoleapi.ObjectDetail{
		Object: viewObject(o), PartCount: int64(len(o.PartSizes)), Metadata: userMetadata(o.Meta),
		StoragePath: storagePath(o), UpdatedAt: stamp(o.Modified),
	}, nil
}

// userMetadata gives x-amz-meta-* as 003 shows it: lower-case names
// without the prefix.
func userMetadata(meta map[string]string) map[string]string {
	out := map[string]string{}
	for name, v := range meta {
		if user, ok := strings.CutPrefix(name, "X-Amz-Meta-"); ok {
			out[strings.ToLower(user)] = v
		}
	}
	return out
}

// storagePath is shaped like 003's example, "bucket/objects/ab/cd/abcd...".
func storagePath(o *store.Object) string {
	id := o.Blob
	if len(id) < 4 {
		return o.Bucket + "/objects/" + id
	}
	return o.Bucket + "/objects/" + id[:2] + "/" + id[2:4] + "/" + id
}

// deleteObject is 404 for a missing key: unlike S3, the console reports it.
func (c *Server) deleteObject(_ *http.Request, p consoleapi.Params) (int, any, error) {
	if _, err := c.store.Head(p.Bucket, p.Key); err != nil {
		return 0, nil, err
	}
	if err := c.store.DeleteObject(p.Bucket, p.Key); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, consoleapi.Message{Message: opDone}, nil
}

// deleteObjects answers with the keys that existed and were deleted, as
// 003's example (three keys asked, two deleted) implies.
func (c *Server) deleteObjects(r *http.Request, p consoleapi.Params) (int, any, error) {
	var in consoleapi.DeleteObjectsInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if len(in.Keys) == 0 {
		return 0, nil, badRequest("keys is empty: name at least one key")
	}
	if !c.store.BucketExists(p.Bucket) {
		return 0, nil, s3err.NoSuchBucket(p.Bucket)
	}
	out := consoleapi.DeleteObjectsOutput{Deleted: []string{}}
	for _, k := range in.Keys {
		if _, err := c.store.Head(p.Bucket, k); err != nil {
			continue
		}
		if err := c.store.DeleteObject(p.Bucket, k); err != nil {
			return 0, nil, err
		}
		out.Deleted = append(out.Deleted, k)
	}
	return http.StatusOK, out, nil
}

func (c *Server) listUploads(_ *http.Request, p consoleapi.Params) (int, any, error) {
	ups, err := c.store.ListUploads(p.Bucket)
	if err != nil {
		return 0, nil, err
	}
	out := consoleapi.UploadList{Uploads: []consoleapi.Upload{}}
	for _, u := range ups {
		v := consoleapi.Upload{UploadID: u.ID, ObjectKey: u.Key, ContentType: u.Meta["Content-Type"], InitiatedAt: stamp(u.Initiated), PartCount: int64(len(u.Parts))}
		for _, part := range u.Parts {
			v.TotalSize += part.Size
		}
		v.TotalSizeHuman = humanize.Bytes(v.TotalSize)
		out.Uploads = append(out.Uploads, v)
	}
	return http.StatusOK, out, nil
}
