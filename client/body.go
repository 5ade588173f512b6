package client

import (
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// requestBody is body as the SDK should see it, with the Content-Length to
// declare (nil: unknown, sent chunked). A ContentLength of zero is the
// field's zero value, not a claim: the length is then taken from the body
// (Len, or Seek for files and other seekers) and left unknown when the
// body cannot tell, so that no data is dropped by a forgotten field.
// A negative ContentLength says unknown.
func requestBody(body io.Reader, contentLength int64) (io.Reader, *int64) {
	if body == nil {
		return nil, nil
	}
	body = hideBrokenSeek(body)
	switch {
	case contentLength > 0:
		return body, aws.Int64(contentLength)
	case contentLength < 0:
		return body, nil
	}
	if n, ok := knownLength(body); ok {
		return body, aws.Int64(n)
	}
	return body, nil
}

// knownLength is what is left to read of body, when the body can say
// without being read.
func knownLength(body io.Reader) (int64, bool) {
	if l, ok := body.(interface{ Len() int }); ok {
		return int64(l.Len()), true
	}
	s, ok := body.(io.Seeker)
	if !ok {
		return 0, false
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, false
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil {
		return 0, false
	}
	return end - cur, true
}

// hideBrokenSeek hides the Seek method of a body that has one but cannot
// seek (an *os.File that is a pipe or a terminal, such as os.Stdin): the
// SDK refuses a seeker whose Seek fails, where a plain reader would do.
func hideBrokenSeek(body io.Reader) io.Reader {
	s, ok := body.(io.Seeker)
	if !ok {
		return body
	}
	if _, err := s.Seek(0, io.SeekCurrent); err != nil {
		return struct{ io.Reader }{body}
	}
	return body
}

// seekable reports whether body can be rewound, so that it can be read
// twice (to compute a checksum, or by SigV4 to hash it).
func seekable(body io.Reader) bool {
	s, ok := body.(io.Seeker)
	if !ok {
		return false
	}
	_, err := s.Seek(0, io.SeekCurrent)
	return err == nil
}
