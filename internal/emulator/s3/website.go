package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Website configuration: Put/Get/DeleteBucketWebsite store, validate and
// return it as S3 does. The emulator does not serve the website itself.

const maxRoutingRules = 50

type websiteConfiguration struct {
	XMLName               xml.Name       `xml:"WebsiteConfiguration"`
	Xmlns                 string         `xml:"xmlns,attr,omitempty"`
	RedirectAllRequestsTo *redirectAll   `xml:"RedirectAllRequestsTo,omitempty"`
	IndexDocument         *indexDocument `xml:"IndexDocument,omitempty"`
	ErrorDocument         *errorDocument `xml:"ErrorDocument,omitempty"`
	RoutingRules          []routingRule  `xml:"RoutingRules>RoutingRule"`
}

type redirectAll struct {
	HostName string `xml:"HostName"`
	Protocol string `xml:"Protocol,omitempty"`
}

type indexDocument struct {
	Suffix string `xml:"Suffix"`
}

type errorDocument struct {
	Key string `xml:"Key"`
}

type routingRule struct {
	Condition *routingCondition `xml:"Condition,omitempty"`
	Redirect  *routingRedirect  `xml:"Redirect"`
}

type routingCondition struct {
	HTTPErrorCodeReturnedEquals string `xml:"HttpErrorCodeReturnedEquals,omitempty"`
	KeyPrefixEquals             string `xml:"KeyPrefixEquals,omitempty"`
}

type routingRedirect struct {
	HostName             string `xml:"HostName,omitempty"`
	HTTPRedirectCode     string `xml:"HttpRedirectCode,omitempty"`
	Protocol             string `xml:"Protocol,omitempty"`
	ReplaceKeyPrefixWith string `xml:"ReplaceKeyPrefixWith,omitempty"`
	ReplaceKeyWith       string `xml:"ReplaceKeyWith,omitempty"`
}

// websiteConfig is the website configuration document (configdoc.go).
var websiteConfig = bucketConfig{
	field:   func(b *store.Bucket) *string { return &b.Website },
	decoded: func() configDoc { return &websiteConfiguration{} },
	missing: func() *s3err.Error {
		return s3err.Errorf("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")
	},
}

func (srv *Server) bucketWebsite(w http.ResponseWriter, r *http.Request, bucket string) error {
	return srv.serveConfig(w, r, bucket, websiteConfig)
}

func (c *websiteConfiguration) setNamespace() { c.Xmlns = s3Namespace }

func invalidArgument(format string, args ...any) *s3err.Error {
	return s3err.Errorf("InvalidArgument", format, args...)
}

func (c *websiteConfiguration) validate() error {
	if c.RedirectAllRequestsTo != nil {
		if c.IndexDocument != nil || c.ErrorDocument != nil || len(c.RoutingRules) > 0 {
			return invalidArgument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.")
		}
		if c.RedirectAllRequestsTo.HostName == "" {
			return invalidArgument("A host name must be provided in RedirectAllRequestsTo.")
		}
		return checkProtocol(c.RedirectAllRequestsTo.Protocol)
	}
	switch {
	case c.IndexDocument == nil || c.IndexDocument.Suffix == "":
		return invalidArgument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")
	case strings.Contains(c.IndexDocument.Suffix, "/"):
		return invalidArgument("The IndexDocument Suffix is not well formed")
	case c.ErrorDocument != nil && c.ErrorDocument.Key == "":
		return invalidArgument("The ErrorDocument Key is not well formed")
	case len(c.RoutingRules) > maxRoutingRules:
		return invalidArgument("The number of routing rules must not exceed the allowed limit of %d rules", maxRoutingRules)
	}
	for _, rule := range c.RoutingRules {
		if err := rule.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (rule routingRule) validate() error {
	if c := rule.Condition; c != nil {
		if c.HTTPErrorCodeReturnedEquals == "" && c.KeyPrefixEquals == "" {
			return invalidArgument("Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.")
		}
		if code := c.HTTPErrorCodeReturnedEquals; code != "" && !statusIn(code, 400, 599) {
			return invalidArgument("The provided HTTP error code (%s) is not valid. Valid codes are 4XX or 5XX.", code)
		}
	}
	rd := rule.Redirect
	switch {
	case rd == nil || *rd == routingRedirect{}:
		return invalidArgument("A Redirect must be provided in each RoutingRule, with at least one of HostName, HttpRedirectCode, Protocol, ReplaceKeyPrefixWith or ReplaceKeyWith.")
	case rd.ReplaceKeyPrefixWith != "" && rd.ReplaceKeyWith != "":
		return invalidArgument("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
	case rd.HTTPRedirectCode != "" && (rd.HTTPRedirectCode == "300" || !statusIn(rd.HTTPRedirectCode, 300, 399)):
		return invalidArgument("The provided HTTP redirect code (%s) is not valid. Valid codes are 3XX except 300.", rd.HTTPRedirectCode)
	}
	return checkProtocol(rd.Protocol)
}

func checkProtocol(p string) error {
	if p != "" && p != "http" && p != "https" {
		return invalidArgument("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.")
	}
	return nil
}

// statusIn reports whether code is a number in [lo, hi].
func statusIn(code string, lo, hi int) bool {
	n, err := strconv.Atoi(code)
	return err == nil && n >= lo && n <= hi
}
