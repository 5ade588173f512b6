package s3

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/access"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Object Lock: the bucket's configuration (?object-lock), each version's
// retention (?retention) and legal hold (?legal-hold), the
// x-amz-object-lock-* headers of writes and reads, and who may bypass a
// GOVERNANCE retention. What a lock forbids is the store's to enforce
// (store/lock.go).
//
// Bypassing GOVERNANCE (x-amz-bypass-governance-retention: true) takes S3's
// s3:BypassGovernanceRetention permission. The emulator has no policies to
// grant it with, so its root keys hold it and no other key does: from
// those the header changes nothing.

const (
	headerLockMode      = "X-Amz-Object-Lock-Mode"
	headerLockUntil     = "X-Amz-Object-Lock-Retain-Until-Date"
	headerLegalHold     = "X-Amz-Object-Lock-Legal-Hold"
	headerBypass        = "X-Amz-Bypass-Governance-Retention"
	maxDefaultDays      = 36500 // S3's limits on a default retention period
	maxDefaultYears     = 100
	objectLockEnabled   = "Enabled"
	lockTimeFormat      = "2006-01-02T15:04:05.000Z"
	errLockDateInFuture = "The retain until date must be in the future!"
)

type objectLockConfiguration struct {
	XMLName           xml.Name        `xml:"ObjectLockConfiguration"`
	Xmlns             string          `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled,omitempty"`
	Rule              *objectLockRule `xml:"Rule,omitempty"`
}

type objectLockRule struct {
	DefaultRetention *defaultRetention `xml:"DefaultRetention"`
}

type defaultRetention struct {
	Mode  string `xml:"Mode,omitempty"`
	Days  *int   `xml:"Days,omitempty"`
	Years *int   `xml:"Years,omitempty"`
}

