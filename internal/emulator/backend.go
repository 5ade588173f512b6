package emulator

import (
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// backend adapts the store to gofakes3.Backend, so gofakes3 can serve the
// operations it implements correctly (HeadBucket, DeleteBucket,
// DeleteObject, DeleteObjects, bucket versioning) on the same data.
type backend struct{ s *store }

var _ gofakes3.Backend = backend{}

// fakesErr turns a store error into one gofakes3 renders with its code.
func fakesErr(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return gofakes3.ErrorMessage(gofakes3.ErrorCode(ae.Code), ae.Message)
	}
	return err
}

func (b backend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	var out []gofakes3.BucketInfo
	for _, rec := range b.s.listBuckets() {
		out = append(out, gofakes3.BucketInfo{Name: rec.Name, CreationDate: gofakes3.NewContentTime(rec.Created)})
	}
	return out, nil
}

func (b backend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	q := listQuery{marker: page.Marker, maxKeys: int(page.MaxKeys)}
	if prefix != nil {
		q.prefix, q.delimiter = prefix.Prefix, prefix.Delimiter
	}
	if q.maxKeys <= 0 {
		q.maxKeys = 1000
	}
	out := gofakes3.NewObjectList()
	err := b.s.viewBucket(name, func(bs *bucketState) error {
		p := listKeys(bs, q)
		for _, cp := range p.prefixes {
			out.AddPrefix(cp)
		}
		for _, o := range p.contents {
			out.Add(&gofakes3.Content{Key: o.Key, LastModified: gofakes3.NewContentTime(o.Modified), ETag: o.ETag, Size: o.Size})
		}
		out.IsTruncated = p.truncated
		if p.truncated {
			out.NextMarker = p.last
		}
		return nil
	})
	return out, fakesErr(err)
}

func (b backend) CreateBucket(name string) error {
	if err := validateBucketName(name); err != nil {
		return fakesErr(err)
	}
	return fakesErr(b.s.createBucket(name, nil))
}

func (b backend) BucketExists(name string) (bool, error) { return b.s.bucketExists(name), nil }

func (b backend) DeleteBucket(name string) error { return fakesErr(b.s.deleteBucket(name, false)) }

func (b backend) ForceDeleteBucket(name string) error { return fakesErr(b.s.deleteBucket(name, true)) }

// toObject converts a record; the hash is the MD5 part of the ETag.
func toObject(o *objectRecord, body io.ReadCloser, rng *gofakes3.ObjectRange) *gofakes3.Object {
	sum, _ := hex.DecodeString(strings.SplitN(trimETag(o.ETag), "-", 2)[0])
	meta := map[string]string{}
	for k, v := range o.Meta {
		meta[k] = v
	}
	return &gofakes3.Object{Name: o.Key, Metadata: meta, Size: o.Size, Contents: body, Hash: sum, Range: rng}
}

func (b backend) GetObject(bucket, key string, rr *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	o, body, err := b.s.open(bucket, key)
	if err != nil {
		return nil, fakesErr(err)
	}
	rng, err := rr.Range(o.Size)
	if err != nil {
		body.Close()
		return nil, err
	}
	var rc io.ReadCloser = body
	if rng != nil {
		if _, err := body.Seek(rng.Start, io.SeekStart); err != nil {
			body.Close()
			return nil, err
		}
		rc = readCloser{io.LimitReader(body, rng.Length), body}
	}
	return toObject(o, rc, rng), nil
}

func (b backend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	o, err := b.s.head(bucket, key)
	if err != nil {
		return nil, fakesErr(err)
	}
	return toObject(o, io.NopCloser(strings.NewReader("")), nil), nil
}

func (b backend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	return gofakes3.ObjectDeleteResult{}, fakesErr(b.s.deleteObject(bucket, key))
}

func (b backend) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64, cond *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	in := putInput{bucket: bucket, key: key, body: input, size: size, meta: map[string]string{}}
	for _, name := range storedHeaders {
		if v := meta[name]; v != "" {
			in.meta[name] = v
		}
	}
	if cond != nil {
		in.cond = func(cur *objectRecord) error {
			info := &gofakes3.ConditionalObjectInfo{Exists: cur != nil}
			if cur != nil {
				info.Hash, _ = hex.DecodeString(trimETag(cur.ETag))
			}
			return gofakes3.CheckPutConditions(cond, info)
		}
	}
	_, err := b.s.putObject(in)
	return gofakes3.PutObjectResult{}, fakesErr(err)
}

func (b backend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var res gofakes3.MultiDeleteResult
	for _, k := range keys {
		if err := b.s.deleteObject(bucket, k); err != nil {
			ae := toAPIError(err)
			res.Error = append(res.Error, gofakes3.ErrorResult{Key: k, Code: gofakes3.ErrorCode(ae.Code), Message: ae.Message})
			continue
		}
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: k})
	}
	return res, nil
}

func (b backend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	mk := func(src *objectRecord) (*objectRecord, error) {
		return &objectRecord{Bucket: dstBucket, Key: dstKey, Meta: src.Meta, Tags: src.Tags}, nil
	}
	o, err := b.s.copyObject(srcBucket, srcKey, mk, nil)
	if err != nil {
		return gofakes3.CopyObjectResult{}, fakesErr(err)
	}
	return gofakes3.CopyObjectResult{ETag: o.ETag, LastModified: gofakes3.NewContentTime(o.Modified)}, nil
}
