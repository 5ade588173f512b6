package client

import (
	"bytes"
	"context"
	"io"
	"iter"
	"mime"
	"path"
	"slices"
	"strings"
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

// ListOption changes what List yields.
type ListOption func(*ListObjectsInput)

// WithDelimiter groups keys by delimiter (usually "/"), as directories: List
// then yields the keys directly under the prefix and, as entries with
// IsPrefix set, the common prefixes below it, together in key order.
func WithDelimiter(delimiter string) ListOption {
	return func(in *ListObjectsInput) { in.Delimiter = delimiter }
}

// List yields every object under prefix, across pages (with WithDelimiter,
// one level of it).
func (c *Client) List(ctx context.Context, bucket, prefix string, opts ...ListOption) iter.Seq2[Object, error] {
	in := ListObjectsInput{Bucket: bucket, Prefix: prefix}
	for _, o := range opts {
		o(&in)
	}
	return func(yield func(Object, error) bool) {
		for page, err := range c.ListObjects(ctx, in) {
			if err != nil {
				yield(Object{}, err)
				return
			}
			for _, o := range pageEntries(page) {
				if !yield(o, nil) {
					return
				}
			}
		}
	}
}

// pageEntries merges a page's objects and common prefixes into key order,
// the order the service lists them in.
func pageEntries(page *ObjectPage) []Object {
	if len(page.CommonPrefixes) == 0 {
		return page.Objects
	}
	out := make([]Object, 0, len(page.Objects)+len(page.CommonPrefixes))
	out = append(out, page.Objects...)
	for _, p := range page.CommonPrefixes {
		out = append(out, Object{Key: p, IsPrefix: true})
	}
	slices.SortStableFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// ContentTypeFor guesses a content type from a file name's extension, as
// browsers and the AWS CLI do: the bare media type ("text/html", not Go's
// "text/html; charset=utf-8"), and "" for an unknown extension, so that
// nothing is sent and the service applies its default.
func ContentTypeFor(name string) string {
	t, _, err := mime.ParseMediaType(mime.TypeByExtension(path.Ext(name)))
	if err != nil {
		return ""
	}
	return t
}
