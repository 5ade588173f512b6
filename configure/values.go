package configure

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/quilibrium/qcli/client"
)

// The apply functions below parse one setting's value into a Resolved. Each
// returns a *client.ConfigError so every message has the same shape:
// "invalid KEY: PROBLEM; FIX".

func invalid(key, problem, fix string) error {
	return &client.ConfigError{Setting: key, Problem: problem, Fix: fix}
}

// checkToken rejects values that cannot be a key, secret or token. Whitespace
// and control characters are the usual copy-paste accidents, and a newline
// would break the INI file. The value is never quoted: it may be a secret.
func checkToken(key, value string) error {
	if value == "" {
		return invalid(key, "it is empty", "paste the value exactly as issued")
	}
	if strings.IndexFunc(value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return invalid(key, "it holds whitespace or a control character", "paste the value exactly as issued, without spaces or line breaks")
	}
	return nil
}

func applyAccessKeyID(r *Resolved, v string) error {
	if err := checkToken(keyAccessKeyID, v); err != nil {
		return err
	}
	r.Client.Credentials.AccessKeyID = v
	return nil
}

func applySecret(r *Resolved, v string) error {
	if err := checkToken(keySecret, v); err != nil {
		return err
	}
	r.Client.Credentials.SecretAccessKey = v
	return nil
}

func applyToken(r *Resolved, v string) error {
	if err := checkToken(keyToken, v); err != nil {
		return err
	}
	r.Client.Credentials.SessionToken = v
	return nil
}

func applyAccountID(r *Resolved, v string) error {
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return invalid(keyAccountID, fmt.Sprintf("%q is not all digits", v), "use the numeric account id shown in the QStorage console, or leave it unset")
	}
	r.Client.Credentials.AccountID = v
	return nil
}

func applyEndpoint(r *Resolved, v string) error {
	if err := client.ValidateEndpoint(v); err != nil {
		return err
	}
	r.Client.Endpoint = v
	return nil
}

func applyRegion(r *Resolved, v string) error {
	if err := client.ValidateRegion(v); err != nil {
		return err
	}
	r.Client.Region = v
	return nil
}

func applyOutput(r *Resolved, v string) error {
	switch lv := strings.ToLower(v); lv {
	case "text", "json", "table":
		r.Output = lv
		return nil
	}
	return invalid("output", fmt.Sprintf("%q is not a format", v), "use text, json or table")
}

func applyAddressingStyle(r *Resolved, v string) (err error) {
	r.Client.AddressingStyle, err = client.ParseAddressingStyle(v)
	return err
}

func applyChecksumMode(r *Resolved, v string) (err error) {
	r.Client.ChecksumMode, err = client.ParseChecksumMode(v)
	return err
}

func applyMaxAttempts(r *Resolved, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return invalid("max_attempts", fmt.Sprintf("%q is not a whole number of 1 or more", v), "use 1 or more, e.g. 5 (1 turns retries off)")
	}
	r.Client.MaxAttempts = n
	return nil
}

func applyConnectTimeout(r *Resolved, v string) (err error) {
	r.Client.ConnectTimeout, err = parseTimeout("connect_timeout", v)
	return err
}

func applyReadTimeout(r *Resolved, v string) (err error) {
	r.Client.ReadTimeout, err = parseTimeout("read_timeout", v)
	return err
}

func applyCallTimeout(r *Resolved, v string) (err error) {
	r.Client.CallTimeout, err = parseTimeout("call_timeout", v)
	return err
}

// parseTimeout accepts a Go duration ("1m30s") or, like the AWS CLI, a
// number of seconds ("90", "2.5").
func parseTimeout(key, v string) (time.Duration, error) {
	bad := invalid(key, fmt.Sprintf("%q is not a positive duration", v), "use seconds (60) or a duration such as 60s or 1m30s")
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		// The bound keeps the conversion below from overflowing (~292 years);
		// a positive number under a nanosecond ("1e-10") would become 0,
		// which means "the default" further on.
		d := time.Duration(f * float64(time.Second))
		if !(f > 0) || f > float64(math.MaxInt64/int64(time.Second)) || d <= 0 {
			return 0, bad
		}
		return d, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}

// applyCABundle loads the bundle now, so a missing or broken file is
// reported at startup rather than as a TLS failure on the first request.
func applyCABundle(r *Resolved, v string) error {
	pem, err := os.ReadFile(v)
	if err != nil {
		return invalid("ca_bundle", fmt.Sprintf("cannot read %s: %v", v, unwrapPath(err)), "point it at a readable PEM file of CA certificates")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return invalid("ca_bundle", v+" holds no PEM certificates", "point it at a file of -----BEGIN CERTIFICATE----- blocks")
	}
	r.Client.RootCAs = pool
	return nil
}

func applyVerifySSL(r *Resolved, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return invalid(keyVerifySSL, fmt.Sprintf("%q is not a boolean", v), "use true or false")
	}
	r.Client.InsecureSkipVerify = !b
	return nil
}

// applyConsoleEndpoint checks the URL as endpoint_url is checked, naming
// this setting in the error.
func applyConsoleEndpoint(r *Resolved, v string) error {
	if err := client.ValidateEndpoint(v); err != nil {
		var ce *client.ConfigError
		if errors.As(err, &ce) {
			return invalid(keyConsoleEndpoint, ce.Problem, strings.Replace(ce.Fix, "https://qstorage.quilibrium.com", "https://console.example.com", 1))
		}
		return err
	}
	r.Console.Endpoint = v
	return nil
}

func applyConsoleAPIKey(r *Resolved, v string) error {
	if err := checkToken(keyConsoleAPIKey, v); err != nil {
		return err
	}
	r.Console.APIKey = v
	return nil
}

// applyQuickSyncEndpoint checks the URL as endpoint_url is checked, naming
// this setting in the error.
func applyQuickSyncEndpoint(r *Resolved, v string) error {
	if err := client.ValidateEndpoint(v); err != nil {
		var ce *client.ConfigError
		if errors.As(err, &ce) {
			return invalid(KeyQuickSyncEndpoint, ce.Problem, "use a URL such as "+client.DefaultQuickSyncEndpoint+" or http://127.0.0.1:9000")
		}
		return err
	}
	r.QuickSync.Endpoint = v
	return nil
}

func applyQuickSyncToken(r *Resolved, v string) error {
	if err := checkToken(KeyQuickSyncToken, v); err != nil {
		return err
	}
	r.QuickSync.Token = v
	return nil
}

func applyQuickSyncSession(r *Resolved, v string) error {
	if err := checkToken(KeyQuickSyncSession, v); err != nil {
		return err
	}
	r.QuickSync.SessionID = v
	return nil
}

func applyQuickSyncExpiry(r *Resolved, v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return invalid(KeyQuickSyncExpiry, fmt.Sprintf("%q is not an RFC 3339 time", v), "use e.g. 2026-01-02T15:04:05Z, or join the session again")
	}
	r.QuickSync.TokenExpiry = t
	return nil
}

// unwrapPath drops the path from an *fs.PathError, which the caller names
// already, leaving e.g. "no such file or directory".
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
