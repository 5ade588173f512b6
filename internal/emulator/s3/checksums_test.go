package s3_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// The tests compute expected checksums with the standard library, not with
// the emulator's own table.
var testHashes = map[types.ChecksumAlgorithm]func() hash.Hash{
	types.ChecksumAlgorithmCrc32:     func() hash.Hash { return crc32.NewIEEE() },
	types.ChecksumAlgorithmCrc32c:    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	types.ChecksumAlgorithmCrc64nvme: func() hash.Hash { return crc64.New(crc64.MakeTable(0x9a6c9329ac4bc9b5)) },
	types.ChecksumAlgorithmSha1:      sha1.New,
	types.ChecksumAlgorithmSha256:    sha256.New,
}

func sum(alg types.ChecksumAlgorithm, data []byte) string {
	h := testHashes[alg]()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func compositeSum(alg types.ChecksumAlgorithm, parts ...[]byte) string {
	h := testHashes[alg]()
	for _, p := range parts {
		raw, _ := base64.StdEncoding.DecodeString(sum(alg, p))
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts))
}

// checksumOf picks the value of alg from the SDK's many Checksum* fields.
func checksumOf(alg types.ChecksumAlgorithm, crc32, crc32c, crc64nvme, sha1, sha256 *string) string {
	return aws.ToString(map[types.ChecksumAlgorithm]*string{
		types.ChecksumAlgorithmCrc32: crc32, types.ChecksumAlgorithmCrc32c: crc32c, types.ChecksumAlgorithmCrc64nvme: crc64nvme,
		types.ChecksumAlgorithmSha1: sha1, types.ChecksumAlgorithmSha256: sha256,
	}[alg])
}

func headChecksum(t *testing.T, c *s3.Client, in *s3.HeadObjectInput) (*s3.HeadObjectOutput, error) {
	t.Helper()
	in.ChecksumMode = types.ChecksumModeEnabled
	return c.HeadObject(t.Context(), in)
}

