package sigv4

import (
	"slices"
	"sync"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
)

// Keys are the access keys requests may be signed with, each with its
// secret, an active flag and whether it is a root key: one the emulator was
// started with, which may do everything (package access). It is safe for
// concurrent use.
type Keys struct {
	mu   sync.RWMutex
	keys map[string]*key
}

type key struct {
	secret string
	active bool
	root   bool
}

// NewKeys holds the given access key IDs and secrets, all active root keys.
func NewKeys(secrets map[string]string) *Keys {
	k := &Keys{keys: map[string]*key{}}
	for ak, sk := range secrets {
		k.keys[ak] = &key{secret: sk, active: true, root: true}
	}
	return k
}

// Set adds an access key, which is not a root key, or replaces a key's
// secret; the key is active afterwards.
func (k *Keys) Set(accessKey, secret string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	root := k.keys[accessKey] != nil && k.keys[accessKey].root
	k.keys[accessKey] = &key{secret: secret, active: true, root: root}
}

// IsRoot reports whether accessKey is one of the keys the emulator was
// started with.
func (k *Keys) IsRoot(accessKey string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	c, ok := k.keys[accessKey]
	return ok && c.root
}

// SetActive enables or disables an access key; unknown keys are ignored.
func (k *Keys) SetActive(accessKey string, active bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.keys[accessKey]; ok {
		c.active = active
	}
}

// Lookup returns a key's secret and whether it is active; ok is false for
// an unknown key.
func (k *Keys) Lookup(accessKey string) (secret string, active, ok bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	c, ok := k.keys[accessKey]
	if !ok {
		return "", false, false
	}
	return c.secret, c.active, true
}

// AccessKeys lists every access key ID, sorted.
func (k *Keys) AccessKeys() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]string, 0, len(k.keys))
	for ak := range k.keys {
		out = append(out, ak)
	}
	slices.Sort(out)
	return out
}

// Secret returns the secret of an active access key, or the error S3
// gives for an unknown or disabled one.
func (k *Keys) Secret(accessKey string) (string, error) {
	secret, active, _ := k.Lookup(accessKey)
	if !active {
		return "", s3err.Errorf("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.").
			With("AWSAccessKeyId", accessKey)
	}
	return secret, nil
}
