package s3

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Tags: Get/Put/Delete{Bucket,Object}Tagging and x-amz-tagging on writes,
// with S3's limits. Tags are returned sorted by key: S3's own order is
// stable but unspecified, and clients compare tag sets as lists.

const (
	maxObjectTags  = 10
	maxBucketTags  = 50
	maxTagKeyLen   = 128 // Unicode characters
	maxTagValueLen = 256
)

// tagText is what S3 allows in tag keys and values: letters, digits,
// spaces and + - = . _ : / @.
var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// tagSet renders stored tags in their stable order.
func tagSet(tags []store.Tag) *tagging {
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b store.Tag) int { return strings.Compare(a.Key, b.Key) })
	return &tagging{Xmlns: s3Namespace, TagSet: sorted}
}

// parseTaggingHeader decodes x-amz-tagging ("k1=v1&k2=v2", URL-encoded).
func parseTaggingHeader(v string) ([]store.Tag, error) {
	if v == "" {
		return nil, nil
	}
	var tags []store.Tag
	for _, pair := range strings.Split(v, "&") {
		k, val, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil {
			return nil, s3err.Errorf("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.").
				With("ArgumentName", "x-amz-tagging").With("ArgumentValue", v)
		}
		tags = append(tags, store.Tag{Key: key, Value: value})
	}
	return tags, validateTags(tags, maxObjectTags)
}

// validateTags applies S3's limits on tag count, text and uniqueness; limit
// is maxObjectTags or maxBucketTags.
func validateTags(tags []store.Tag, limit int) error {
	switch {
	case len(tags) > limit && limit == maxObjectTags:
		return s3err.Errorf("BadRequest", "Object tags cannot be greater than %d", limit)
	case len(tags) > limit:
		return s3err.Errorf("InvalidTag", "Bucket tag count cannot be greater than %d", limit)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if err := validateTag(t); err != nil {
			return err.With("TagKey", t.Key)
		}
		if seen[t.Key] {
			return s3err.Errorf("InvalidTag", "Cannot provide multiple Tags with the same key").With("TagKey", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func validateTag(t store.Tag) *s3err.Error {
	switch {
	case t.Key == "" || !tagText.MatchString(t.Key):
		return s3err.Errorf("InvalidTag", "The TagKey you have provided is invalid")
	case utf8.RuneCountInString(t.Key) > maxTagKeyLen:
		return s3err.Errorf("InvalidTag", "The TagKey you have provided is too long, max %d", maxTagKeyLen)
	case !tagText.MatchString(t.Value):
		return s3err.Errorf("InvalidTag", "The TagValue you have provided is invalid")
	case utf8.RuneCountInString(t.Value) > maxTagValueLen:
		return s3err.Errorf("InvalidTag", "The TagValue you have provided is too long, max %d", maxTagValueLen)
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return s3err.Errorf("InvalidTag", "System tags cannot be added/updated by requester")
	}
	return nil
}

func readTagging(r *http.Request, limit int) ([]store.Tag, error) {
	var t tagging
	if err := readXML(r, &t); err != nil {
		return nil, err
	}
	return t.TagSet, validateTags(t.TagSet, limit)
}

func (srv *Server) bucketTagging(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		if !b.HasTags {
			return s3err.Errorf("NoSuchTagSet", "The TagSet does not exist").WithBucket(bucket)
		}
		s3err.WriteXML(w, http.StatusOK, tagSet(b.Tags))
		return nil
	case http.MethodPut:
		tags, err := readTagging(r, maxBucketTags)
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.Tags, b.HasTags = tags, true
			return nil
		}))
	case http.MethodDelete:
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			b.Tags, b.HasTags = nil, false
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}

// objectTagging serves the tags of an object's current version or of
// ?versionId, naming the version as S3 does in a versioned bucket.
func (srv *Server) objectTagging(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	switch r.Method {
	case http.MethodGet:
		o, err := srv.store.HeadVersion(bucket, key, version)
		if err != nil {
			return err
		}
		srv.setVersionHeader(w.Header(), bucket, o)
		s3err.WriteXML(w, http.StatusOK, tagSet(o.Tags))
		return nil
	case http.MethodPut:
		tags, err := readTagging(r, maxObjectTags)
		if err != nil {
			return err
		}
		return srv.updateObject(w, http.StatusOK, bucket, key, version, func(o *store.Object) { o.Tags = tags })
	case http.MethodDelete:
		return srv.updateObject(w, http.StatusNoContent, bucket, key, version, func(o *store.Object) { o.Tags = nil })
	}
	return s3err.MethodNotAllowed()
}

// updateObject changes a version's record (tags, ACL) and answers with
// status, naming the version.
func (srv *Server) updateObject(w http.ResponseWriter, status int, bucket, key, version string, fn func(*store.Object)) error {
	var changed *store.Object
	err := srv.store.UpdateObjectVersion(bucket, key, version, func(o *store.Object) error {
		fn(o)
		changed = o
		return nil
	})
	if err == nil {
		srv.setVersionHeader(w.Header(), bucket, changed)
	}
	return srv.respond(w, status, err)
}