// TestPutObjectChecksums: each algorithm, sent by the SDK in an
// aws-chunked trailer over TLS, is verified, kept, and returned when asked
// for; an object sent without one gets S3's default CRC64NVME. A GET with
// the SDK validating responses (its current default) passes.
func TestPutObjectChecksums(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	var trailers sync.Map
	srv.Emulator.Observe(func(r *http.Request) {
		if tr := r.Header.Get("X-Amz-Trailer"); tr != "" {
			trailers.Store(strings.ToLower(tr), true)
		}
	})
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := emulatortest.RandomBytes(3000, 4)
	for alg := range testHashes {
		key := "obj-" + string(alg)
		put := emulatortest.MustPut(t, c, "bkt", key, string(body), func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = alg })
		if got := checksumOf(alg, put.ChecksumCRC32, put.ChecksumCRC32C, put.ChecksumCRC64NVME, put.ChecksumSHA1, put.ChecksumSHA256); got != sum(alg, body) {
			t.Errorf("%s: PutObject answered %q, want %q", alg, got, sum(alg, body))
		}
		head, err := headChecksum(t, c, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		if got := checksumOf(alg, head.ChecksumCRC32, head.ChecksumCRC32C, head.ChecksumCRC64NVME, head.ChecksumSHA1, head.ChecksumSHA256); got != sum(alg, body) || head.ChecksumType != types.ChecksumTypeFullObject {
			t.Errorf("%s: HEAD with checksum mode answered %q (%s), want %q", alg, got, head.ChecksumType, sum(alg, body))
		}
	}
	if _, ok := trailers.Load("x-amz-checksum-crc64nvme"); !ok {
		t.Fatal("the SDK sent no checksum in an aws-chunked trailer; the test wants that path")
	}
	emulatortest.MustPut(t, c, "bkt", "plain", string(body))
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("plain")})
	if err != nil || head.ChecksumCRC64NVME != nil || head.ChecksumType != "" {
		t.Fatalf("HEAD without checksum mode must not answer a checksum: %+v %v", head, err)
	}
	head, err = headChecksum(t, c, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("plain")})
	if err != nil || aws.ToString(head.ChecksumCRC64NVME) != sum(types.ChecksumAlgorithmCrc64nvme, body) {
		t.Fatalf("an object sent without a checksum has S3's default CRC64NVME: %+v %v", head, err)
	}

	validating := srv.S3Client(func(o *s3.Options) { o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported })
	for _, key := range []string{"plain", "obj-CRC32C", "obj-SHA256"} {
		out, err := validating.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if got := emulatortest.ReadAll(t, out.Body); got != string(body) {
			t.Fatalf("%s: body differs", key)
		}
	}
	full, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("plain"), Range: aws.String("bytes=0-2999"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil || full.ChecksumCRC64NVME == nil {
		t.Fatalf("a range covering the whole object gets its checksum: %+v %v", full, err)
	}
	full.Body.Close()
	part, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("plain"), Range: aws.String("bytes=1-2999"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil || part.ChecksumCRC64NVME != nil {
		t.Fatalf("a partial range gets no checksum: %+v %v", part, err)
	}
	part.Body.Close()

	list, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String("obj-SHA1")})
	if err != nil || len(list.Contents) != 1 || len(list.Contents[0].ChecksumAlgorithm) != 1 ||
		list.Contents[0].ChecksumAlgorithm[0] != types.ChecksumAlgorithmSha1 || list.Contents[0].ChecksumType != types.ChecksumTypeFullObject {
		t.Fatalf("listing names the checksum: %+v %v", list, err)
	}
	r := srv.Do(t, srv.SignedRequest(t, http.MethodHead, "/bkt/plain", nil, "", http.Header{"X-Amz-Checksum-Mode": {"YES"}}))
	if r.Status != 400 {
		t.Fatalf("an unknown checksum mode: %d", r.Status)
	}
}

// TestPutObjectChecksumRefusals: what S3 refuses about a request's
// checksums, each leaving no object behind.
func TestPutObjectChecksumRefusals(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := []byte("123456789")
	for _, tc := range []struct {
		name   string
		header http.Header
		status int
		code   string
	}{
		{"wrong value", http.Header{"X-Amz-Checksum-Crc32": {"z/Q5Jg=="}}, 400, "BadDigest"},
		{"wrong CRC64NVME", http.Header{"X-Amz-Checksum-Crc64nvme": {"sosUhgp5mIg="}}, 400, "BadDigest"},
		{"not a CRC32", http.Header{"X-Amz-Checksum-Crc32": {"y/Q5Jg5="}}, 400, "InvalidRequest"},
		{"two algorithms", http.Header{"X-Amz-Checksum-Crc32": {"y/Q5Jg=="}, "X-Amz-Checksum-Crc32c": {"4waSgw=="}}, 400, "InvalidRequest"},
		{"sdk header names another", http.Header{"X-Amz-Checksum-Crc32": {"y/Q5Jg=="}, "X-Amz-Sdk-Checksum-Algorithm": {"SHA1"}}, 400, "InvalidRequest"},
		{"sdk header alone", http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, 400, "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt/k", body, "", tc.header)).WantError(t, tc.status, tc.code)
			_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			emulatortest.WantAPIError(t, err, 404, "")
		})
	}
	ok := http.Header{"X-Amz-Checksum-Crc32": {"y/Q5Jg=="}, "X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}
	if r := srv.Do(t, srv.SignedRequest(t, http.MethodPut, "/bkt/k", body, "", ok)); r.Status != 200 || r.Header.Get("X-Amz-Checksum-Crc32") != "y/Q5Jg==" {
		t.Fatalf("a right checksum: %d %s %v", r.Status, r.Body, r.Header)
	}
}

