package s3

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Flexible checksums as S3 takes and gives them. Package sigv4 verifies
// the values a request carries against its body; here are the rules about
// which a request may carry, what is kept, and what answers show.

func invalidHeader(name string) error {
	return s3err.Errorf("InvalidRequest", "Value for %s header is invalid.", strings.ToLower(name))
}

// requestChecksum is the algorithm of the checksum a PutObject or
// UploadPart request carries ("": none), as a header or a trailer: one at
// most, well formed, and the one x-amz-sdk-checksum-algorithm names.
func requestChecksum(h http.Header) (checksum.Algorithm, error) {
	var found []checksum.Algorithm
	for _, a := range checksum.All {
		if v := h.Get(a.Header()); v != "" {
			if !a.Valid(v) {
				return "", invalidHeader(a.Header())
			}
			found = append(found, a)
		}
	}
	if a, ok := checksum.FromTrailer(h); ok {
		found = append(found, a)
	}
	if len(found) > 1 {
		return "", s3err.Errorf("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
	}
	if sdk := h.Get("X-Amz-Sdk-Checksum-Algorithm"); sdk != "" {
		a, ok := checksum.Parse(sdk)
		if !ok || (len(found) == 1 && found[0] != a) {
			return "", invalidHeader("X-Amz-Sdk-Checksum-Algorithm")
		}
		if len(found) == 0 {
			return "", s3err.Errorf("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
		}
	}
	if len(found) == 0 {
		return "", nil
	}
	return found[0], nil
}

// checksumMode reports whether a GET or HEAD asked for the checksum.
func checksumMode(h http.Header) (bool, error) {
	switch v := h.Get("X-Amz-Checksum-Mode"); v {
	case "":
		return false, nil
	case "ENABLED":
		return true, nil
	}
	return false, invalidHeader("X-Amz-Checksum-Mode")
}

// setChecksumHeaders puts a checksum value and its type on an answer.
func setChecksumHeaders(h http.Header, alg checksum.Algorithm, value, typ string) {
	if alg == "" || value == "" {
		return
	}
	h.Set(alg.Header(), value)
	if typ != "" {
		h.Set("X-Amz-Checksum-Type", typ)
	}
}

// setObjectChecksum puts an object's checksum on an answer, if it has one.
func setObjectChecksum(h http.Header, o *store.Object) {
	if c := o.Checksum; c != nil {
		setChecksumHeaders(h, c.Algorithm, c.Value, c.Type)
	}
}

// setReadChecksum answers GET/HEAD with x-amz-checksum-mode: ENABLED: the
// object's checksum when the whole object is sent, a part's checksum for
// ?partNumber of a multipart object, nothing for a partial range, as S3.
func setReadChecksum(h http.Header, o *store.Object, part int, rng *byteRange) {
	c := o.Checksum
	switch {
	case c == nil:
	case part > 0 && len(o.PartChecksums) >= part:
		setChecksumHeaders(h, c.Algorithm, o.PartChecksums[part-1], c.Type)
	case rng == nil || (rng.start == 0 && rng.length == o.Size):
		setObjectChecksum(h, o)
	}
}

// uploadChecksum reads CreateMultipartUpload's x-amz-checksum-algorithm and
// x-amz-checksum-type ("" and "": S3's default, a full-object CRC64NVME).
func uploadChecksum(h http.Header) (checksum.Algorithm, string, error) {
	name, typ := h.Get("X-Amz-Checksum-Algorithm"), h.Get("X-Amz-Checksum-Type")
	if name == "" {
		if typ != "" {
			return "", "", s3err.Errorf("InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		return "", "", nil
	}
	alg, ok := checksum.Parse(name)
	if !ok {
		return "", "", s3err.Errorf("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5]")
	}
	if typ == "" {
		return alg, alg.DefaultType(), nil
	}
	if typ != checksum.FullObject && typ != checksum.Composite {
		return "", "", invalidHeader("X-Amz-Checksum-Type")
	}
	if !alg.Allows(typ) {
		return "", "", s3err.Errorf("InvalidRequest", "The %s checksum type cannot be used with the %s checksum algorithm.", typ, alg.Lower())
	}
	return alg, typ, nil
}

// checksumFields are the Checksum* elements of S3's XML documents (parts,
// copy and completion results, GetObjectAttributes), embedded where S3 has
// them.
type checksumFields struct {
	CRC32     string `xml:"ChecksumCRC32,omitempty"`
	CRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	CRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	SHA1      string `xml:"ChecksumSHA1,omitempty"`
	SHA256    string `xml:"ChecksumSHA256,omitempty"`
	SHA512    string `xml:"ChecksumSHA512,omitempty"`
	MD5       string `xml:"ChecksumMD5,omitempty"`
}

func (f *checksumFields) field(a checksum.Algorithm) *string {
	return map[checksum.Algorithm]*string{
		checksum.CRC32: &f.CRC32, checksum.CRC32C: &f.CRC32C, checksum.CRC64NVME: &f.CRC64NVME,
		checksum.SHA1: &f.SHA1, checksum.SHA256: &f.SHA256, checksum.SHA512: &f.SHA512, checksum.MD5: &f.MD5,
	}[a]
}

func newChecksumFields(a checksum.Algorithm, value string) checksumFields {
	var f checksumFields
	if p := f.field(a); p != nil {
		*p = value
	}
	return f
}

// objectChecksumFields are an object's checksum in XML, nil-safe.
func objectChecksumFields(c *store.Checksum) (checksumFields, string) {
	if c == nil {
		return checksumFields{}, ""
	}
	return newChecksumFields(c.Algorithm, c.Value), c.Type
}

// given is the one checksum set ("" if none); more than one, or a value
// that is not base64 of the algorithm's size, is S3's InvalidArgument.
func (f checksumFields) given() (checksum.Algorithm, string, error) {
	var alg checksum.Algorithm
	var value, all string
	for _, a := range checksum.All {
		if v := *f.field(a); v != "" {
			alg, value = a, v
			all += string(a) + ":" + v + ";"
		}
	}
	if all != "" && (strings.Count(all, ";") > 1 || !alg.Valid(value)) {
		return "", "", s3err.Errorf("InvalidArgument", "Invalid Base64 or multiple checksums present in request").
			With("ArgumentName", "Checksum").With("ArgumentValue", all)
	}
	return alg, value, nil
}

// completeChecksum is CompleteMultipartUpload's whole-object checksum
// header for the upload's algorithm: a full-object value, or a composite
// value with or without its "-N". It is checked against the assembled
// object; a malformed value is refused at once.
func completeChecksum(h http.Header, u *store.Upload) (verify func(*store.Object) error, err error) {
	alg := u.Algorithm()
	want := h.Get(alg.Header())
	if want == "" {
		return nil, nil
	}
	sum, count, composite := strings.Cut(want, "-")
	if composite {
		if _, err := strconv.Atoi(count); err != nil || u.Type() != checksum.Composite {
			return nil, invalidHeader(alg.Header())
		}
	}
	if !alg.Valid(sum) {
		return nil, invalidHeader(alg.Header())
	}
	return func(o *store.Object) error {
		got, gotCount, _ := strings.Cut(o.Checksum.Value, "-")
		if got != sum || (composite && count != gotCount) {
			return s3err.Errorf("BadDigest", "The %s you specified did not match the calculated checksum.", alg.Lower())
		}
		return nil
	}, nil
}
