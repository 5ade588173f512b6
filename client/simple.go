package client

import (
	"bytes"
	"context"
	"io"
	"iter"
	"mime"
	"path"
)

// Upload stores data under bucket/key in one request, with the content type
// guessed from the key's extension. It is the short way for small objects;
// the transfer package moves large files and streams in parallel parts.
func (c *Client) Upload(ctx context.Context, bucket, key string, data []byte) (ObjectInfo, error) {
	out, err := c.PutObject(ctx, PutObjectInput{
		Bucket: bucket, Key: key, Body: bytes.NewReader(data), ContentLength: int64(len(data)),
		ObjectAttributes: ObjectAttributes{ContentType: ContentTypeFor(key)},
	})
	if err != nil {
		return ObjectInfo{}, err
	}
	return ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(data)), ETag: out.ETag, VersionID: out.VersionID}, nil
}

// Download reads the whole object into memory.
func (c *Client) Download(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, c.wrapErr("GetObject", bucket, key, err)
	}
	return data, nil
}

// List yields every object under prefix, across pages.
func (c *Client) List(ctx context.Context, bucket, prefix string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for page, err := range c.ListObjects(ctx, ListObjectsInput{Bucket: bucket, Prefix: prefix}) {
			if err != nil {
				yield(Object{}, err)
				return
			}
			for _, o := range page.Objects {
				if !yield(o, nil) {
					return
				}
			}
		}
	}
}

// ContentTypeFor guesses a content type from a file name's extension, as
// browsers and the other S3 tools do; unknown extensions are
// application/octet-stream.
func ContentTypeFor(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