func createUploadWith(t *testing.T, c *s3.Client, key string, alg types.ChecksumAlgorithm, typ types.ChecksumType) string {
	t.Helper()
	out, err := c.CreateMultipartUpload(t.Context(), &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String(key),
		ChecksumAlgorithm: alg, ChecksumType: typ})
	if err != nil {
		t.Fatalf("CreateMultipartUpload %s %s: %v", alg, typ, err)
	}
	return aws.ToString(out.UploadId)
}

func uploadPart(c *s3.Client, t *testing.T, key, id string, n int32, body []byte, alg types.ChecksumAlgorithm) (*s3.UploadPartOutput, error) {
	return c.UploadPart(t.Context(), &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String(key), UploadId: aws.String(id),
		PartNumber: aws.Int32(n), Body: bytes.NewReader(body), ChecksumAlgorithm: alg})
}

// TestMultipartCompositeChecksum: an upload created with CRC32 takes CRC32
// parts only, wants each part's checksum at completion, and its object has
// the composite checksum "<base64>-N", which GET/HEAD, ?partNumber (the
// part's own), ListParts and GetObjectAttributes all show.
func TestMultipartCompositeChecksum(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	alg := types.ChecksumAlgorithmCrc32
	p1, p2 := emulatortest.RandomBytes(1500, 1), emulatortest.RandomBytes(700, 2)
	out, err := c.CreateMultipartUpload(t.Context(), &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), ChecksumAlgorithm: alg})
	if err != nil || out.ChecksumAlgorithm != alg || out.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("CreateMultipartUpload with CRC32: %+v %v", out, err)
	}
	id := aws.ToString(out.UploadId)

	_, err = uploadPart(c, t, "mp", id, 1, p1, types.ChecksumAlgorithmSha256)
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
	_, err = uploadPart(c, t, "mp", id, 1, p1, "") // no checksum: the emulatortest client sends none unless asked
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")

	var parts []types.CompletedPart
	for i, p := range [][]byte{p1, p2} {
		res, err := uploadPart(c, t, "mp", id, int32(i+1), p, alg)
		if err != nil || aws.ToString(res.ChecksumCRC32) != sum(alg, p) {
			t.Fatalf("part %d: %+v %v", i+1, res, err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: res.ETag, ChecksumCRC32: res.ChecksumCRC32})
	}
	lp, err := c.ListParts(t.Context(), &s3.ListPartsInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: aws.String(id)})
	if err != nil || lp.ChecksumAlgorithm != alg || aws.ToString(lp.Parts[1].ChecksumCRC32) != sum(alg, p2) {
		t.Fatalf("ListParts: %+v %v", lp, err)
	}
	ups, err := c.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: aws.String("bkt")})
	if err != nil || len(ups.Uploads) != 1 || ups.Uploads[0].ChecksumAlgorithm != alg || ups.Uploads[0].ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("ListMultipartUploads: %+v %v", ups, err)
	}

	complete := func(ps []types.CompletedPart, f func(*s3.CompleteMultipartUploadInput)) (*s3.CompleteMultipartUploadOutput, error) {
		in := &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: aws.String(id),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: ps}}
		if f != nil {
			f(in)
		}
		return c.CompleteMultipartUpload(t.Context(), in)
	}
	bare := []types.CompletedPart{{PartNumber: parts[0].PartNumber, ETag: parts[0].ETag}, parts[1]}
	_, err = complete(bare, nil)
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest") // part 1's checksum is missing
	wrong := []types.CompletedPart{parts[0], {PartNumber: parts[1].PartNumber, ETag: parts[1].ETag, ChecksumCRC32: parts[0].ChecksumCRC32}}
	_, err = complete(wrong, nil)
	emulatortest.WantAPIError(t, err, 400, "InvalidPart")
	want := compositeSum(alg, p1, p2)
	_, err = complete(parts, func(in *s3.CompleteMultipartUploadInput) { in.ChecksumCRC32 = aws.String(sum(alg, p1)) })
	emulatortest.WantAPIError(t, err, 400, "BadDigest")
	_, err = complete(parts, func(in *s3.CompleteMultipartUploadInput) { in.ChecksumType = types.ChecksumTypeFullObject })
	emulatortest.WantAPIError(t, err, 400, "InvalidRequest")
	done, err := complete(parts, func(in *s3.CompleteMultipartUploadInput) {
		in.ChecksumCRC32 = aws.String(strings.TrimSuffix(want, "-2"))
	})
	if err != nil || aws.ToString(done.ChecksumCRC32) != want || done.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("CompleteMultipartUpload: %+v %v, want %s", done, err, want)
	}

	head, err := headChecksum(t, c, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("mp")})
	if err != nil || aws.ToString(head.ChecksumCRC32) != want {
		t.Fatalf("HEAD: %+v %v", head, err)
	}
	head, err = headChecksum(t, c, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), PartNumber: aws.Int32(2)})
	if err != nil || aws.ToString(head.ChecksumCRC32) != sum(alg, p2) {
		t.Fatalf("HEAD of part 2 gets the part's checksum: %+v %v", head, err)
	}
	validating := srv.S3Client(func(o *s3.Options) { o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported })
	g, err := validating.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), PartNumber: aws.Int32(1)})
	if err != nil || emulatortest.ReadAll(t, g.Body) != string(p1) {
		t.Fatalf("GET of part 1, validated by the SDK: %v", err)
	}

	attrs, err := c.GetObjectAttributes(t.Context(), &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), MaxParts: aws.Int32(1),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts,
			types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}})
	if err != nil {
		t.Fatal(err)
	}
	op := attrs.ObjectParts
	if strings.Contains(aws.ToString(attrs.ETag), `"`) || aws.ToString(attrs.ETag) == "" || aws.ToInt64(attrs.ObjectSize) != 2200 ||
		attrs.StorageClass != types.StorageClassStandard || aws.ToString(attrs.Checksum.ChecksumCRC32) != want ||
		op == nil || aws.ToInt32(op.TotalPartsCount) != 2 || !aws.ToBool(op.IsTruncated) || len(op.Parts) != 1 ||
		aws.ToString(op.Parts[0].ChecksumCRC32) != sum(alg, p1) || aws.ToInt64(op.Parts[0].Size) != 1500 {
		t.Fatalf("GetObjectAttributes: %+v (parts %+v)", attrs, op)
	}
	attrs, err = c.GetObjectAttributes(t.Context(), &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
		PartNumberMarker: op.NextPartNumberMarker, ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts}})
	if err != nil || attrs.ETag != nil || len(attrs.ObjectParts.Parts) != 1 || aws.ToInt32(attrs.ObjectParts.Parts[0].PartNumber) != 2 {
		t.Fatalf("GetObjectAttributes, second page of parts only: %+v %v", attrs, err)
	}
}

