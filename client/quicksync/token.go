package quicksync

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// joinResponse is POST /v1/session/join's answer. Only the token is known
// for sure ({credentials: {token, …}}); the expiry is taken from whichever
// of the usual fields the service sends.
type joinResponse struct {
	Credentials joinCredentials `json:"credentials"`
}

type joinCredentials struct {
	Token      string          `json:"token"`
	ExpiresAt  json.RawMessage `json:"expiresAt"`
	Expiration json.RawMessage `json:"expiration"`
	ExpiresIn  json.RawMessage `json:"expiresIn"` // seconds from now
}

// expiry is the token's expiry, or zero when nothing says.
func (jc joinCredentials) expiry(now time.Time) time.Time {
	for _, raw := range []json.RawMessage{jc.ExpiresAt, jc.Expiration} {
		if t, ok := parseTime(raw); ok {
			return t
		}
	}
	if secs, ok := parseNumber(jc.ExpiresIn); ok && secs > 0 {
		return now.Add(time.Duration(secs * float64(time.Second))).UTC().Truncate(time.Second)
	}
	return jwtExpiry(jc.Token)
}

// parseTime reads an RFC 3339 string, or a Unix time in seconds or
// milliseconds.
func parseTime(raw json.RawMessage) (time.Time, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC(), true
		}
		raw = json.RawMessage(s)
	}
	n, ok := parseNumber(raw)
	if !ok || n <= 0 {
		return time.Time{}, false
	}
	const millisFloor = 1e11 // a Unix time in seconds stays below this until the year 5138
	if n >= millisFloor {
		return time.UnixMilli(int64(n)).UTC(), true
	}
	return time.Unix(int64(n), 0).UTC(), true
}

func parseNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.Trim(string(raw), `"`), 64)
	return n, err == nil
}

// jwtExpiry reads the "exp" claim of a JWT without verifying it: it only
// tells the CLI when to ask for a new login. Not a JWT: zero.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp json.RawMessage `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}
	}
	t, _ := parseTime(claims.Exp)
	return t
}
