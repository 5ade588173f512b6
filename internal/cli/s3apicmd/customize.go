package s3apicmd

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// What the AWS CLI (botocore's S3 handlers) does to a request beyond
// serializing its members, and what qcli's client does for its own calls,
// applied here so that `qcli s3api` sends what they send.

// customizeInput applies botocore's S3 input handlers: SSE-C keys are
// given raw and sent base64-encoded with their MD5, a CopySource string
// has its key URL-encoded, and listings ask for URL-encoded keys (which
// decodeListing undoes) unless the caller chose an encoding. It reports
// whether it chose the encoding.
func customizeInput(op string, in reflect.Value) (autoEncoding bool, err error) {
	for _, prefix := range []string{"SSECustomer", "CopySourceSSECustomer"} {
		encodeCustomerKey(in, prefix)
	}
	if err := quoteCopySource(in); err != nil {
		return false, err
	}
	if f := in.FieldByName("EncodingType"); slices.Contains(urlEncodedListings, op) && f.String() == "" {
		f.SetString("url")
		autoEncoding = true
	}
	return autoEncoding, nil
}

// urlEncodedListings are the operations botocore asks for URL-encoded
// keys (set_list_objects_encoding_type_url), so that keys holding
// characters XML 1.0 cannot carry survive.
var urlEncodedListings = []string{"ListObjectsV2", "ListObjectVersions"}

// encodeCustomerKey is botocore's sse_md5: the key goes base64-encoded,
// with its MD5, unless the caller gave the MD5 (and so an encoded key).
func encodeCustomerKey(in reflect.Value, prefix string) {
	key, sum := in.FieldByName(prefix+"Key"), in.FieldByName(prefix+"KeyMD5")
	if !key.IsValid() || key.IsNil() || !sum.IsNil() {
		return
	}
	raw := []byte(key.Elem().String())
	digest := md5.Sum(raw)
	key.Set(reflect.ValueOf(ptr(base64.StdEncoding.EncodeToString(raw))))
	sum.Set(reflect.ValueOf(ptr(base64.StdEncoding.EncodeToString(digest[:]))))
}

// quoteCopySource URL-encodes the bucket/key of a CopySource, keeping a
// ?versionId= suffix, as botocore's handle_copy_source_param does; a JSON
// object {"Bucket":..,"Key":..,"VersionId":..} is accepted too.
func quoteCopySource(in reflect.Value) error {
	f := in.FieldByName("CopySource")
	if !f.IsValid() || f.IsNil() {
		return nil
	}
	src := f.Elem().String()
	var bucket, key, version string
	if strings.HasPrefix(strings.TrimSpace(src), "{") {
		var m struct{ Bucket, Key, VersionId string }
		if err := decodeJSON(src, &m); err != nil || m.Bucket == "" || m.Key == "" {
			return cmdutil.Usagef(`--copy-source: want BUCKET/KEY[?versionId=ID] or {"Bucket":"..","Key":"..","VersionId":".."}`)
		}
		bucket, key, version = m.Bucket, m.Key, m.VersionId
	} else {
		path, v, hasVersion := strings.Cut(src, "?versionId=")
		var ok bool
		if bucket, key, ok = strings.Cut(strings.TrimPrefix(path, "/"), "/"); !ok || bucket == "" || key == "" {
			return cmdutil.Usagef("--copy-source %q: want BUCKET/KEY, with ?versionId=ID for a version", src)
		}
		if hasVersion {
			version = v
		}
	}
	f.Set(reflect.ValueOf(ptr(client.CopySource(bucket, key, version))))
	return nil
}

// listingFields are the members S3 URL-encodes in a listing answered with
// encoding-type=url (botocore's decode_list_object_v2/_versions, and the
// same for uploads): top-level strings, and a string member of each entry
// of a list.
var listingFields = struct {
	top    []string
	nested [][2]string
}{
	top:    []string{"Delimiter", "Prefix", "StartAfter", "KeyMarker", "NextKeyMarker"},
	nested: [][2]string{{"Contents", "Key"}, {"CommonPrefixes", "Prefix"}, {"Versions", "Key"}, {"DeleteMarkers", "Key"}, {"Uploads", "Key"}},
}

