package console

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
	"unicode"

	consoleapi "github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// consoleCred is what the console adds to an emulator credential: an id, a
// user name and a creation time. The secret and the active flag stay in
// the emulator's sigv4.Keys, the one place S3 authentication reads.
type consoleCred struct {
	id        int64
	accessKey string
	userName  string
	created   time.Time
}

const opDone = "Operation completed successfully"

// syncLocked gives an id to every emulator credential the console has not
// seen (those from Options.Credentials or SetCredential), in key order.
func (c *Server) syncLocked() {
	for _, ak := range c.keys.AccessKeys() {
		if c.byKey[ak] == nil {
			c.addLocked(ak, "")
		}
	}
}

func (c *Server) addLocked(accessKey, userName string) *consoleCred {
	rec := &consoleCred{id: int64(len(c.creds) + 1), accessKey: accessKey, userName: userName, created: stamp(c.now())}
	c.creds = append(c.creds, rec)
	c.byKey[accessKey] = rec
	return rec
}

// credLocked finds a credential by id.
func (c *Server) credLocked(id int64) (*consoleCred, error) {
	c.syncLocked()
	switch {
	case id < 1:
		return nil, badRequest("invalid credential id: use an integer of 1 or more")
	case id > int64(len(c.creds)):
		return nil, notFound("no credential with id %d", id)
	}
	return c.creds[id-1], nil
}

func (c *Server) viewCred(rec *consoleCred) consoleapi.Credential {
	_, active, _ := c.keys.Lookup(rec.accessKey)
	return consoleapi.Credential{ID: rec.id, AccessKey: rec.accessKey, UserName: rec.userName, IsActive: active, CreatedAt: rec.created}
}

func (c *Server) listCredentials(*http.Request, consoleapi.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	out := consoleapi.CredentialList{Credentials: []consoleapi.Credential{}}
	for _, rec := range c.creds {
		out.Credentials = append(out.Credentials, c.viewCred(rec))
	}
	return http.StatusOK, out, nil
}

// createCredential adds the key pair to the emulator, so it signs S3
// requests at once; missing keys are generated.
func (c *Server) createCredential(r *http.Request, _ consoleapi.Params) (int, any, error) {
	var in consoleapi.CreateCredentialInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.AccessKey == "" {
		in.AccessKey = newAccessKey()
	}
	if in.SecretKey == "" {
		in.SecretKey = randomString(30)
	}
	if err := checkKeyText("access_key", in.AccessKey); err != nil {
		return 0, nil, err
	}
	if err := checkKeyText("secret_key", in.SecretKey); err != nil {
		return 0, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncLocked()
	if c.byKey[in.AccessKey] != nil {
		return 0, nil, consoleErr(http.StatusConflict, "conflict", "access key %s exists already", in.AccessKey)
	}
	c.keys.Set(in.AccessKey, in.SecretKey)
	out := c.viewCred(c.addLocked(in.AccessKey, in.UserName))
	out.SecretKey = in.SecretKey
	return http.StatusCreated, out, nil
}

// newAccessKey looks like an AWS key id: 20 upper-case letters and digits.
func newAccessKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "QK" + base32.StdEncoding.EncodeToString(b)[:18]
}

// randomString is n random bytes, base64url: 4/3 n characters of [A-Za-z0-9_-].
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkKeyText rejects keys that could not travel in a SigV4 credential scope.
func checkKeyText(field, v string) error {
	if len(v) < 3 || len(v) > 128 || strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return badRequest("invalid %s: use 3 to 128 characters without spaces", field)
	}
	if strings.Contains(v, "/") && field == "access_key" {
		return badRequest("invalid access_key: it may not hold /, which separates the SigV4 credential scope")
	}
	return nil
}

func (c *Server) getCredential(_ *http.Request, p consoleapi.Params) (int, any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, err := c.credLocked(p.ID)
	if err != nil {
		return 0, nil, err
	}
	out := consoleapi.CredentialDetail{Credential: c.viewCred(rec), Buckets: []consoleapi.Bucket{}}
	for _, b := range c.store.ListBuckets() {
		if b.Owner == rec.accessKey {
			out.Buckets = append(out.Buckets, c.viewBucketLocked(b))
		}
	}
	out.BucketCount = int64(len(out.Buckets))
	return http.StatusOK, out, nil
}

// updateCredential renames a credential or turns it on or off; a key turned
// off is refused by S3 authentication from the next request on.
func (c *Server) updateCredential(r *http.Request, p consoleapi.Params) (int, any, error) {
	var in consoleapi.UpdateCredentialInput
	if err := readJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.UserName == nil && in.IsActive == nil {
		return 0, nil, badRequest("nothing to update: give user_name or is_active")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, err := c.credLocked(p.ID)
	if err != nil {
		return 0, nil, err
	}
	if in.UserName != nil {
		rec.userName = *in.UserName
	}
	if in.IsActive != nil {
		c.keys.SetActive(rec.accessKey, *in.IsActive)
	}
	return http.StatusOK, consoleapi.Message{Message: opDone}, nil
}

// ownerLocked names a bucket's owner: the user name, else the access key
// ("" for a bucket made before owners were recorded).
func (c *Server) ownerLocked(b *store.Bucket) string {
	if rec := c.byKey[b.Owner]; rec != nil && rec.userName != "" {
		return rec.userName
	}
	return b.Owner
}
