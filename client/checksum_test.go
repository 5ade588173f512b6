package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// Known answers for "123456789" (the CRC catalogue's check values, and the
// SHA digests of that string).
func TestChecksumKnownAnswers(t *testing.T) {
	be := func(n uint64, size int) string {
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, n)
		return base64.StdEncoding.EncodeToString(b[8-size:])
	}
	want := map[client.ChecksumAlgorithm]string{
		client.ChecksumCRC32:     be(0xcbf43926, 4),
		client.ChecksumCRC32C:    be(0xe3069283, 4),
		client.ChecksumCRC64NVME: be(0xae8b14860a799888, 8),
		client.ChecksumSHA1:      "98O8HYCOBHMq32eZZczDTKeuNEE=",
		client.ChecksumSHA256:    "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=",
	}
	for _, alg := range client.ChecksumAlgorithms() {
		got, err := client.ComputeChecksum(alg, strings.NewReader("123456789"))
		if err != nil || got.Value != want[alg] || got.Algorithm != alg {
			t.Errorf("%s: %+v, %v, want %s", alg, got, err, want[alg])
		}
	}
	if a, err := client.ParseChecksumAlgorithm("crc64nvme"); err != nil || a != client.ChecksumCRC64NVME {
		t.Errorf("ParseChecksumAlgorithm(crc64nvme) = %q, %v", a, err)
	}
	if _, err := client.ParseChecksumAlgorithm("MD5"); err == nil {
		t.Error("MD5 accepted as a checksum algorithm")
	}
}

// Each algorithm's value is computed and sent as a header, the body sent
// whole and plain, on the emulator, which verifies the value.
func TestPutObjectChecksumAlgorithms(t *testing.T) {
	c, srv := newTestClient(t)
	log := observe(srv)
	mustCreate(t, c, "sums")
	data := strings.Repeat("checksummed ", 500)
	for _, alg := range client.ChecksumAlgorithms() {
		want, _ := client.ComputeChecksum(alg, strings.NewReader(data))
		out, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "sums", Key: string(alg), Body: strings.NewReader(data),
			ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if out.Checksum != want {
			t.Errorf("%s: output checksum %+v, want %+v", alg, out.Checksum, want)
		}
		reqs := log.all()
		r := reqs[len(reqs)-1]
		if got := r.Header.Get("X-Amz-Checksum-" + string(alg)); got != want.Value {
			t.Errorf("%s: header %q, want %q", alg, got, want.Value)
		}
		if r.Header.Get("Content-Encoding") != "" || r.ContentLength != int64(len(data)) {
			t.Errorf("%s: sent Content-Encoding %q, length %d", alg, r.Header.Get("Content-Encoding"), r.ContentLength)
		}
		if got, err := c.Download(context.Background(), "sums", string(alg)); err != nil || string(got) != data {
			t.Errorf("%s: read back %d bytes, %v", alg, len(got), err)
		}
	}
}

// A value given by the caller is sent as is: a wrong one is refused by
// the service, an ill-formed one before sending.
func TestPutObjectGivenChecksum(t *testing.T) {
	c, srv := newTestClient(t)
	mustCreate(t, c, "sums")
	other, _ := client.ComputeChecksum(client.ChecksumSHA256, strings.NewReader("other"))
	_, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "sums", Key: "k", Body: strings.NewReader("data"),
		ChecksumAlgorithm: client.ChecksumSHA256, Checksum: other.Value})
	if !errors.Is(err, client.ErrorCode("BadDigest")) && !errors.Is(err, client.ErrInvalidDigest) {
		t.Errorf("a wrong checksum: %v, want BadDigest", err)
	}
	if _, err := c.HeadObject(context.Background(), client.HeadObjectInput{Bucket: "sums", Key: "k"}); !errors.Is(err, client.ErrNoSuchKey) {
		t.Errorf("a refused write left an object: %v", err)
	}
	log := observe(srv)
	var ve *client.ValidationError
	for name, in := range map[string]client.PutObjectInput{
		"short value":      {ChecksumAlgorithm: client.ChecksumSHA256, Checksum: "AAAA"},
		"not base64":       {ChecksumAlgorithm: client.ChecksumCRC32, Checksum: "%%%%"},
		"no algorithm":     {Checksum: other.Value},
		"unknown":          {ChecksumAlgorithm: "MD5"},
		"stream, no value": {ChecksumAlgorithm: client.ChecksumCRC32, Body: opaqueReader{strings.NewReader("x")}},
	} {
		in.Bucket, in.Key = "sums", "k"
		if in.Body == nil {
			in.Body = strings.NewReader("data")
		}
		if _, err := c.PutObject(context.Background(), in); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if n := log.count(nil); n != 0 {
		t.Errorf("%d requests sent for invalid checksums", n)
	}
	// A stream that cannot be rewound goes with a value computed on the way.
	sum, _ := client.ComputeChecksum(client.ChecksumCRC32C, strings.NewReader("streamed"))
	_, err = c.PutObject(context.Background(), client.PutObjectInput{Bucket: "sums", Key: "s", Body: opaqueReader{strings.NewReader("streamed")},
		ContentLength: 8, ChecksumAlgorithm: client.ChecksumCRC32C, Checksum: sum.Value})
	if err != nil {
		t.Errorf("a stream with its checksum: %v", err)
	}
}

