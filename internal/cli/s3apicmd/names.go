package s3apicmd

import (
	"regexp"
	"strings"
)

var (
	firstCap   = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	endCap     = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	pluralAbbr = regexp.MustCompile(`[A-Z]{2,}s$`)
)

// flagName is the AWS CLI's name for an input member: botocore's
// xform_name with "-" ("VersionId" -> "version-id", "SSECustomerKey" ->
// "sse-customer-key", "ChecksumCRC64NVME" -> "checksum-crc64-nvme").
func flagName(member string) string {
	if m := pluralAbbr.FindString(member); m != "" {
		member = member[:len(member)-len(m)] + "-" + strings.ToLower(m) // "ARNs" -> "-arns"
	}
	s := firstCap.ReplaceAllString(member, "${1}-${2}")
	return strings.ToLower(endCap.ReplaceAllString(s, "${1}-${2}"))
}