// decodeListing undoes the URL encoding customizeInput asked for, when the
// answer says it applied it.
func decodeListing(out reflect.Value) error {
	if f := out.FieldByName("EncodingType"); !f.IsValid() || f.String() != "url" {
		return nil
	}
	for _, name := range listingFields.top {
		if err := unescapeMember(out.FieldByName(name)); err != nil {
			return err
		}
	}
	for _, pair := range listingFields.nested {
		list := out.FieldByName(pair[0])
		if !list.IsValid() {
			continue
		}
		for i := range list.Len() {
			if err := unescapeMember(list.Index(i).FieldByName(pair[1])); err != nil {
				return err
			}
		}
	}
	return nil
}

func unescapeMember(f reflect.Value) error {
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil
	}
	s, err := url.QueryUnescape(f.Elem().String())
	if err != nil {
		return fmt.Errorf("the listing's URL-encoded name %q does not decode: %v", f.Elem().String(), err)
	}
	f.Set(reflect.ValueOf(ptr(s)))
	return nil
}

// openBody opens the file a streaming body names (a path, or fileb://PATH
// as AWS CLI v2 writes it), sets Body and ContentLength, and computes the
// checksum ChecksumAlgorithm asks for, so that it travels as a header
// rather than in an aws-chunked trailer (which some S3-compatible servers
// store inside the object). The caller closes the file.
func openBody(in reflect.Value, name string) (*os.File, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(name, "fileb://"), "file://")
	bad := func(problem string) error {
		return cmdutil.Usagef("--body %s: %s; give the path of a file", name, problem)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, bad(unwrapPathError(err).Error())
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, bad("is not a regular file")
	}
	length := in.FieldByName("ContentLength")
	if length.IsNil() {
		length.Set(reflect.ValueOf(ptr(st.Size())))
	} else if n := length.Elem().Int(); n != st.Size() {
		f.Close()
		return nil, cmdutil.Usagef("--content-length %d, but --body %s has %d bytes; drop --content-length", n, name, st.Size())
	}
	if err := checksumHeader(in, f); err != nil {
		f.Close()
		return nil, err
	}
	if err := contentMD5(in, f); err != nil {
		f.Close()
		return nil, err
	}
	in.FieldByName("Body").Set(reflect.ValueOf(io.Reader(f)))
	return f, nil
}

// contentMD5 fills ContentMD5 from the body when the input carries no
// digest of it (no Content-MD5, no checksum): the AWS CLI sends a checksum
// of every body it uploads, and S3 takes an upload that Object Lock will
// protect (by its own x-amz-object-lock-* members, or by the bucket's
// default retention) only with one.
func contentMD5(in reflect.Value, body io.ReadSeeker) error {
	md := in.FieldByName("ContentMD5")
	if !md.IsValid() || !md.IsNil() {
		return nil
	}
	if alg := in.FieldByName("ChecksumAlgorithm"); alg.IsValid() && alg.String() != "" {
		return nil
	}
	for _, a := range client.ChecksumAlgorithms() {
		if v := in.FieldByName("Checksum" + string(a)); v.IsValid() && !v.IsNil() {
			return nil
		}
	}
	h := md5.New()
	if _, err := io.Copy(h, body); err != nil {
		return err
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return err
	}
	md.Set(reflect.ValueOf(ptr(base64.StdEncoding.EncodeToString(h.Sum(nil)))))
	return nil
}

// checksumHeader fills Checksum<ALGORITHM> from the body when
// ChecksumAlgorithm names one and the caller gave no value.
func checksumHeader(in reflect.Value, body io.ReadSeeker) error {
	alg := in.FieldByName("ChecksumAlgorithm")
	if !alg.IsValid() || alg.String() == "" {
		return nil
	}
	a, err := client.ParseChecksumAlgorithm(alg.String())
	if err != nil {
		return cmdutil.Usagef("--checksum-algorithm: %w", err)
	}
	value := in.FieldByName("Checksum" + string(a))
	if !value.IsValid() || !value.IsNil() {
		return nil
	}
	sum, err := client.ComputeChecksum(a, body)
	if err != nil {
		return err
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return err
	}
	value.Set(reflect.ValueOf(ptr(sum.Value)))
	return nil
}

// requestOptions are the SDK options of one call: Content-MD5 on every
// request whose body the SDK builds (an XML document), as the client sends
// it on its own XML-body calls, since some servers demand it and the SDK
// omits it when checksums are only computed where required.
func requestOptions(op sdkOperation) []func(*s3.Options) {
	if _, streams := op.input.FieldByName("Body"); streams {
		return nil
	}
	return []func(*s3.Options){func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.AddContentChecksumMiddleware)
	}}
}

func ptr[T any](v T) *T { return &v }
