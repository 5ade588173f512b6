package s3

import (
	"encoding/xml"
	"io"
	"net/http"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// The XML documents of the S3 API that the emulator reads and writes, in
// the element order S3 uses.

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// storageStandard is the only storage class the emulator has.
const storageStandard = "STANDARD"

const maxXMLBody = 4 << 20 // a 10,000-part Complete is about 1 MiB

// readXML decodes a small XML request body. Errors from the payload
// verifiers (hash mismatch) pass through; anything unparsable is MalformedXML.
func readXML(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(s3err.RequestBody(r.Body), maxXMLBody+1))
	if err != nil {
		return err
	}
	if len(data) > maxXMLBody || xml.Unmarshal(data, v) != nil {
		return s3err.MalformedXML()
	}
	return nil
}

// s3Time renders a time as S3 does in XML: UTC, milliseconds, "Z".
type s3Time time.Time

func (t s3Time) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z"), start)
}

// owner is an Owner or Initiator element.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

// tagging is the body of Get/Put{Bucket,Object}Tagging.
type tagging struct {
	XMLName xml.Name    `xml:"Tagging"`
	Xmlns   string      `xml:"xmlns,attr,omitempty"`
	TagSet  []store.Tag `xml:"TagSet>Tag"`
}

// accessControlPolicy is the body of Get/Put{Bucket,Object}Acl.
type accessControlPolicy struct {
	XMLName xml.Name      `xml:"AccessControlPolicy"`
	Xmlns   string        `xml:"xmlns,attr,omitempty"`
	Owner   *owner        `xml:"Owner"`
	Grants  []store.Grant `xml:"AccessControlList>Grant"`
}

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate s3Time `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"` // newer SDKs read it
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name      `xml:"ListAllMyBucketsResult"`
	Xmlns             string        `xml:"xmlns,attr"`
	Owner             *owner        `xml:"Owner"`
	Buckets           []bucketEntry `xml:"Buckets>Bucket"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
	Prefix            string        `xml:"Prefix,omitempty"`
}

type commonPrefixEntry struct {
	Prefix string `xml:"Prefix"`
}

type objectEntry struct {
	Key               string   `xml:"Key"`
	LastModified      s3Time   `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	ChecksumAlgorithm []string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              int64    `xml:"Size"`
	StorageClass      string   `xml:"StorageClass"`
	Owner             *owner   `xml:"Owner,omitempty"`
}

// listBucketResult is the answer to ListObjects (v1) and ListObjectsV2;
// each version's own fields are left empty by the other. EncodingType tells
// clients such as the AWS CLI that keys arrive URL-encoded.
type listBucketResult struct {
	XMLName        xml.Name            `xml:"ListBucketResult"`
	Xmlns          string              `xml:"xmlns,attr"`
	Name           string              `xml:"Name"`
	Prefix         string              `xml:"Prefix"`
	Marker         *string             `xml:"Marker"` // v1 only, always sent there
	NextMarker     string              `xml:"NextMarker,omitempty"`
	StartAfter     string              `xml:"StartAfter,omitempty"`
	Continuation   string              `xml:"ContinuationToken,omitempty"`
	NextToken      string              `xml:"NextContinuationToken,omitempty"`
	KeyCount       *int                `xml:"KeyCount"` // v2 only, always sent there
	MaxKeys        int                 `xml:"MaxKeys"`
	Delimiter      string              `xml:"Delimiter,omitempty"`
	EncodingType   string              `xml:"EncodingType,omitempty"`
	IsTruncated    bool                `xml:"IsTruncated"`
	Contents       []objectEntry       `xml:"Contents"`
	CommonPrefixes []commonPrefixEntry `xml:"CommonPrefixes"`
}

type partEntry struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified s3Time `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	checksumFields
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"ListPartsResult"`
	Xmlns                string      `xml:"xmlns,attr"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	Initiator            *owner      `xml:"Initiator"`
	Owner                *owner      `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
	ChecksumAlgorithm    string      `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string      `xml:"ChecksumType,omitempty"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
}