// TestMultipartFullObjectChecksum: CRC uploads with FULL_OBJECT (asked
// for, or S3's default CRC64NVME) take parts without checksums and get the
// checksum of the whole object; algorithms and types that do not go
// together are refused.
func TestMultipartFullObjectChecksum(t *testing.T) {
	srv, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	p1, p2 := emulatortest.RandomBytes(1100, 5), emulatortest.RandomBytes(300, 6)
	whole := append(append([]byte{}, p1...), p2...)
	for _, tc := range []struct {
		alg, want types.ChecksumAlgorithm
		typ       types.ChecksumType
	}{
		{types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc32c, types.ChecksumTypeFullObject},
		{types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmCrc64nvme, ""},
		{"", types.ChecksumAlgorithmCrc64nvme, ""},
	} {
		key := "full-" + string(tc.alg)
		id := createUploadWith(t, c, key, tc.alg, tc.typ)
		completed := emulatortest.PutParts(t, c, "bkt", key, id, [][]byte{p1, p2})
		done, err := c.CompleteMultipartUpload(t.Context(), &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String(key),
			UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if got := checksumOf(tc.want, done.ChecksumCRC32, done.ChecksumCRC32C, done.ChecksumCRC64NVME, done.ChecksumSHA1, done.ChecksumSHA256); got != sum(tc.want, whole) ||
			done.ChecksumType != types.ChecksumTypeFullObject {
			t.Fatalf("%s: checksum %q (%s), want the whole object's %q", key, got, done.ChecksumType, sum(tc.want, whole))
		}
	}

	id := createUploadWith(t, c, "given", types.ChecksumAlgorithmCrc32, types.ChecksumTypeFullObject)
	completed := emulatortest.PutParts(t, c, "bkt", "given", id, [][]byte{p1, p2})
	completeWith := func(v string) error {
		_, err := c.CompleteMultipartUpload(t.Context(), &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("given"),
			UploadId: aws.String(id), ChecksumCRC32: aws.String(v), MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
		return err
	}
	emulatortest.WantAPIError(t, completeWith(sum(types.ChecksumAlgorithmCrc32, p1)), 400, "BadDigest")
	emulatortest.WantAPIError(t, completeWith("nope"), 400, "InvalidRequest")
	if err := completeWith(sum(types.ChecksumAlgorithmCrc32, whole)); err != nil {
		t.Fatalf("the whole object's CRC32 is the full-object checksum: %v", err)
	}

	for _, h := range []http.Header{
		{"X-Amz-Checksum-Algorithm": {"CRC64NVME"}, "X-Amz-Checksum-Type": {"COMPOSITE"}},
		{"X-Amz-Checksum-Algorithm": {"SHA256"}, "X-Amz-Checksum-Type": {"FULL_OBJECT"}},
		{"X-Amz-Checksum-Type": {"COMPOSITE"}},
		{"X-Amz-Checksum-Algorithm": {"CRC32"}, "X-Amz-Checksum-Type": {"PARTIAL"}},
		{"X-Amz-Checksum-Algorithm": {"MD4"}},
	} {
		r := srv.Do(t, srv.SignedRequest(t, http.MethodPost, "/bkt/bad?uploads", nil, "", h))
		if r.Status != 400 || !strings.Contains(string(r.Body), "InvalidRequest") {
			t.Errorf("CreateMultipartUpload with %v: %d %s", h, r.Status, r.Body)
		}
	}
}

func TestCopyObjectChecksum(t *testing.T) {
	_, c := emulatortest.StartS3(t)
	emulatortest.MustCreateBucket(t, c, "bkt")
	body := emulatortest.RandomBytes(999, 7)
	emulatortest.MustPut(t, c, "bkt", "src", string(body), func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha1 })
	out, err := c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("same"), CopySource: aws.String("bkt/src")})
	if err != nil || aws.ToString(out.CopyObjectResult.ChecksumSHA1) != sum(types.ChecksumAlgorithmSha1, body) {
		t.Fatalf("a copy keeps the source's algorithm: %+v %v", out.CopyObjectResult, err)
	}
	out, err = c.CopyObject(t.Context(), &s3.CopyObjectInput{Bucket: aws.String("bkt"), Key: aws.String("other"), CopySource: aws.String("bkt/src"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil || aws.ToString(out.CopyObjectResult.ChecksumSHA256) != sum(types.ChecksumAlgorithmSha256, body) ||
		out.CopyObjectResult.ChecksumType != types.ChecksumTypeFullObject {
		t.Fatalf("a copy with another algorithm: %+v %v", out.CopyObjectResult, err)
	}
	attrs, err := c.GetObjectAttributes(t.Context(), &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("other"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize}})
	if err != nil || attrs.ObjectParts != nil || aws.ToInt64(attrs.ObjectSize) != 999 {
		t.Fatalf("a single-part object has no ObjectParts: %+v %v", attrs, err)
	}
}
