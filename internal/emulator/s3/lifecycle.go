package s3

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/sigv4"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Lifecycle configuration: Put/Get/DeleteBucketLifecycleConfiguration
// store, validate and return it as S3 does. The emulator does not expire
// or transition objects by it.

const (
	maxLifecycleRules = 1000
	maxRuleIDLength   = 255
)

type lifecycleConfiguration struct {
	XMLName xml.Name        `xml:"LifecycleConfiguration"`
	Xmlns   string          `xml:"xmlns,attr,omitempty"`
	Rules   []lifecycleRule `xml:"Rule"`
}

// lifecycleRule keeps absent and empty apart (pointers) where S3 does.
type lifecycleRule struct {
	ID                             string                  `xml:"ID,omitempty"`
	Prefix                         *string                 `xml:"Prefix"` // the older form of a filter
	Filter                         *lifecycleFilter        `xml:"Filter"`
	Status                         string                  `xml:"Status"`
	Transitions                    []lifecycleTransition   `xml:"Transition"`
	NoncurrentVersionTransitions   []noncurrentTransition  `xml:"NoncurrentVersionTransition"`
	Expiration                     *lifecycleExpiration    `xml:"Expiration"`
	NoncurrentVersionExpiration    *noncurrentExpiration   `xml:"NoncurrentVersionExpiration"`
	AbortIncompleteMultipartUpload *abortIncompleteUploads `xml:"AbortIncompleteMultipartUpload"`
}

type lifecycleFilter struct {
	Prefix                *string       `xml:"Prefix"`
	Tag                   *store.Tag    `xml:"Tag"`
	ObjectSizeGreaterThan *int64        `xml:"ObjectSizeGreaterThan"`
	ObjectSizeLessThan    *int64        `xml:"ObjectSizeLessThan"`
	And                   *lifecycleAnd `xml:"And"`
}

type lifecycleAnd struct {
	Prefix                *string     `xml:"Prefix"`
	Tags                  []store.Tag `xml:"Tag"`
	ObjectSizeGreaterThan *int64      `xml:"ObjectSizeGreaterThan"`
	ObjectSizeLessThan    *int64      `xml:"ObjectSizeLessThan"`
}

type lifecycleExpiration struct {
	Date                      *string `xml:"Date"`
	Days                      *int    `xml:"Days"`
	ExpiredObjectDeleteMarker *bool   `xml:"ExpiredObjectDeleteMarker"`
}

type lifecycleTransition struct {
	Date         *string `xml:"Date"`
	Days         *int    `xml:"Days"`
	StorageClass string  `xml:"StorageClass"`
}

type noncurrentTransition struct {
	NoncurrentDays          *int   `xml:"NoncurrentDays"`
	NewerNoncurrentVersions *int   `xml:"NewerNoncurrentVersions"`
	StorageClass            string `xml:"StorageClass"`
}

type noncurrentExpiration struct {
	NoncurrentDays          *int `xml:"NoncurrentDays"`
	NewerNoncurrentVersions *int `xml:"NewerNoncurrentVersions"`
}

type abortIncompleteUploads struct {
	DaysAfterInitiation *int `xml:"DaysAfterInitiation"`
}