type retentionDoc struct {
	XMLName         xml.Name `xml:"Retention"`
	Xmlns           string   `xml:"xmlns,attr,omitempty"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

type legalHoldDoc struct {
	XMLName xml.Name `xml:"LegalHold"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:"Status"`
}

func validMode(m string) bool { return m == store.LockGovernance || m == store.LockCompliance }

// lockEnabledAtCreation reads CreateBucket's
// x-amz-bucket-object-lock-enabled.
func lockEnabledAtCreation(h http.Header) bool {
	return strings.EqualFold(h.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true")
}

// requireDigest refuses a request without Content-MD5 or a checksum, as S3
// does for the Object Lock operations that take a document.
func requireDigest(h http.Header) error {
	if !sigv4.CarriesDigest(h) {
		return s3err.Errorf("InvalidRequest", "Missing required header for this request: Content-MD5")
	}
	return nil
}

// bucketObjectLock serves Get/PutObjectLockConfiguration.
func (srv *Server) bucketObjectLock(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodGet:
		b, err := srv.store.Bucket(bucket)
		if err != nil {
			return err
		}
		if b.ObjectLock == nil {
			return s3err.Errorf("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket").WithBucket(bucket)
		}
		s3err.WriteXML(w, http.StatusOK, lockConfigDoc(b.ObjectLock))
		return nil
	case http.MethodPut:
		if err := requireDigest(r.Header); err != nil {
			return err
		}
		var doc objectLockConfiguration
		if err := readXML(r, &doc); err != nil {
			return err
		}
		cfg, err := doc.config()
		if err != nil {
			return err
		}
		return srv.respond(w, http.StatusOK, srv.store.SetLockConfig(bucket, cfg))
	}
	return s3err.MethodNotAllowed()
}

func lockConfigDoc(c *store.LockConfig) *objectLockConfiguration {
	doc := &objectLockConfiguration{Xmlns: s3Namespace, ObjectLockEnabled: objectLockEnabled}
	if c.HasDefaultRetention() {
		d := &defaultRetention{Mode: c.DefaultMode}
		if c.DefaultYears > 0 {
			d.Years = &c.DefaultYears
		} else {
			d.Days = &c.DefaultDays
		}
		doc.Rule = &objectLockRule{DefaultRetention: d}
	}
	return doc
}

// config validates a configuration as S3 does: ObjectLockEnabled, and a
// rule (if any) of a mode and a positive period in days or in years.
func (doc *objectLockConfiguration) config() (store.LockConfig, error) {
	if doc.ObjectLockEnabled != objectLockEnabled {
		return store.LockConfig{}, s3err.MalformedXML()
	}
	if doc.Rule == nil {
		return store.LockConfig{}, nil
	}
	d := doc.Rule.DefaultRetention
	if d == nil || !validMode(d.Mode) || (d.Days == nil) == (d.Years == nil) {
		return store.LockConfig{}, s3err.MalformedXML()
	}
	cfg := store.LockConfig{DefaultMode: d.Mode}
	n, limit := d.Days, maxDefaultDays
	if d.Years != nil {
		n, limit = d.Years, maxDefaultYears
	}
	switch {
	case *n <= 0:
		return cfg, invalidArgument("Default retention period must be a positive integer value")
	case *n > limit:
		return cfg, invalidArgument("Default retention period is too large.")
	}
	if d.Years != nil {
		cfg.DefaultYears = *n
	} else {
		cfg.DefaultDays = *n
	}
	return cfg, nil
}

// requireLock refuses a bucket without Object Lock with InvalidRequest, as
// S3 answers the Object Lock requests of an object in it.
func (srv *Server) requireLock(bucket string) error {
	b, err := srv.store.Bucket(bucket)
	if err == nil && b.ObjectLock == nil {
		err = store.ErrNoLockConfiguration()
	}
	return err
}

// lockSetting is one of a version's Object Lock settings that GET and PUT
// serve as a document: its retention or its legal hold.
type lockSetting struct {
	doc func(o *store.Object) any // the GET answer; nil when never set
	// put reads a PUT's document and stores the setting.
	put func(r *http.Request, bucket, key, version string) error
}

// serveLockSetting serves GET and PUT of a version's setting (?versionId,
// else the current version) in a bucket with Object Lock; a PUT wants a
// digest of its document, as S3's do.
func (srv *Server) serveLockSetting(w http.ResponseWriter, r *http.Request, bucket, key string, s lockSetting) error {
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := srv.requireLock(bucket); err != nil {
		return err
	}
	switch r.Method {
	case http.MethodGet:
		o, err := srv.store.HeadVersion(bucket, key, version)
		if err != nil {
			return err
		}
		doc := s.doc(o)
		if doc == nil {
			return s3err.Errorf("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		s3err.WriteXML(w, http.StatusOK, doc)
		return nil
	case http.MethodPut:
		if err := requireDigest(r.Header); err != nil {
			return err
		}
		return srv.respond(w, http.StatusOK, s.put(r, bucket, key, version))
	}
	return s3err.MethodNotAllowed()
}

// objectRetention serves Get/PutObjectRetention.
func (srv *Server) objectRetention(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	return srv.serveLockSetting(w, r, bucket, key, lockSetting{
		doc: func(o *store.Object) any {
			if o.Retention == nil {
				return nil
			}
			return &retentionDoc{Xmlns: s3Namespace, Mode: o.Retention.Mode, RetainUntilDate: o.Retention.Until.UTC().Format(lockTimeFormat)}
		},
		put: func(r *http.Request, bucket, key, version string) error {
			var doc retentionDoc
			if err := readXML(r, &doc); err != nil {
				return err
			}
			ret, err := srv.retention(doc.Mode, doc.RetainUntilDate, s3err.MalformedXML)
			if err != nil {
				return err
			}
			return srv.store.SetRetention(bucket, key, version, ret, srv.bypassesGovernance(r))
		},
	})
}

// objectLegalHold serves Get/PutObjectLegalHold.
func (srv *Server) objectLegalHold(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	return srv.serveLockSetting(w, r, bucket, key, lockSetting{
		doc: func(o *store.Object) any {
			if o.LegalHold == "" {
				return nil
			}
			return &legalHoldDoc{Xmlns: s3Namespace, Status: o.LegalHold}
		},
		put: func(r *http.Request, bucket, key, version string) error {
			var doc legalHoldDoc
			if err := readXML(r, &doc); err != nil {
				return err
			}
			if doc.Status != store.LegalHoldOn && doc.Status != store.LegalHoldOff {
				return s3err.MalformedXML()
			}
			return srv.store.SetLegalHold(bucket, key, version, doc.Status)
		},
	})
}

// retention reads a retention's mode and date: both empty is none (nil);
// otherwise both must be there, the mode GOVERNANCE or COMPLIANCE and the
// date ISO 8601 and in the future. malformed is the error for a mode or
// date that is wrong in form.
func (srv *Server) retention(mode, until string, malformed func() *s3err.Error) (*store.Retention, error) {
	if mode == "" && until == "" {
		return nil, nil
	}
	if mode == "" || until == "" || !validMode(mode) {
		return nil, malformed()
	}
	t, err := time.Parse(time.RFC3339Nano, until)
	if err != nil {
		return nil, malformed()
	}
	if !t.After(srv.now()) {
		return nil, invalidArgument(errLockDateInFuture)
	}
	return &store.Retention{Mode: mode, Until: t.UTC()}, nil
}

// bypassesGovernance reports whether r asks to bypass GOVERNANCE retention
// and may (see the top of this file).
func (srv *Server) bypassesGovernance(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get(headerBypass), "true") && access.FromContext(r.Context()).Root
}

// writeLock reads the Object Lock a write (PutObject, CopyObject,
// CreateMultipartUpload) asks for in its x-amz-object-lock-* headers,
// checked as S3 checks them, and whether the object will be locked: by
// those headers or by the bucket's default retention.
func (srv *Server) writeLock(h http.Header, bucket string) (lock store.ObjectLock, locked bool, err error) {
	mode, until, hold := h.Get(headerLockMode), h.Get(headerLockUntil), h.Get(headerLegalHold)
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return lock, false, err
	}
	if mode == "" && until == "" && hold == "" {
		return lock, b.ObjectLock.HasDefaultRetention(), nil
	}
	if b.ObjectLock == nil {
		return lock, false, store.ErrNoLockConfiguration()
	}
	switch {
	case (mode == "") != (until == ""):
		return lock, false, invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	case mode != "" && !validMode(mode):
		return lock, false, invalidArgument("Unknown wormMode directive.")
	case hold != "" && hold != store.LegalHoldOn && hold != store.LegalHoldOff:
		return lock, false, invalidArgument("Legal Hold must be either of 'ON' or 'OFF'")
	}
	badDate := func() *s3err.Error {
		return invalidArgument("The retain until date must be provided in ISO 8601 format")
	}
	if lock.Retention, err = srv.retention(mode, until, badDate); err != nil {
		return lock, false, err
	}
	lock.LegalHold = hold
	return lock, true, nil
}

// putLock is writeLock for PutObject, which S3 takes with a lock only with
// a digest of the body: Content-MD5 or a checksum.
func (srv *Server) putLock(h http.Header, bucket string) (store.ObjectLock, error) {
	lock, locked, err := srv.writeLock(h, bucket)
	if err == nil && locked && !sigv4.CarriesDigest(h) {
		err = s3err.Errorf("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
	}
	return lock, err
}

// requirePartDigest refuses an UploadPart without a digest of its body
// (Content-MD5 or a checksum) when the object will be locked, by the
// upload's Object Lock headers or by the bucket's default retention, as
// S3 does: a part is checked on arrival like a locked PutObject.
func (srv *Server) requirePartDigest(h http.Header, id, bucket, key string) error {
	if sigv4.CarriesDigest(h) {
		return nil
	}
	u, err := srv.store.Upload(id, bucket, key)
	if err != nil {
		return err
	}
	b, err := srv.store.Bucket(bucket)
	if err != nil {
		return err
	}
	if u.ObjectLock == (store.ObjectLock{}) && !b.ObjectLock.HasDefaultRetention() {
		return nil
	}
	return s3err.Errorf("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters")
}

// setLockHeaders names a version's retention and legal hold on GET and
// HEAD.
func setLockHeaders(h http.Header, o *store.Object) {
	if r := o.Retention; r != nil {
		h.Set(headerLockMode, r.Mode)
		h.Set(headerLockUntil, r.Until.UTC().Format(lockTimeFormat))
	}
	if o.LegalHold != "" {
		h.Set(headerLegalHold, o.LegalHold)
	}
}
