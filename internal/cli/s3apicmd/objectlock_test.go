package s3apicmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// objectLockScenario: a bucket made with Object Lock, its default
// retention, a version's retention and legal hold, and the deletes they
// refuse, as the AWS CLI's s3api commands drive them.
func objectLockScenario(s *session) {
	t := s.t
	body := filepath.Join(t.TempDir(), "doc")
	os.WriteFile(body, []byte("signed contract"), 0o644)
	s.json("create-bucket", "--bucket", "vault", "--object-lock-enabled-for-bucket")
	if out := s.json("get-object-lock-configuration", "--bucket", "vault"); get(out, "ObjectLockConfiguration", "ObjectLockEnabled") != "Enabled" ||
		get(out, "ObjectLockConfiguration", "Rule") != nil {
		t.Errorf("get-object-lock-configuration of a new bucket printed %v", out)
	}
	s.json("put-object-lock-configuration", "--bucket", "vault", "--object-lock-configuration",
		`{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":1}}}`)
	out := s.json("get-object-lock-configuration", "--bucket", "vault")
	if get(out, "ObjectLockConfiguration", "Rule", "DefaultRetention", "Mode") != "GOVERNANCE" || get(out, "ObjectLockConfiguration", "Rule", "DefaultRetention", "Days") != 1.0 {
		t.Errorf("get-object-lock-configuration printed %v", out)
	}
	if r := s.s3api("put-object-lock-configuration", "--bucket", "vault", "--object-lock-configuration",
		`ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=1,Years=1}}`); r.Code != 254 || !strings.Contains(r.Stderr, "MalformedXML") {
		t.Errorf("a rule of days and years: exit %d %s, want 254 MalformedXML", r.Code, r.Stderr)
	}

	// S3 takes a locked upload only with a digest: put-object sends the
	// body's Content-MD5 when no checksum is asked for (the AWS CLI always
	// sends a CRC32).
	v, _ := get(s.json("put-object", "--bucket", "vault", "--key", "doc", "--body", body), "VersionId").(string)
	out = s.json("head-object", "--bucket", "vault", "--key", "doc")
	if get(out, "ObjectLockMode") != "GOVERNANCE" || !isoTime.MatchString(get(out, "ObjectLockRetainUntilDate").(string)) || v == "" {
		t.Errorf("head-object of a version under the default retention printed %v (version %q)", out, v)
	}

	until := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	s.json("put-object-retention", "--bucket", "vault", "--key", "doc", "--version-id", v,
		"--retention", "Mode=COMPLIANCE,RetainUntilDate="+until)
	out = s.json("get-object-retention", "--bucket", "vault", "--key", "doc", "--version-id", v)
	if get(out, "Retention", "Mode") != "COMPLIANCE" || get(out, "Retention", "RetainUntilDate") != strings.TrimSuffix(until, "Z")+"+00:00" {
		t.Errorf("get-object-retention printed %v, want COMPLIANCE until %s", out, until)
	}
	if r := s.s3api("put-object-retention", "--bucket", "vault", "--key", "doc", "--version-id", v, "--bypass-governance-retention",
		"--retention", "Mode=GOVERNANCE,RetainUntilDate="+until); r.Code != 254 || !strings.Contains(r.Stderr, "AccessDenied") {
		t.Errorf("COMPLIANCE turned GOVERNANCE: exit %d %s, want 254 AccessDenied", r.Code, r.Stderr)
	}
	s.json("put-object-legal-hold", "--bucket", "vault", "--key", "doc", "--version-id", v, "--legal-hold", "Status=ON")
	if out := s.json("get-object-legal-hold", "--bucket", "vault", "--key", "doc", "--version-id", v); get(out, "LegalHold", "Status") != "ON" {
		t.Errorf("get-object-legal-hold printed %v", out)
	}
	if r := s.s3api("get-object-legal-hold", "--bucket", "vault", "--key", "missing"); r.Code != 254 || !strings.Contains(r.Stderr, "NoSuchKey") {
		t.Errorf("the legal hold of a missing object: exit %d %q, want 254 and NoSuchKey", r.Code, r.Stderr)
	}

	// The locked version cannot go, with or without the bypass; a delete
	// without a version only adds a marker.
	if r := s.s3api("delete-object", "--bucket", "vault", "--key", "doc", "--version-id", v, "--bypass-governance-retention"); r.Code != 254 ||
		!strings.Contains(r.Stderr, "AccessDenied") || !strings.Contains(r.Stderr, "object lock") {
		t.Errorf("delete-object of a locked version: exit %d %s, want 254 naming the lock", r.Code, r.Stderr)
	}
	out = s.json("delete-objects", "--bucket", "vault", "--delete", `{"Objects":[{"Key":"doc","VersionId":"`+v+`"}]}`)
	if get(out, "Errors", 0, "Code") != "AccessDenied" || get(out, "Deleted") != nil {
		t.Errorf("delete-objects of a locked version printed %v", out)
	}
	if out := s.json("delete-object", "--bucket", "vault", "--key", "doc"); get(out, "DeleteMarker") != true {
		t.Errorf("delete-object without a version printed %v", out)
	}

	// A GOVERNANCE version goes with the bypass (the emulator's keys are
	// the root account's), once its legal hold is off.
	v2, _ := get(s.json("put-object", "--bucket", "vault", "--key", "draft", "--body", body, "--checksum-algorithm", "SHA256"), "VersionId").(string)
	s.json("put-object-legal-hold", "--bucket", "vault", "--key", "draft", "--version-id", v2, "--legal-hold", "Status=OFF")
	out = s.json("delete-objects", "--bucket", "vault", "--bypass-governance-retention", "--delete", `{"Objects":[{"Key":"draft","VersionId":"`+v2+`"}]}`)
	if get(out, "Deleted", 0, "VersionId") != v2 || get(out, "Errors") != nil {
		t.Errorf("delete-objects --bypass-governance-retention printed %v", out)
	}
}