// lifecycleConfig is the lifecycle configuration document (configdoc.go).
var lifecycleConfig = bucketConfig{
	field:   func(b *store.Bucket) *string { return &b.Lifecycle },
	decoded: func() configDoc { return &lifecycleConfiguration{} },
	missing: func() *s3err.Error {
		return s3err.Errorf("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	},
}

// bucketLifecycle insists, as S3 does, on a digest of a configuration put,
// and names the default minimum size for transitions as S3 does on GET.
func (srv *Server) bucketLifecycle(w http.ResponseWriter, r *http.Request, bucket string) error {
	switch r.Method {
	case http.MethodPut:
		if !sigv4.CarriesDigest(r.Header) {
			return s3err.Errorf("InvalidRequest", "Missing required header for this request: Content-MD5")
		}
	case http.MethodGet:
		w.Header().Set("X-Amz-Transition-Default-Minimum-Object-Size", "all_storage_classes_128K")
	}
	return srv.serveConfig(w, r, bucket, lifecycleConfig)
}

func (c *lifecycleConfiguration) setNamespace() { c.Xmlns = s3Namespace }

// validate checks the configuration and names the rules that have no ID,
// as S3 does.
func (c *lifecycleConfiguration) validate() error {
	if len(c.Rules) == 0 {
		return s3err.MalformedXML()
	}
	if len(c.Rules) > maxLifecycleRules {
		return invalidArgument("The number of lifecycle rules must not exceed the allowed limit of %d rules", maxLifecycleRules)
	}
	ids := map[string]bool{}
	for i := range c.Rules {
		rule := &c.Rules[i]
		if rule.ID == "" {
			rule.ID = newRuleID()
		}
		if len(rule.ID) > maxRuleIDLength {
			return invalidArgument("ID length should not exceed allowed limit of %d", maxRuleIDLength)
		}
		if ids[rule.ID] {
			return invalidArgument("Rule ID must be unique. Found same ID for more than one rule")
		}
		ids[rule.ID] = true
		if err := rule.validate(); err != nil {
			return err
		}
	}
	return nil
}

// newRuleID is what S3 names a rule sent without an ID: random base64.
func newRuleID() string {
	b := make([]byte, 36)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func (rule *lifecycleRule) validate() error {
	if rule.Status != "Enabled" && rule.Status != "Disabled" {
		return s3err.MalformedXML()
	}
	if (rule.Prefix == nil) == (rule.Filter == nil) {
		return s3err.MalformedXML() // one of the two forms, not both or neither
	}
	tagged, err := rule.Filter.validate()
	if err != nil {
		return err
	}
	if rule.Expiration == nil && rule.NoncurrentVersionExpiration == nil && rule.AbortIncompleteMultipartUpload == nil &&
		len(rule.Transitions) == 0 && len(rule.NoncurrentVersionTransitions) == 0 {
		return s3err.Errorf("InvalidRequest", "At least one action needs to be specified in a rule")
	}
	if err := rule.Expiration.validate(tagged); err != nil {
		return err
	}
	for _, t := range rule.Transitions {
		if err := t.validate(); err != nil {
			return err
		}
	}
	for _, t := range rule.NoncurrentVersionTransitions {
		if err := checkNoncurrent(t.NoncurrentDays, t.NewerNoncurrentVersions, "NoncurrentVersionTransition", 0); err != nil {
			return err
		}
		if t.StorageClass == "" {
			return s3err.MalformedXML()
		}
	}
	if e := rule.NoncurrentVersionExpiration; e != nil {
		if err := checkNoncurrent(e.NoncurrentDays, e.NewerNoncurrentVersions, "NoncurrentVersionExpiration", 1); err != nil {
			return err
		}
	}
	return rule.AbortIncompleteMultipartUpload.validate(tagged)
}

// validate checks a filter's shape and reports whether it filters by tag,
// which some actions do not allow.
func (f *lifecycleFilter) validate() (tagged bool, err error) {
	if f == nil {
		return false, nil
	}
	set := 0
	for _, present := range []bool{f.Prefix != nil, f.Tag != nil, f.ObjectSizeGreaterThan != nil, f.ObjectSizeLessThan != nil, f.And != nil} {
		if present {
			set++
		}
	}
	if set > 1 {
		return false, s3err.MalformedXML() // more than one condition needs And
	}
	switch {
	case f.Tag != nil:
		return true, validateTags([]store.Tag{*f.Tag}, maxObjectTags)
	case f.And != nil:
		return len(f.And.Tags) > 0, validateTags(f.And.Tags, maxObjectTags)
	}
	return false, nil
}

func (e *lifecycleExpiration) validate(tagged bool) error {
	if e == nil {
		return nil
	}
	set := 0
	for _, present := range []bool{e.Date != nil, e.Days != nil, e.ExpiredObjectDeleteMarker != nil} {
		if present {
			set++
		}
	}
	switch {
	case set != 1:
		return s3err.MalformedXML()
	case e.Days != nil && *e.Days <= 0:
		return invalidArgument("'Days' for Expiration action must be a positive integer")
	case e.Date != nil:
		return checkMidnight(*e.Date)
	case e.ExpiredObjectDeleteMarker != nil && tagged:
		return invalidArgument("ExpiredObjectDeleteMarker cannot be specified with Tags.")
	}
	return nil
}

func (t lifecycleTransition) validate() error {
	switch {
	case (t.Date == nil) == (t.Days == nil) || t.StorageClass == "":
		return s3err.MalformedXML()
	case t.Days != nil && *t.Days < 0:
		return invalidArgument("'Days' for Transition action must be a nonnegative integer")
	case t.Date != nil:
		return checkMidnight(*t.Date)
	}
	return nil
}

// checkNoncurrent checks NoncurrentDays (at least minDays) and
// NewerNoncurrentVersions (1 to 100) of a noncurrent-version action.
func checkNoncurrent(days, newer *int, action string, minDays int) error {
	switch {
	case days == nil:
		return s3err.MalformedXML()
	case *days < minDays && minDays > 0:
		return invalidArgument("'NoncurrentDays' for %s action must be a positive integer", action)
	case *days < minDays:
		return invalidArgument("'NoncurrentDays' for %s action must be a nonnegative integer", action)
	case newer != nil && (*newer < 1 || *newer > 100):
		return invalidArgument("'NewerNoncurrentVersions' for %s action must be a positive integer up to 100", action)
	}
	return nil
}

func (a *abortIncompleteUploads) validate(tagged bool) error {
	switch {
	case a == nil:
		return nil
	case a.DaysAfterInitiation == nil || *a.DaysAfterInitiation <= 0:
		return invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
	case tagged:
		return invalidArgument("AbortIncompleteMultipartUpload cannot be specified with Tags.")
	}
	return nil
}

// checkMidnight wants an ISO 8601 date at midnight UTC, as S3 does.
func checkMidnight(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t, err = time.Parse("2006-01-02", v)
	}
	if err != nil {
		return invalidArgument("'Date' must be an ISO 8601 date: %q", v)
	}
	if t = t.UTC(); !t.Equal(t.Truncate(24 * time.Hour)) {
		return invalidArgument("'Date' must be at midnight GMT")
	}
	return nil
}
