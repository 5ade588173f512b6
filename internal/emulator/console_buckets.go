package emulator

import (
	"net/http"
	"strings"

	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/humanize"
)

// viewBucketLocked counts a bucket's objects and bytes (c.mu held, for the owner).
func (c *consoleAPI) viewBucketLocked(b *bucketRecord) console.Bucket {
	out := console.Bucket{Name: b.Name, Region: c.e.region, Owner: c.ownerLocked(b.Name), CreatedAt: stamp(b.Created)}
	_ = c.e.store.viewBucket(b.Name, func(st *bucketState) error {
		for _, o := range st.objects {
			out.ObjectCount++
			out.TotalSize += o.Size
		}
		return nil
	})
	out.TotalSizeHuman = humanize.Bytes(out.TotalSize)
	return out
}

func (c *consoleAPI) listBuckets(*http.Request, console.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := console.BucketList{Buckets: []console.Bucket{}}
	for _, b := range c.e.store.listBuckets() {
		out.Buckets = append(out.Buckets, c.viewBucketLocked(b))
	}
	return http.StatusOK, out, nil
}

// createBucket makes an empty bucket owned by the credential owner_id. The
// region may be left out; any other than the emulator's is refused.
func (c *consoleAPI) createBucket(r *http.Request, _ console.Params) (int, any, error) {
	var in console.CreateBucketInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := validateBucketName(in.Name); err != nil {
		return 0, nil, err
	}
	if in.Region != "" && in.Region != c.e.region {
		return 0, nil, badRequest("region %s is not served here; use %s or leave it out", in.Region, c.e.region)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	owner, err := c.credLocked(in.OwnerID)
	if err != nil {
		return 0, nil, err
	}
	if err := c.e.store.createBucket(in.Name, nil); err != nil {
		return 0, nil, err
	}
	c.owners[in.Name] = owner.accessKey
	return c.bucketDetailLocked(http.StatusCreated, in.Name)
}

func (c *consoleAPI) getBucket(_ *http.Request, p console.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bucketDetailLocked(http.StatusOK, p.Bucket)
}

func (c *consoleAPI) bucketDetailLocked(status int, name string) (int, any, error) {
	b, err := c.e.store.bucket(name)
	if err != nil {
		return 0, nil, err
	}
	objects, err := c.e.store.consoleObjects(name, "")
	if err != nil {
		return 0, nil, err
	}
	return status, console.BucketDetail{Bucket: c.viewBucketLocked(b), Objects: objects}, nil
}

// deleteBucket removes an empty bucket (409 BucketNotEmpty otherwise).
func (c *consoleAPI) deleteBucket(_ *http.Request, p console.Params) (int, any, error) {
	if err := c.e.store.deleteBucket(p.Bucket, false); err != nil {
		return 0, nil, err
	}
	c.mu.Lock()
	delete(c.owners, p.Bucket)
	c.mu.Unlock()
	return http.StatusOK, console.Message{Message: opDone}, nil
}

func (c *consoleAPI) listObjects(r *http.Request, p console.Params) (int, any, error) {
	objects, err := c.e.store.consoleObjects(p.Bucket, r.URL.Query().Get("prefix"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, console.ObjectList{Objects: objects}, nil
}

// consoleObjects lists a bucket's objects under prefix, in key order.
func (s *store) consoleObjects(bucket, prefix string) ([]console.Object, error) {
	out := []console.Object{}
	err := s.viewBucket(bucket, func(b *bucketState) error {
		for _, k := range b.keys {
			if strings.HasPrefix(k, prefix) {
				out = append(out, viewObject(b.objects[k]))
			}
		}
		return nil
	})
	return out, err
}

func viewObject(o *objectRecord) console.Object {
	return console.Object{
		Key: o.Key, Size: o.Size, SizeHuman: humanize.Bytes(o.Size), ContentType: o.Meta["Content-Type"],
		ETag: trimETag(o.ETag), IsMultipart: len(o.PartSizes) > 0, CreatedAt: stamp(o.Modified),
	}
}

func (c *consoleAPI) getObject(_ *http.Request, p console.Params) (int, any, error) {
	o, err := c.e.store.head(p.Bucket, p.Key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, console.ObjectDetail{
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
func storagePath(o *objectRecord) string {
	id := o.Blob
	if len(id) < 4 {
		return o.Bucket + "/objects/" + id
	}
	return o.Bucket + "/objects/" + id[:2] + "/" + id[2:4] + "/" + id
}

// deleteObject is 404 for a missing key: unlike S3, the console reports it.
func (c *consoleAPI) deleteObject(_ *http.Request, p console.Params) (int, any, error) {
	if _, err := c.e.store.head(p.Bucket, p.Key); err != nil {
		return 0, nil, err
	}
	if err := c.e.store.deleteObject(p.Bucket, p.Key); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, console.Message{Message: opDone}, nil
}

// deleteObjects answers with the keys that existed and were deleted, as
// 003's example (three keys asked, two deleted) implies.
func (c *consoleAPI) deleteObjects(r *http.Request, p console.Params) (int, any, error) {
	var in console.DeleteObjectsInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if len(in.Keys) == 0 {
		return 0, nil, badRequest("keys is empty: name at least one key")
	}
	if !c.e.store.bucketExists(p.Bucket) {
		return 0, nil, errNoSuchBucket(p.Bucket)
	}
	out := console.DeleteObjectsOutput{Deleted: []string{}}
	for _, k := range in.Keys {
		if _, err := c.e.store.head(p.Bucket, k); err != nil {
			continue
		}
		if err := c.e.store.deleteObject(p.Bucket, k); err != nil {
			return 0, nil, err
		}
		out.Deleted = append(out.Deleted, k)
	}
	return http.StatusOK, out, nil
}

func (c *consoleAPI) listUploads(_ *http.Request, p console.Params) (int, any, error) {
	ups, err := c.e.store.listUploads(p.Bucket)
	if err != nil {
		return 0, nil, err
	}
	out := console.UploadList{Uploads: []console.Upload{}}
	for _, u := range ups {
		v := console.Upload{UploadID: u.ID, ObjectKey: u.Key, ContentType: u.Meta["Content-Type"], InitiatedAt: stamp(u.Initiated), PartCount: int64(len(u.Parts))}
		for _, part := range u.Parts {
			v.TotalSize += part.Size
		}
		v.TotalSizeHuman = humanize.Bytes(v.TotalSize)
		out.Uploads = append(out.Uploads, v)
	}
	return http.StatusOK, out, nil
}
