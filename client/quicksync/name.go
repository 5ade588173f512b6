package quicksync

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// The encryptedName format is not published by QuickSync. We use the one
// that CryptoJS.AES.encrypt(name, sessionId) and `openssl enc` produce, so
// that browser clients and the openssl command line can read our names and
// we can read theirs:
//
//	base64("Salted__" || salt[8] || AES-256-CBC(PKCS#7(name)))
//
// with key and IV derived from the session ID and the salt by OpenSSL's
// EVP_BytesToKey with MD5 and one iteration. It decrypts with
//
//	openssl enc -d -aes-256-cbc -md md5 -a -A -pass pass:SESSION_ID
const (
	saltMagic = "Salted__"
	saltSize  = 8
	keySize   = 32 // AES-256
)

// ErrBadEncryptedName is returned by DecryptName for text that is not an
// OpenSSL passphrase-format ciphertext of a name under that session ID:
// a name stored by another client, or a different session.
var ErrBadEncryptedName = errors.New("quicksync: not an encrypted name for this session")

// EncryptName encrypts a file name with the session ID as the passphrase,
// in the OpenSSL / CryptoJS format described above. A fresh random salt
// makes every call's output different.
func EncryptName(name, sessionID string) (string, error) {
	if sessionID == "" {
		return "", errNoSession
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("quicksync: reading random salt: %w", err)
	}
	return encryptNameWithSalt(name, sessionID, salt), nil
}

// encryptNameWithSalt is EncryptName with a chosen salt, for known-answer tests.
func encryptNameWithSalt(name, sessionID string, salt []byte) string {
	key, iv := bytesToKey([]byte(sessionID), salt)
	block, _ := aes.NewCipher(key) // cannot fail: the key is 32 bytes
	plain := pkcs7Pad([]byte(name), aes.BlockSize)
	out := make([]byte, len(saltMagic)+saltSize+len(plain))
	copy(out, saltMagic)
	copy(out[len(saltMagic):], salt)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[len(saltMagic)+saltSize:], plain)
	return base64.StdEncoding.EncodeToString(out)
}

// DecryptName reverses EncryptName. It fails with ErrBadEncryptedName when
// the text is not base64 of a salted ciphertext or the padding does not
// check out (usually: another session ID).
func DecryptName(encrypted, sessionID string) (string, error) {
	if sessionID == "" {
		return "", errNoSession
	}
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	head := len(saltMagic) + saltSize
	if err != nil || len(raw) < head+aes.BlockSize || string(raw[:len(saltMagic)]) != saltMagic ||
		(len(raw)-head)%aes.BlockSize != 0 {
		return "", ErrBadEncryptedName
	}
	key, iv := bytesToKey([]byte(sessionID), raw[len(saltMagic):head])
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(raw)-head)
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, raw[head:])
	name, ok := pkcs7Unpad(plain, aes.BlockSize)
	if !ok {
		return "", ErrBadEncryptedName
	}
	return string(name), nil
}

var errNoSession = errors.New("quicksync: no session ID to encrypt or decrypt names with")

// bytesToKey is OpenSSL's EVP_BytesToKey with MD5 and one iteration:
// D_1 = MD5(pass || salt), D_i = MD5(D_{i-1} || pass || salt), concatenated
// until there are enough bytes for the key and the IV.
func bytesToKey(pass, salt []byte) (key, iv []byte) {
	var out, prev []byte
	for len(out) < keySize+aes.BlockSize {
		h := md5.New()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:keySize], out[keySize : keySize+aes.BlockSize]
}

// pkcs7Pad appends n bytes of value n, 1 <= n <= size, as OpenSSL does.
func pkcs7Pad(b []byte, size int) []byte {
	n := size - len(b)%size
	return append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
}

// pkcs7Unpad checks and strips PKCS#7 padding.
func pkcs7Unpad(b []byte, size int) ([]byte, bool) {
	if len(b) == 0 || len(b)%size != 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > size {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}
