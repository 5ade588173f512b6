package console_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
)

func wantValidation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *client.ValidationError
	if !errors.As(err, &ve) || ve.Field != field {
		t.Fatalf("got %v, want a validation error on %s", err, field)
	}
}

// The lifecycle the console exists for: a credential made through it signs
// S3 requests at once; turned off, it is refused; turned on, it works again.
func TestCredentialLifecycle(t *testing.T) {
	e := start(t)
	cred := must(e.console.CreateCredential(ctx(t), console.CreateCredentialInput{UserName: "alice"}))(t)
	if cred.ID < 1 || cred.AccessKey == "" || cred.SecretKey == "" || !cred.IsActive || cred.UserName != "alice" || cred.CreatedAt.IsZero() {
		t.Fatalf("created %+v", cred)
	}

	alice := e.s3With(cred.AccessKey, cred.SecretKey)
	if err := alice.CreateBucket(ctx(t), "alices", client.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	must(alice.Upload(ctx(t), "alices", "a.txt", []byte("hello")))(t)

	got := must(e.console.GetCredential(ctx(t), cred.ID))(t)
	if got.SecretKey != "" || got.BucketCount != 1 || len(got.Buckets) != 1 || got.Buckets[0].Name != "alices" ||
		got.Buckets[0].Owner != "alice" || got.Buckets[0].ObjectCount != 1 || got.Buckets[0].TotalSize != 5 {
		t.Fatalf("GetCredential = %+v", got)
	}

	off := false
	must(e.console.UpdateCredential(ctx(t), cred.ID, console.UpdateCredentialInput{IsActive: &off}))(t)
	_, err := alice.Download(ctx(t), "alices", "a.txt")
	var se *client.Error
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden || !errors.Is(err, client.ErrInvalidAccessKeyID) {
		t.Fatalf("inactive credential: got %v, want 403 InvalidAccessKeyId", err)
	}
	if got := must(e.console.GetCredential(ctx(t), cred.ID))(t); got.IsActive {
		t.Error("GetCredential still reports it active")
	}

	on, name := true, "alice-2"
	must(e.console.UpdateCredential(ctx(t), cred.ID, console.UpdateCredentialInput{IsActive: &on, UserName: &name}))(t)
	if data, err := alice.Download(ctx(t), "alices", "a.txt"); err != nil || string(data) != "hello" {
		t.Fatalf("reactivated: %q, %v", data, err)
	}
	list := must(e.console.ListCredentials(ctx(t)))(t)
	if len(list) != 2 || list[0].AccessKey != e.srv.AccessKey || list[1].UserName != "alice-2" || list[1].SecretKey != "" {
		t.Errorf("ListCredentials = %+v", list)
	}
}

func TestCredentialErrors(t *testing.T) {
	e := start(t)
	custom := console.CreateCredentialInput{UserName: "bob", AccessKey: "BOBACCESSKEY", SecretKey: "bob-secret-0123456789"}
	cred := must(e.console.CreateCredential(ctx(t), custom))(t)
	if cred.AccessKey != custom.AccessKey || cred.SecretKey != custom.SecretKey {
		t.Errorf("custom keys not kept: %+v", cred)
	}
	if _, err := e.s3With(custom.AccessKey, custom.SecretKey).Upload(ctx(t), "none", "k", nil); !errors.Is(err, client.ErrNoSuchBucket) {
		t.Errorf("custom keys do not sign: %v", err)
	}
	_, err := e.console.CreateCredential(ctx(t), custom)
	wantStatus(t, err, console.ErrConflict)

	_, err = e.console.GetCredential(ctx(t), 99)
	if ce := wantStatus(t, err, console.ErrNotFound); !strings.Contains(ce.Error(), "credential 99") {
		t.Errorf("message %q does not name the credential", ce)
	}
	name := "x"
	_, err = e.console.UpdateCredential(ctx(t), 99, console.UpdateCredentialInput{UserName: &name})
	wantStatus(t, err, console.ErrNotFound)
	_, err = e.console.GetCredential(ctx(t), 0)
	wantValidation(t, err, "credential id")
	_, err = e.console.UpdateCredential(ctx(t), cred.ID, console.UpdateCredentialInput{})
	wantStatus(t, err, console.ErrBadRequest)
}

func TestBuckets(t *testing.T) {
	e := start(t)
	b := must(e.console.CreateBucket(ctx(t), console.CreateBucketInput{Name: "made-here", OwnerID: 1}))(t)
	if b.Name != "made-here" || b.Region != "q-world-1" || b.Owner != e.srv.AccessKey || b.ObjectCount != 0 || b.Objects == nil {
		t.Errorf("CreateBucket = %+v", b)
	}
	e.put("made-here", "one", "1", client.ObjectAttributes{})
	e.put("made-here", "two", "22", client.ObjectAttributes{})
	e.bucket("from-s3")

	list := must(e.console.ListBuckets(ctx(t)))(t)
	if len(list) != 2 || list[0].Name != "from-s3" || list[1].ObjectCount != 2 || list[1].TotalSize != 3 || list[0].Owner != e.srv.AccessKey {
		t.Errorf("ListBuckets = %+v", list)
	}
	got := must(e.console.GetBucket(ctx(t), "made-here"))(t)
	if len(got.Objects) != 2 || got.Objects[0].Key != "one" || got.Objects[1].Size != 2 || got.TotalSize != 3 {
		t.Errorf("GetBucket = %+v", got)
	}

	_, err := e.console.CreateBucket(ctx(t), console.CreateBucketInput{Name: "made-here", OwnerID: 1})
	wantStatus(t, err, console.ErrConflict)
	_, err = e.console.CreateBucket(ctx(t), console.CreateBucketInput{Name: "orphan", OwnerID: 42})
	wantStatus(t, err, console.ErrNotFound)
	_, err = e.console.CreateBucket(ctx(t), console.CreateBucketInput{Name: "Bad_Name", OwnerID: 1})
	wantValidation(t, err, "bucket name")
	_, err = e.console.GetBucket(ctx(t), "missing")
	wantStatus(t, err, console.ErrNotFound)

	_, err = e.console.DeleteBucket(ctx(t), "made-here")
	if ce := wantStatus(t, err, console.ErrConflict); !strings.Contains(ce.Message, "not empty") {
		t.Errorf("non-empty bucket: %v", ce)
	}
	must(e.console.DeleteBucket(ctx(t), "from-s3"))(t)
	if err := e.s3.HeadBucket(ctx(t), "from-s3"); !errors.Is(err, client.ErrNoSuchBucket) {
		t.Errorf("bucket still there: %v", err)
	}
}

// Keys travel in the path; these must survive the trip both ways.
var trickyKeys = []string{"plain.txt", "dir/sub/file", "with space", "plus+sign", "per%cent", "q?mark#hash", "ünïcode/ø", "a//double", "dir/"}

func TestObjects(t *testing.T) {
	e := start(t)
	e.bucket("objs")
	for _, k := range trickyKeys {
		e.put("objs", k, k, client.ObjectAttributes{})
	}
	e.put("objs", "meta.jpg", "jpeg", client.ObjectAttributes{ContentType: "image/jpeg", Metadata: map[string]string{"User-Id": "12345"}})

	all := must(e.console.ListObjects(ctx(t), "objs", ""))(t)
	if len(all) != len(trickyKeys)+1 {
		t.Fatalf("ListObjects: %d objects, want %d", len(all), len(trickyKeys)+1)
	}
	dir := must(e.console.ListObjects(ctx(t), "objs", "dir/"))(t)
	if len(dir) != 2 || dir[0].Key != "dir/" || dir[1].Key != "dir/sub/file" {
		t.Errorf("ListObjects(dir/) = %+v", dir)
	}
	for _, k := range trickyKeys {
		o, err := e.console.GetObject(ctx(t), "objs", k)
		if err != nil || o.Key != k || o.Size != int64(len(k)) {
			t.Errorf("GetObject(%q) = %+v, %v", k, o, err)
		}
	}
	o := must(e.console.GetObject(ctx(t), "objs", "meta.jpg"))(t)
	if o.ContentType != "image/jpeg" || o.Metadata["user-id"] != "12345" || o.ETag == "" || strings.Contains(o.ETag, `"`) ||
		!strings.HasPrefix(o.StoragePath, "objs/objects/") || o.IsMultipart || o.PartCount != 0 || o.UpdatedAt.IsZero() {
		t.Errorf("GetObject(meta.jpg) = %+v", o)
	}

	must(e.console.DeleteObject(ctx(t), "objs", "with space"))(t)
	_, err := e.console.DeleteObject(ctx(t), "objs", "with space")
	wantStatus(t, err, console.ErrNotFound)
	_, err = e.console.GetObject(ctx(t), "objs", "with space")
	wantStatus(t, err, console.ErrNotFound)

	deleted := must(e.console.DeleteObjects(ctx(t), "objs", []string{"plus+sign", "missing", "q?mark#hash"}))(t)
	if strings.Join(deleted, ",") != "plus+sign,q?mark#hash" {
		t.Errorf("DeleteObjects deleted %q", deleted)
	}
	_, err = e.console.DeleteObjects(ctx(t), "nobucket", []string{"k"})
	wantStatus(t, err, console.ErrNotFound)
}

func TestMultipartUploads(t *testing.T) {
	e := start(t)
	e.bucket("mpu")
	id := must(e.s3.CreateMultipartUpload(ctx(t), client.CreateMultipartUploadInput{Bucket: "mpu", Key: "big.zip", ObjectAttributes: client.ObjectAttributes{ContentType: "application/zip"}}))(t).UploadID
	part := strings.Repeat("x", 2048)
	etag := must(e.s3.UploadPart(ctx(t), client.UploadPartInput{Bucket: "mpu", Key: "big.zip", UploadID: id, PartNumber: 1, Body: strings.NewReader(part), ContentLength: 2048}))(t)

	ups := must(e.console.ListMultipartUploads(ctx(t), "mpu"))(t)
	if len(ups) != 1 || ups[0].UploadID != id || ups[0].ObjectKey != "big.zip" || ups[0].PartCount != 1 || ups[0].TotalSize != 2048 ||
		ups[0].ContentType != "application/zip" || ups[0].InitiatedAt.IsZero() {
		t.Fatalf("ListMultipartUploads = %+v", ups)
	}
	if s := must(e.console.Stats(ctx(t)))(t); s.ActiveMultipartUploads != 1 {
		t.Errorf("stats: %d uploads", s.ActiveMultipartUploads)
	}
	must(e.s3.CompleteMultipartUpload(ctx(t), client.CompleteMultipartUploadInput{Bucket: "mpu", Key: "big.zip", UploadID: id,
		Parts: []client.CompletedPart{{PartNumber: 1, ETag: etag.ETag}}}))(t)
	if ups := must(e.console.ListMultipartUploads(ctx(t), "mpu"))(t); len(ups) != 0 {
		t.Errorf("after completion: %+v", ups)
	}
	o := must(e.console.GetObject(ctx(t), "mpu", "big.zip"))(t)
	if !o.IsMultipart || o.PartCount != 1 || o.Size != 2048 {
		t.Errorf("multipart object = %+v", o)
	}
}

func TestPresignedURLs(t *testing.T) {
	e := start(t)
	e.bucket("share")
	e.put("share", "dir/file one.txt", "shared", client.ObjectAttributes{})

	get := must(e.console.CreatePresignedURL(ctx(t), console.CreatePresignedURLInput{BucketName: "share", ObjectKey: "dir/file one.txt", AccessKey: e.srv.AccessKey}))(t)
	if !strings.HasPrefix(get, "/share/dir/") || !strings.Contains(get, "X-Amz-Signature=") {
		t.Fatalf("URL %q is not a relative presigned URL", get)
	}
	if status, body := fetch(t, e, http.MethodGet, e.console.ResolveURL(get), ""); status != 200 || body != "shared" {
		t.Fatalf("GET presigned: %d %q", status, body)
	}
	put := must(e.console.CreatePresignedURL(ctx(t), console.CreatePresignedURLInput{BucketName: "share", ObjectKey: "up.txt", Method: "put", ExpiresIn: 60, AccessKey: e.srv.AccessKey}))(t)
	if status, body := fetch(t, e, http.MethodPut, e.console.ResolveURL(put), "uploaded"); status != 200 {
		t.Fatalf("PUT presigned: %d %s", status, body)
	}
	if data := must(e.s3.Download(ctx(t), "share", "up.txt"))(t); string(data) != "uploaded" {
		t.Errorf("uploaded %q", data)
	}

	urls := must(e.console.ListPresignedURLs(ctx(t)))(t)
	if len(urls) != 2 || urls[0].Method != "GET" || urls[1].Method != "PUT" || urls[1].ObjectKey != "up.txt" ||
		urls[0].AccessKey != e.srv.AccessKey || !urls[1].ExpiresAt.Equal(urls[1].CreatedAt.Add(time.Minute)) {
		t.Errorf("ListPresignedURLs = %+v", urls)
	}
	if s := must(e.console.Stats(ctx(t)))(t); s.ActivePresignedURLs != 2 {
		t.Errorf("stats: %d active URLs", s.ActivePresignedURLs)
	}
	e.clock.Advance(2 * time.Minute) // the PUT URL expires, the GET URL (1 h) does not
	if urls := must(e.console.ListPresignedURLs(ctx(t)))(t); len(urls) != 1 || urls[0].Method != "GET" {
		t.Errorf("after 2 minutes: %+v", urls)
	}
	if status, _ := fetch(t, e, http.MethodPut, e.console.ResolveURL(put), "late"); status != http.StatusForbidden {
		t.Errorf("expired URL: %d", status)
	}
}

func TestPresignedURLErrors(t *testing.T) {
	e := start(t)
	e.bucket("share")
	in := console.CreatePresignedURLInput{BucketName: "share", ObjectKey: "k", AccessKey: e.srv.AccessKey}
	for _, tc := range []struct {
		mutate func(*console.CreatePresignedURLInput)
		field  string
	}{
		{func(in *console.CreatePresignedURLInput) { in.ExpiresIn = 604801 }, "expires_in"},
		{func(in *console.CreatePresignedURLInput) { in.ExpiresIn = -1 }, "expires_in"},
		{func(in *console.CreatePresignedURLInput) { in.Method = "PATCH" }, "method"},
		{func(in *console.CreatePresignedURLInput) { in.BucketName = "x" }, "bucket name"},
		{func(in *console.CreatePresignedURLInput) { in.AccessKey = "" }, "access key"},
	} {
		bad := in
		tc.mutate(&bad)
		_, err := e.console.CreatePresignedURL(ctx(t), bad)
		wantValidation(t, err, tc.field)
	}
	week := in
	week.ExpiresIn = console.MaxExpiresIn
	must(e.console.CreatePresignedURL(ctx(t), week))(t)

	unknown := in
	unknown.AccessKey = "NOSUCHKEY"
	_, err := e.console.CreatePresignedURL(ctx(t), unknown)
	wantStatus(t, err, console.ErrNotFound)
	noBucket := in
	noBucket.BucketName = "no-such-bucket"
	_, err = e.console.CreatePresignedURL(ctx(t), noBucket)
	wantStatus(t, err, console.ErrNotFound)
}

// Stats count what S3 sees: every number moves with a real change.
func TestStatsCountRealState(t *testing.T) {
	e := start(t)
	s := must(e.console.Stats(ctx(t)))(t)
	if *s != (console.Stats{Credentials: 1, TotalStorageHuman: "0 Bytes"}) {
		t.Errorf("empty emulator: %+v", s)
	}
	e.bucket("aaa")
	e.bucket("bbb")
	e.put("aaa", "1", "12345", client.ObjectAttributes{})
	e.put("bbb", "2", "123", client.ObjectAttributes{})
	must(e.s3.CreateMultipartUpload(ctx(t), client.CreateMultipartUploadInput{Bucket: "aaa", Key: "open"}))(t)
	must(e.console.CreateCredential(ctx(t), console.CreateCredentialInput{}))(t)
	must(e.console.CreatePresignedURL(ctx(t), console.CreatePresignedURLInput{BucketName: "aaa", ObjectKey: "1", AccessKey: e.srv.AccessKey}))(t)
	s = must(e.console.Stats(ctx(t)))(t)
	want := console.Stats{Credentials: 2, Buckets: 2, Objects: 2, TotalStorage: 8, TotalStorageHuman: "8 Bytes", ActiveMultipartUploads: 1, ActivePresignedURLs: 1}
	if *s != want {
		t.Errorf("Stats = %+v, want %+v", *s, want)
	}
}

func TestAPIKey(t *testing.T) {
	e := start(t)
	_, err := e.consoleWith("wrong-key").Stats(ctx(t))
	if ce := wantStatus(t, err, console.ErrForbidden); ce.Message != "invalid API key" || ce.Op != console.OpStats {
		t.Errorf("wrong key: %+v", ce)
	}
	// Without the header: 401, as JSON.
	req, _ := http.NewRequestWithContext(ctx(t), http.MethodGet, e.srv.URL+console.DefaultBasePath+"/stats", nil)
	resp, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"message":"missing X-API-Key header"`) {
		t.Errorf("no key: %d %s", resp.StatusCode, body)
	}
	if _, err := console.New(console.Config{Endpoint: e.srv.URL}); !errors.Is(err, console.ErrNoAPIKey) {
		t.Errorf("New without a key: %v", err)
	}
	if _, err := console.New(console.Config{APIKey: "k"}); !errors.Is(err, console.ErrNoEndpoint) {
		t.Errorf("New without an endpoint: %v", err)
	}
	if _, err := console.New(console.Config{Endpoint: "ftp://x", APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "console_endpoint") {
		t.Errorf("New with a bad endpoint: %v", err)
	}
}

// The console takes over unsigned requests under its base path only: a
// bucket named "api" still works over S3.
func TestS3UnderTheBasePathStillWorks(t *testing.T) {
	e := start(t)
	e.bucket("api")
	e.put("api", "v1/stats", "not stats", client.ObjectAttributes{})
	if data := must(e.s3.Download(ctx(t), "api", "v1/stats"))(t); string(data) != "not stats" {
		t.Errorf("S3 object under the base path: %q", data)
	}
	if s := must(e.console.Stats(ctx(t)))(t); s.Objects != 1 {
		t.Errorf("Stats = %+v", s)
	}
}

func fetch(t *testing.T, e *env, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
