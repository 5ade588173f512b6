package s3apicmd_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/clitest"
)

func TestMain(m *testing.M) { clitest.Main(m) }

// scenario runs s3api commands end to end over TLS against the emulator,
// signatures checked. ops lists the commands it runs; together the
// scenarios run every operation of the client's table.
type scenario struct {
	name string
	ops  []string
	run  func(s *session)
}

// session runs one scenario's command lines and records which ran.
type session struct {
	t   *testing.T
	env *clitest.Env
	ops []string
	ran map[string]bool
}

func runScenario(t *testing.T, env *clitest.Env, sc scenario) {
	s := &session{t: t, env: env, ops: sc.ops, ran: map[string]bool{}}
	sc.run(s)
	for _, op := range sc.ops {
		if !s.ran[op] {
			t.Errorf("scenario %s never ran %s", sc.name, op)
		}
	}
}

// s3api runs qcli s3api OP ARGS... and returns the result.
func (s *session) s3api(op string, args ...string) clitest.Result {
	s.t.Helper()
	if !slices.Contains(s.ops, op) {
		s.t.Fatalf("scenario runs %s without listing it", op)
	}
	s.ran[op] = true
	return s.env.Run("", append([]string{"s3api", op}, args...)...)
}

// json runs a command that must succeed and returns its output decoded
// (nil for no output).
func (s *session) json(op string, args ...string) map[string]any {
	s.t.Helper()
	r := s.s3api(op, args...)
	if r.Code != 0 {
		s.t.Fatalf("qcli s3api %s %s: exit %d\n%s%s", op, strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	if r.Stdout == "" {
		return nil
	}
	if !strings.HasPrefix(r.Stdout, "{\n    \"") || !strings.HasSuffix(r.Stdout, "}\n") {
		s.t.Errorf("%s printed %q, not JSON indented by four spaces as the AWS CLI prints it", op, r.Stdout)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		s.t.Fatalf("%s printed %q: %v", op, r.Stdout, err)
	}
	return out
}

// get walks a decoded answer: get(out, "Versions", 0, "Key").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestScenariosCoverEveryOperation: every operation is run end to end.
func TestScenariosCoverEveryOperation(t *testing.T) {
	covered := map[string]bool{}
	for _, sc := range emulatorScenarios {
		for _, op := range sc.ops {
			covered[op] = true
		}
	}
	for _, op := range client.Operations() {
		if !covered[op.CLIName()] {
			t.Errorf("no scenario runs qcli s3api %s", op.CLIName())
		}
	}
}

// fakeS3 is a TLS server for answers the emulator does not give. Each
// route checks the request it gets and answers as S3 does; unrouted
// requests fail the test.
type fakeS3 struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]route
}

// route answers one kind of request, "METHOD ?subresource" (or
// "METHOD /" for a plain object or bucket request).
type route func(t *testing.T, r *http.Request, body string) (status int, xml string)

// subresources a fake routes on.
var subresources = []string{"website", "lifecycle", "ownershipControls", "retention", "legal-hold", "attributes", "versions", "versioning"}

func routeKey(r *http.Request) string {
	for _, s := range subresources {
		if r.URL.Query().Has(s) {
			return r.Method + " ?" + s
		}
	}
	return r.Method + " /"
}

// newFakeEnv starts a fake S3 over TLS and a qcli environment that trusts
// it and reaches it.
func newFakeEnv(t *testing.T, routes map[string]route) *clitest.Env {
	srv := httptest.NewTLSServer(&fakeS3{t: t, routes: routes})
	t.Cleanup(srv.Close)
	return clitest.ForServer(t, srv)
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	body := string(data)
	// What the client promises on every request: checksums in headers, not
	// in an aws-chunked body, and Content-MD5 on an XML body.
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") || strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		f.t.Errorf("%s %s sent an aws-chunked body", r.Method, r.URL)
	}
	if body != "" {
		sum := md5.Sum(data)
		if got := r.Header.Get("Content-Md5"); got != base64.StdEncoding.EncodeToString(sum[:]) {
			f.t.Errorf("%s %s: Content-MD5 %q does not match its body", r.Method, r.URL, got)
		}
	}
	f.mu.Lock()
	handle, ok := f.routes[routeKey(r)]
	f.mu.Unlock()
	if !ok {
		f.t.Errorf("the fake has no route for %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusNotImplemented)
		return
	}
	status, answer := handle(f.t, r, body)
	w.Header().Set("X-Amz-Request-Id", "fake-req")
	if answer != "" {
		w.Header().Set("Content-Type", "application/xml")
	}
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

// want fails the test unless body holds every fragment.
func want(t *testing.T, what, body string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(body, f) {
			t.Errorf("%s lacks %q:\n%s", what, f, body)
		}
	}
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

func s3Error(code, message string) string {
	return xmlHeader + `<Error><Code>` + code + `</Code><Message>` + message + `</Message><RequestId>fake-req</RequestId></Error>`
}
