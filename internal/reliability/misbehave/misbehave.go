// Package misbehave makes S3 servers that break one rule, for the tests
// that prove qcli survives them: the emulator, behind a handler whose Rule
// may answer a request itself, pass it on altered, or alter the
// emulator's answer. Real S3-compatible servers have broken each rule the
// tests use (see DESIGN.md, "Semantic faults").
//
//	sw := &misbehave.Switch{}
//	srv := emulatortest.StartWrapped(t, emulator.Options{}, sw.Wrap)
//	... set up data while the server behaves ...
//	sw.Set(func(w http.ResponseWriter, r *http.Request) bool { ... })
package misbehave

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// Rule handles a request the way a misbehaving server would and reports
// true, or reports false to let the emulator answer it as usual. Rules run
// concurrently.
type Rule func(w http.ResponseWriter, r *http.Request) (handled bool)

// Switch is an http.Handler in front of the emulator that applies the
// current Rule. It is safe for concurrent use.
type Switch struct {
	next http.Handler
	rule atomic.Pointer[Rule]
}

// Wrap puts s in front of next; pass it to emulatortest.StartWrapped or
// clitest.NewWrapped.
func (s *Switch) Wrap(next http.Handler) http.Handler {
	s.next = next
	return s
}

// Set installs rule for every later request; nil makes the server behave.
func (s *Switch) Set(rule Rule) {
	if rule == nil {
		s.rule.Store(nil)
		return
	}
	s.rule.Store(&rule)
}

// ServeHTTP applies the rule, else lets the emulator answer.
func (s *Switch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rule := s.rule.Load(); rule != nil && (*rule)(w, r) {
		return
	}
	s.next.ServeHTTP(w, r)
}

// Serve lets the emulator answer r (from inside a Rule).
func (s *Switch) Serve(w http.ResponseWriter, r *http.Request) { s.next.ServeHTTP(w, r) }

// Record is the emulator's answer to r, for a Rule to alter.
func (s *Switch) Record(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.next.ServeHTTP(rec, r)
	return rec
}

// Resign re-signs r, whose URL, headers or body a Rule changed, with the
// emulator's default credentials, so that the emulator accepts it as if
// the client had sent it. body replaces r's body (nil: none); its digests
// are recomputed and any checksum header dropped.
func Resign(r *http.Request, body []byte) *http.Request {
	r = r.Clone(r.Context())
	for name := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-checksum-") || strings.EqualFold(name, "X-Amz-Sdk-Checksum-Algorithm") {
			r.Header.Del(name)
		}
	}
	r.Header.Del("Authorization")
	r.Body, r.ContentLength = http.NoBody, 0
	r.Header.Del("Content-MD5")
	if body != nil {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		sum := md5.Sum(body)
		r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	hash := sha256.Sum256(body)
	payload := hex.EncodeToString(hash[:])
	r.Header.Set("X-Amz-Content-Sha256", payload)
	creds := aws.Credentials{AccessKeyID: emulatortest.AccessKey, SecretAccessKey: emulatortest.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, "s3", emulatortest.Region, time.Now()); err != nil {
		panic(err) // only for a request that cannot be signed at all
	}
	return r
}

// ReadBody reads r's body and gives r a fresh copy of it.
func ReadBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}