// Computing the checksum reads the body once and rewinds it to where it
// started, so the data sent is the data hashed.
func TestChecksumRewindsTheBody(t *testing.T) {
	c, _ := newTestClient(t)
	mustCreate(t, c, "sums")
	r := bytes.NewReader([]byte("HEADERpayload"))
	io.CopyN(io.Discard, r, 6)
	if _, err := c.PutObject(context.Background(), client.PutObjectInput{Bucket: "sums", Key: "k", Body: r, ChecksumAlgorithm: client.ChecksumSHA1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Download(context.Background(), "sums", "k"); string(got) != "payload" {
		t.Errorf("stored %q", got)
	}
}

// A multipart upload with an algorithm: the algorithm at creation, each
// part's value as a header, and the values again in the completion.
func TestMultipartChecksums(t *testing.T) {
	c, f := newFakeS3(t, func(r recorded) answer {
		switch {
		case r.Method == http.MethodPost && r.Query.Has("uploads"):
			return xmlAnswer(`<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>`)
		case r.Method == http.MethodPut:
			return answer{Header: http.Header{"Etag": {`"p"`}}}
		}
		return xmlAnswer(`<CompleteMultipartUploadResult><ETag>"x-2"</ETag><ChecksumCRC32C>AAAAAA==-2</ChecksumCRC32C></CompleteMultipartUploadResult>`)
	})
	ctx := context.Background()
	up, err := c.CreateMultipartUpload(ctx, client.CreateMultipartUploadInput{Bucket: "b-1", Key: "k", ChecksumAlgorithm: client.ChecksumCRC32C,
		ChecksumType: client.ChecksumTypeComposite})
	id := up.UploadID
	if err != nil {
		t.Fatal(err)
	}
	create := f.last()
	if create.Header.Get("X-Amz-Checksum-Algorithm") != "CRC32C" || create.Header.Get("X-Amz-Checksum-Type") != "COMPOSITE" {
		t.Errorf("create sent %v", create.Header)
	}
	var parts []client.CompletedPart
	for i, data := range []string{"first part", "second"} {
		out, err := c.UploadPart(ctx, client.UploadPartInput{Bucket: "b-1", Key: "k", UploadID: id, PartNumber: int32(i + 1),
			Body: strings.NewReader(data), ChecksumAlgorithm: client.ChecksumCRC32C})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := client.ComputeChecksum(client.ChecksumCRC32C, strings.NewReader(data))
		part := f.last()
		if part.Header.Get("X-Amz-Checksum-Crc32c") != want.Value || out.Checksum != want || part.Body != data {
			t.Errorf("part %d: header %q, output %+v, body %q; want %s", i+1, part.Header.Get("X-Amz-Checksum-Crc32c"), out.Checksum, part.Body, want.Value)
		}
		parts = append(parts, client.CompletedPart{PartNumber: int32(i + 1), ETag: out.ETag, Checksum: out.Checksum})
	}
	done, err := c.CompleteMultipartUpload(ctx, client.CompleteMultipartUploadInput{Bucket: "b-1", Key: "k", UploadID: id, Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	if done.Checksum != (client.Checksum{Algorithm: client.ChecksumCRC32C, Value: "AAAAAA==-2"}) {
		t.Errorf("completion checksum %+v", done.Checksum)
	}
	c1, _ := client.ComputeChecksum(client.ChecksumCRC32C, strings.NewReader("first part"))
	c2, _ := client.ComputeChecksum(client.ChecksumCRC32C, strings.NewReader("second"))
	xmlEqual(t, f.last().Body, `<CompleteMultipartUpload><Part><ChecksumCRC32C>`+c1.Value+`</ChecksumCRC32C><ETag>"p"</ETag><PartNumber>1</PartNumber></Part>`+
		`<Part><ChecksumCRC32C>`+c2.Value+`</ChecksumCRC32C><ETag>"p"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>`)

	var ve *client.ValidationError
	for name, in := range map[string]client.CreateMultipartUploadInput{
		"type without algorithm":  {ChecksumType: client.ChecksumTypeComposite},
		"full object with SHA256": {ChecksumAlgorithm: client.ChecksumSHA256, ChecksumType: client.ChecksumTypeFullObject},
		"composite CRC64NVME":     {ChecksumAlgorithm: client.ChecksumCRC64NVME, ChecksumType: client.ChecksumTypeComposite},
		"unknown type":            {ChecksumAlgorithm: client.ChecksumCRC32, ChecksumType: "PARTIAL"},
	} {
		in.Bucket, in.Key = "b-1", "k"
		if _, err := c.CreateMultipartUpload(ctx, in); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValidationError", name, err)
		}
	}
	if f.count() != 0 {
		t.Error("an invalid upload was started")
	}
}

// CRC64NVME is computed with carry-less multiplication on large inputs;
// it must agree with the plain table-driven CRC at every length, around
// the vector widths and far beyond them.
func TestCRC64NVMEMatchesTheTable(t *testing.T) {
	table := crc64.MakeTable(0x9a6c9329ac4bc9b5)
	data := make([]byte, 1<<20+37)
	for i := range data {
		data[i] = byte(i*131 + i>>7)
	}
	for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 4095, 4096, 65537, len(data)} {
		h := client.ChecksumCRC64NVME.NewHash()
		h.Write(data[:n/3])
		h.Write(data[n/3 : n])
		want := crc64.New(table)
		want.Write(data[:n])
		if got, w := h.Sum(nil), want.Sum(nil); !bytes.Equal(got, w) {
			t.Errorf("%d bytes: %x, the table gives %x", n, got, w)
		}
	}
}