type uploadEntry struct {
	Key               string `xml:"Key"`
	UploadID          string `xml:"UploadId"`
	Initiator         *owner `xml:"Initiator"`
	Owner             *owner `xml:"Owner"`
	StorageClass      string `xml:"StorageClass"`
	Initiated         s3Time `xml:"Initiated"`
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

type listUploadsResult struct {
	XMLName            xml.Name            `xml:"ListMultipartUploadsResult"`
	Xmlns              string              `xml:"xmlns,attr"`
	Bucket             string              `xml:"Bucket"`
	KeyMarker          string              `xml:"KeyMarker"`
	UploadIDMarker     string              `xml:"UploadIdMarker"`
	NextKeyMarker      string              `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string              `xml:"NextUploadIdMarker,omitempty"`
	Delimiter          string              `xml:"Delimiter,omitempty"`
	Prefix             string              `xml:"Prefix,omitempty"`
	EncodingType       string              `xml:"EncodingType,omitempty"`
	MaxUploads         int                 `xml:"MaxUploads"`
	IsTruncated        bool                `xml:"IsTruncated"`
	Uploads            []uploadEntry       `xml:"Upload"`
	CommonPrefixes     []commonPrefixEntry `xml:"CommonPrefixes"`
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

type completeRequest struct {
	Parts []completePart `xml:"Part"`
}

type completePart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	checksumFields
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

// copyResult is CopyObjectResult or, named so, CopyPartResult.
type copyResult struct {
	XMLName      xml.Name
	ETag         string `xml:"ETag"`
	LastModified s3Time `xml:"LastModified"`
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}

type deleteRequest struct {
	Quiet   bool `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deletedEntry struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteErrorEntry struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

type deleteResult struct {
	XMLName xml.Name           `xml:"DeleteResult"`
	Xmlns   string             `xml:"xmlns,attr"`
	Deleted []deletedEntry     `xml:"Deleted"`
	Errors  []deleteErrorEntry `xml:"Error"`
}

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MFADelete string   `xml:"MfaDelete,omitempty"`
}

// versionEntry is a Version or, named so, a DeleteMarker element: one type,
// so that a listing keeps S3's order (by key, each key's versions newest
// first) across both kinds.
type versionEntry struct {
	XMLName           xml.Name
	Key               string   `xml:"Key"`
	VersionID         string   `xml:"VersionId"`
	IsLatest          bool     `xml:"IsLatest"`
	LastModified      s3Time   `xml:"LastModified"`
	ETag              string   `xml:"ETag,omitempty"`
	ChecksumAlgorithm []string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              *int64   `xml:"Size,omitempty"`
	StorageClass      string   `xml:"StorageClass,omitempty"`
	Owner             *owner   `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name            `xml:"ListVersionsResult"`
	Xmlns               string              `xml:"xmlns,attr"`
	Name                string              `xml:"Name"`
	Prefix              string              `xml:"Prefix"`
	KeyMarker           string              `xml:"KeyMarker"`
	VersionIDMarker     string              `xml:"VersionIdMarker"`
	NextKeyMarker       string              `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string              `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int                 `xml:"MaxKeys"`
	Delimiter           string              `xml:"Delimiter,omitempty"`
	EncodingType        string              `xml:"EncodingType,omitempty"`
	IsTruncated         bool                `xml:"IsTruncated"`
	Entries             []versionEntry      `xml:"Version"`
	CommonPrefixes      []commonPrefixEntry `xml:"CommonPrefixes"`
}

// getObjectAttributesResult is GetObjectAttributes' answer; each part is
// there only when asked for.
type getObjectAttributesResult struct {
	XMLName      xml.Name            `xml:"GetObjectAttributesResponse"`
	Xmlns        string              `xml:"xmlns,attr"`
	ETag         string              `xml:"ETag,omitempty"`
	Checksum     *attributesChecksum `xml:"Checksum"`
	ObjectParts  *attributesParts    `xml:"ObjectParts"`
	StorageClass string              `xml:"StorageClass,omitempty"`
	ObjectSize   *int64              `xml:"ObjectSize"`
}

type attributesChecksum struct {
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type attributesParts struct {
	TotalPartsCount      int              `xml:"PartsCount"` // S3 names TotalPartsCount so on the wire
	PartNumberMarker     int              `xml:"PartNumberMarker"`
	NextPartNumberMarker int              `xml:"NextPartNumberMarker"`
	MaxParts             int              `xml:"MaxParts"`
	IsTruncated          bool             `xml:"IsTruncated"`
	Parts                []attributesPart `xml:"Part"`
}

type attributesPart struct {
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
	checksumFields
}
