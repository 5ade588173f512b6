package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// chunkDecoder decodes aws-chunked bodies:
//
//	<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;...]\r\n[<trailer>:<value>\r\n]*\r\n
//
// All variants are decoded here, so that no framing can end up inside an
// object. Chunk signatures (STREAMING-AWS4-HMAC-SHA256-*)
// are verified with the SDK's stream signer, whose string to sign matches
// S3's chunk string to sign when the "headers" are empty.

const maxSignedChunk = 16 << 20 // a signed chunk is buffered to check it

type chunkDecoder struct {
	br       *bufio.Reader
	signer   *v4.StreamSigner // nil for unsigned payloads
	date     time.Time
	buf      []byte // rest of a verified signed chunk
	remain   int64  // rest of an unsigned chunk, read straight through
	needCRLF bool
	done     bool
	trailers map[string]string
}

func newChunkDecoder(r *http.Request, auth *Auth, sha string) (*chunkDecoder, error) {
	decoded, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
	if err != nil || decoded < 0 {
		return nil, s3err.Errorf("MissingContentLength", "You must provide the x-amz-decoded-content-length header with aws-chunked bodies.")
	}
	d := &chunkDecoder{br: bufio.NewReaderSize(r.Body, 4096), date: auth.date, trailers: map[string]string{}}
	switch sha {
	case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER":
		if auth.presigned {
			return nil, s3err.Errorf("InvalidRequest", "Signed aws-chunked payloads require header authentication")
		}
		creds := aws.Credentials{AccessKeyID: auth.accessKey, SecretAccessKey: auth.secret}
		d.signer = v4.NewStreamSigner(creds, "s3", auth.region, auth.signature)
	case "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "", UnsignedPayload:
	default:
		return nil, s3err.NotImplemented("x-amz-content-sha256: " + sha)
	}
	unchunkHeaders(r, decoded)
	return d, nil
}

func (d *chunkDecoder) trailer(name string) (string, bool) {
	v, ok := d.trailers[name]
	return v, ok
}

func (d *chunkDecoder) Read(p []byte) (int, error) {
	for {
		switch {
		case len(d.buf) > 0:
			n := copy(p, d.buf)
			d.buf = d.buf[n:]
			return n, nil
		case d.remain > 0:
			return d.readUnsigned(p)
		case d.done:
			return 0, io.EOF
		}
		if err := d.nextChunk(); err != nil {
			return 0, err
		}
	}
}

func (d *chunkDecoder) readUnsigned(p []byte) (int, error) {
	if int64(len(p)) > d.remain {
		p = p[:d.remain]
	}
	n, err := d.br.Read(p)
	d.remain -= int64(n)
	d.needCRLF = d.remain == 0
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the final chunk never came
	}
	return n, err
}

// nextChunk reads the next chunk header (and, if signed, the whole chunk).
func (d *chunkDecoder) nextChunk() error {
	if d.needCRLF {
		if err := d.expectCRLF(); err != nil {
			return err
		}
		d.needCRLF = false
	}
	line, err := d.readLine()
	if err != nil {
		return err
	}
	size, sig, err := parseChunkHeader(line)
	if err != nil {
		return err
	}
	if d.signer != nil {
		if err := d.readSigned(size, sig); err != nil {
			return err
		}
	} else {
		d.remain = size
	}
	if size == 0 {
		d.done = true
		return d.readTrailers()
	}
	return nil
}

func (d *chunkDecoder) readSigned(size int64, sig string) error {
	if size > maxSignedChunk {
		return s3err.Errorf("InvalidRequest", "aws-chunked chunk of %d bytes exceeds the emulator's limit", size)
	}
	chunk := make([]byte, size)
	if _, err := io.ReadFull(d.br, chunk); err != nil {
		return unexpected(err)
	}
	want, err := d.signer.GetSignature(context.Background(), nil, chunk, d.date)
	if err != nil {
		return s3err.Internal(err)
	}
	if !strings.EqualFold(hex.EncodeToString(want), sig) {
		return s3err.Errorf("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided (aws-chunked chunk).")
	}
	d.buf, d.needCRLF = chunk, size > 0
	return nil
}

// readTrailers reads "name:value" lines up to the blank line that ends the
// body. A trailer signature, if any, is accepted unverified.
func (d *chunkDecoder) readTrailers() error {
	for {
		line, err := d.readLine()
		if err != nil {
			return err
		}
		if line == "" {
			return nil
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return errMalformedChunk()
		}
		d.trailers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
}

func (d *chunkDecoder) readLine() (string, error) {
	line, err := d.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errMalformedChunk()
	}
	if err != nil {
		return "", unexpected(err)
	}
	return string(bytes.TrimRight(line, "\r\n")), nil
}

func (d *chunkDecoder) expectCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(d.br, crlf[:]); err != nil {
		return unexpected(err)
	}
	if string(crlf[:]) != "\r\n" {
		return errMalformedChunk()
	}
	return nil
}

// parseChunkHeader parses "<hex size>[;chunk-signature=<sig>]".
func parseChunkHeader(line string) (size int64, sig string, err error) {
	hexSize, ext, _ := strings.Cut(line, ";")
	size, err = strconv.ParseInt(strings.TrimSpace(hexSize), 16, 64)
	if err != nil || size < 0 {
		return 0, "", errMalformedChunk()
	}
	sig, _ = strings.CutPrefix(ext, "chunk-signature=")
	return size, sig, nil
}

func errMalformedChunk() *s3err.Error {
	return s3err.Errorf("InvalidRequest", "The aws-chunked request body is malformed.")
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
