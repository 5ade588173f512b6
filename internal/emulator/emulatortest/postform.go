package emulatortest

import (
	"bytes"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"
)

// PostFormRequest builds a browser POST upload to url: the form fields in
// sorted order, then the file, last, as browsers send it.
func PostFormRequest(tb testing.TB, url string, fields map[string]string, filename, body string) *http.Request {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := mw.WriteField(k, fields[k]); err != nil {
			tb.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fw.Write([]byte(body)); err != nil {
		tb.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodPost, url, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}
