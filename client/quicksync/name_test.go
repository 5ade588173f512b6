package quicksync

import (
	"encoding/base64"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// Vectors made with OpenSSL 3.0:
//
//	printf NAME | openssl enc -aes-256-cbc -md md5 -a -A -pass pass:SESSION
var opensslVectors = []struct{ name, session, encrypted string }{
	{"report-Q3.pdf", "sess-1234", "U2FsdGVkX19hSSsVTyHT9LKkF/uQwWiZzn6lsAORrbE="},
	{"report-Q3.pdf", "sess-1234", "U2FsdGVkX18mOSUiQJhpWue9WyBHUvUqN9dU4gMNSMg="},
	{"ü/日本 name that is longer than one block.txt", "Another-Session",
		"U2FsdGVkX1+hKCNZkmjtuB3YJfmj2uBL2HOSvgAj2tCuGgvwgFowUV5zV4HjWLsZaYFGNvuJ/RKmSuYw+xR9DzuDhXBLTRNz1A/NjoIQ2X8="},
	{"0123456789abcdef", "x", "U2FsdGVkX19o+f43TF0UJNWzE7tlOsbBLs5GPC6QMtHl1q1H6PiPiq4TCgDWFdz2"}, // a full padding block
}

func TestDecryptNameReadsOpenSSLOutput(t *testing.T) {
	for _, v := range opensslVectors {
		got, err := DecryptName(v.encrypted, v.session)
		if err != nil || got != v.name {
			t.Errorf("DecryptName(%s) = %q, %v; want %q", v.encrypted, got, err, v.name)
		}
	}
}

// With OpenSSL's salt, EncryptName produces OpenSSL's bytes exactly.
func TestEncryptNameMatchesOpenSSLForItsSalt(t *testing.T) {
	for _, v := range opensslVectors {
		raw, _ := base64.StdEncoding.DecodeString(v.encrypted)
		if got := encryptNameWithSalt(v.name, v.session, raw[8:16]); got != v.encrypted {
			t.Errorf("encrypt(%q) = %s, want %s", v.name, got, v.encrypted)
		}
	}
}

func TestEncryptNameRoundTripsWithAFreshSalt(t *testing.T) {
	a, err := EncryptName("cat.jpg", testSession)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := EncryptName("cat.jpg", testSession)
	if a == b || !strings.HasPrefix(a, "U2FsdGVkX1") { // base64 of "Salted__"
		t.Errorf("two encryptions %s and %s: want different salted outputs", a, b)
	}
	if got, err := DecryptName(a, testSession); err != nil || got != "cat.jpg" {
		t.Errorf("round trip = %q, %v", got, err)
	}
}

func TestDecryptNameRejectsOtherInput(t *testing.T) {
	enc, _ := EncryptName("cat.jpg", testSession)
	for _, in := range []string{"", "cat.jpg", "U2FsdGVkX19hSSsV", enc[:len(enc)-4], base64.StdEncoding.EncodeToString([]byte("Salted__12345678"))} {
		if _, err := DecryptName(in, testSession); !errors.Is(err, ErrBadEncryptedName) {
			t.Errorf("DecryptName(%q) err = %v", in, err)
		}
	}
	// Another session's key almost always breaks the padding; when it does
	// not, the name is garbage but no panic or leak follows.
	if got, err := DecryptName(enc, "another-session"); err == nil && got == "cat.jpg" {
		t.Error("decrypted with the wrong session")
	}
	if _, err := EncryptName("x", ""); err == nil {
		t.Error("EncryptName without a session succeeded")
	}
}

// The done-when test: the openssl command line decrypts our names.
func TestOpenSSLDecryptsEncryptName(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed (apt-get install -y openssl); the known-vector tests above still cover the format")
	}
	for _, name := range []string{"report-Q3.pdf", "ü/日本 name that is longer than one block.txt", "0123456789abcdef", "a"} {
		enc, err := EncryptName(name, testSession)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(openssl, "enc", "-d", "-aes-256-cbc", "-md", "md5", "-a", "-A", "-pass", "pass:"+testSession)
		cmd.Stdin = strings.NewReader(enc)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl failed on %s: %v", enc, err)
		}
		if string(out) != name {
			t.Errorf("openssl decrypted %s to %q, want %q", enc, out, name)
		}
	}
}

func FuzzDecryptName(f *testing.F) {
	for _, v := range opensslVectors {
		f.Add(v.encrypted, v.session)
	}
	f.Add("U2FsdGVkX18=", "")
	f.Fuzz(func(t *testing.T, enc, session string) {
		name, err := DecryptName(enc, session)
		if err != nil {
			return
		}
		if session != "" {
			// Whatever decrypts must encrypt back to something that decrypts the same.
			again, err := EncryptName(name, session)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := DecryptName(again, session); err != nil || back != name {
				t.Fatalf("round trip of %q: %q, %v", name, back, err)
			}
		}
	})
}
