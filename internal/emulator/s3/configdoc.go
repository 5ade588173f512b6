package s3

import (
	"encoding/xml"
	"net/http"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// A bucket configuration that the emulator stores and returns but does not
// act on (website, lifecycle) is kept as its validated XML document, in S3's
// namespace, in one field of the bucket's record.

// configDoc is such a configuration, decoded.
type configDoc interface {
	validate() error
	setNamespace()
}

// bucketConfig describes one kind of configuration document.
type bucketConfig struct {
	field   func(*store.Bucket) *string // where the record keeps the document
	decoded func() configDoc            // an empty document to decode into
	missing func() *s3err.Error         // GET's answer when there is none
}

// serveConfig answers GET, PUT and DELETE of a configuration document.
func (srv *Server) serveConfig(w http.ResponseWriter, r *http.Request, bucket string, c bucketConfig) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		doc := *c.field(b)
		if doc == "" {
			return c.missing().WithBucket(bucket)
		}
		cfg := c.decoded()
		if err := xml.Unmarshal([]byte(doc), cfg); err != nil {
			return s3err.Internal(err)
		}
		s3err.WriteXML(w, http.StatusOK, cfg)
		return nil
	case http.MethodPut:
		cfg := c.decoded()
		if err := readXML(r, cfg); err != nil {
			return err
		}
		if err := cfg.validate(); err != nil {
			return err
		}
		cfg.setNamespace()
		doc, err := xml.Marshal(cfg)
		if err != nil {
			return s3err.Internal(err)
		}
		return srv.respond(w, http.StatusOK, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			*c.field(b) = string(doc)
			return nil
		}))
	case http.MethodDelete:
		return srv.respond(w, http.StatusNoContent, srv.store.UpdateBucket(bucket, func(b *store.Bucket) error {
			*c.field(b) = ""
			return nil
		}))
	}
	return s3err.MethodNotAllowed()
}
