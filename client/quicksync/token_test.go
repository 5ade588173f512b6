package quicksync

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

func TestJoinExpiryIsReadFromTheUsualFields(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	jwt := "h." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1767323045}`)) + ".s"
	for doc, exp := range map[string]time.Time{
		`{"token":"t","expiresAt":"2026-01-02T03:04:05Z"}`:   want,
		`{"token":"t","expiration":1767323045}`:              want,
		`{"token":"t","expiresAt":1767323045000}`:            want,
		`{"token":"t","expiresAt":"1767323045"}`:             want,
		`{"token":"t","expiresIn":3600}`:                     now.Add(time.Hour),
		`{"token":"` + jwt + `"}`:                            want,
		`{"token":"t"}`:                                      {},
		`{"token":"a.b.c","expiresAt":"soon","expiresIn":0}`: {},
	} {
		var jc joinCredentials
		if err := json.Unmarshal([]byte(doc), &jc); err != nil {
			t.Fatal(err)
		}
		if got := jc.expiry(now); !got.Equal(exp) {
			t.Errorf("%s: expiry %s, want %s", doc, got, exp)
		}
	}
}
