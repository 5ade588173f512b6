package emulator

import (
	"encoding/xml"

	"github.com/johannesboyne/gofakes3"
)

// XML documents gofakes3 has no type for. Where gofakes3 has one
// (list results, multipart results, errors it returns) it is used instead.

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// tag is one S3 tag; it is also the persisted form.
type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// tagging is the body of Get/Put{Bucket,Object}Tagging.
type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  []tag    `xml:"TagSet>Tag"`
}

// grantee mirrors S3's Grantee, whose type lives in an xsi:type attribute.
type grantee struct {
	XMLNSXsi     string `xml:"xmlns:xsi,attr,omitempty" json:"-"`
	Type         string `xml:"xsi:type,attr"`
	ID           string `xml:"ID,omitempty"`
	DisplayName  string `xml:"DisplayName,omitempty"`
	URI          string `xml:"URI,omitempty"`
	EmailAddress string `xml:"EmailAddress,omitempty"`
}

// UnmarshalXML accepts xsi:type whatever namespace prefix the client used;
// encoding/xml would otherwise match the attribute only by full namespace.
func (g *grantee) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain struct {
		ID           string `xml:"ID"`
		DisplayName  string `xml:"DisplayName"`
		URI          string `xml:"URI"`
		EmailAddress string `xml:"EmailAddress"`
	}
	var p plain
	if err := d.DecodeElement(&p, &start); err != nil {
		return err
	}
	*g = grantee{ID: p.ID, DisplayName: p.DisplayName, URI: p.URI, EmailAddress: p.EmailAddress}
	for _, a := range start.Attr {
		if a.Name.Local == "type" {
			g.Type = a.Value
		}
	}
	return nil
}

type grant struct {
	Grantee    grantee `xml:"Grantee"`
	Permission string  `xml:"Permission"`
}

// accessControlPolicy is the body of Get/Put{Bucket,Object}Acl.
type accessControlPolicy struct {
	XMLName xml.Name           `xml:"AccessControlPolicy"`
	Xmlns   string             `xml:"xmlns,attr,omitempty"`
	Owner   *gofakes3.UserInfo `xml:"Owner"`
	Grants  []grant            `xml:"AccessControlList>Grant"`
}

// bucketEntry adds BucketRegion, which newer SDKs read, to gofakes3's type.
type bucketEntry struct {
	gofakes3.BucketInfo
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

// listAllMyBucketsResult extends gofakes3.Storage with ListBuckets paging.
type listAllMyBucketsResult struct {
	XMLName           xml.Name           `xml:"ListAllMyBucketsResult"`
	Xmlns             string             `xml:"xmlns,attr"`
	Owner             *gofakes3.UserInfo `xml:"Owner"`
	Buckets           []bucketEntry      `xml:"Buckets>Bucket"`
	ContinuationToken string             `xml:"ContinuationToken,omitempty"`
	Prefix            string             `xml:"Prefix,omitempty"`
}

// listV1Result and listV2Result add EncodingType, which clients such as the
// AWS CLI need in order to know that keys arrive URL-encoded.
type listV1Result struct {
	gofakes3.ListBucketResult
	EncodingType string `xml:"EncodingType,omitempty"`
}

type listV2Result struct {
	gofakes3.ListBucketResultV2
	EncodingType string `xml:"EncodingType,omitempty"`
}

// listPartsResult adds the namespace; gofakes3's struct omits it.
type listPartsResult struct {
	gofakes3.ListMultipartUploadPartsResult
	Xmlns string `xml:"xmlns,attr"`
}

// listUploadsResult names the element explicitly and adds paging fields.
type listUploadsResult struct {
	XMLName xml.Name `xml:"ListMultipartUploadsResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	gofakes3.ListMultipartUploadsResult
	EncodingType string `xml:"EncodingType,omitempty"`
}

type initiateResult struct {
	XMLName xml.Name `xml:"InitiateMultipartUploadResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	gofakes3.InitiateMultipartUploadResult
}

type completeResult struct {
	XMLName xml.Name `xml:"CompleteMultipartUploadResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	gofakes3.CompleteMultipartUploadResult
}

type copyPartResult struct {
	XMLName      xml.Name             `xml:"CopyPartResult"`
	ETag         string               `xml:"ETag"`
	LastModified gofakes3.ContentTime `xml:"LastModified"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}
