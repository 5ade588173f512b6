package configure

import (
	"slices"
	"strconv"

	"github.com/quilibrium/qcli/client"
)

// FileKind names one of the two settings files.
type FileKind int

// The two settings files.
const (
	ConfigFile      FileKind = iota // <dir>/config: everything that is not a secret
	CredentialsFile                 // <dir>/credentials: key pairs, mode 0600
)

// String returns the file's name inside the settings directory.
func (k FileKind) String() string {
	if k == CredentialsFile {
		return "credentials"
	}
	return "config"
}

// Key describes one setting: where it is stored, how it may be overridden
// and what values it accepts.
type Key struct {
	// Name is the setting's name in its file, e.g. "region".
	Name string
	// File is the file the setting is stored in.
	File FileKind
	// Secret settings (and access_key_id) are masked in Settings and never quoted in errors.
	Secret bool
	// Default is the value used when no source sets it; "" means none.
	Default string
	// Env lists the environment variables that set it, highest precedence first.
	Env []string
	// Aliases are other names read from the file, for sections copied from AWS.
	Aliases []string
	// Description is a one-line explanation for help and prompts.
	Description string

	// apply parses value and stores it in r; it is also how values are
	// validated, so a value accepted by Set always resolves.
	apply func(r *Resolved, value string) error
	// standalone credentials-file settings resolve on their own, not with
	// the S3 key pair: the console's API key has nothing to do with it.
	standalone bool
}

// Validate reports whether value is acceptable for the key, as a one-line
// error naming the problem and the fix. Secret values are never quoted.
func (k Key) Validate(value string) error {
	return k.apply(&Resolved{}, value)
}

// Names of the credential settings, which resolve as a unit.
const (
	keyAccessKeyID = "access_key_id"
	keySecret      = "secret_access_key"
	keyToken       = "session_token"
	keyAccountID   = "account_id"
	keyEndpoint    = "endpoint_url"
	keyVerifySSL   = "verify_ssl"

	keyConsoleEndpoint = "console_endpoint"
	keyConsoleAPIKey   = "console_api_key"
)

// Names of the QuickSync settings; `qcli quicksync login` writes the last three.
const (
	KeyQuickSyncEndpoint = "quicksync_endpoint"
	KeyQuickSyncToken    = "quicksync_token"
	KeyQuickSyncSession  = "quicksync_session"
	KeyQuickSyncExpiry   = "quicksync_token_expiry"
)

// keyTable is the one list of settings; Settings follow its order. It is
// never modified: Keys hands out copies.
var keyTable = []Key{
	{Name: keyAccessKeyID, File: CredentialsFile, Env: []string{"QCLI_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"},
		Aliases: []string{"aws_access_key_id"}, Description: "access key id of the key pair", apply: applyAccessKeyID},
	{Name: keySecret, File: CredentialsFile, Secret: true, Env: []string{"QCLI_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"},
		Aliases: []string{"aws_secret_access_key"}, Description: "secret access key of the key pair", apply: applySecret},
	{Name: keyToken, File: CredentialsFile, Secret: true, Env: []string{"QCLI_SESSION_TOKEN", "AWS_SESSION_TOKEN"},
		Aliases: []string{"aws_session_token"}, Description: "session token, for temporary credentials only", apply: applyToken},
	{Name: keyAccountID, File: CredentialsFile, Env: []string{"QCLI_ACCOUNT_ID"},
		Description: "numeric account id (optional)", apply: applyAccountID},
	{Name: keyEndpoint, File: ConfigFile, Default: client.DefaultEndpoint, Env: []string{"QCLI_ENDPOINT_URL", "AWS_ENDPOINT_URL"},
		Description: "service URL, http:// or https://", apply: applyEndpoint},
	{Name: "region", File: ConfigFile, Default: client.DefaultRegion, Env: []string{"QCLI_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"},
		Description: "region signed into requests", apply: applyRegion},
	{Name: "output", File: ConfigFile, Default: "text", Env: []string{"QCLI_OUTPUT"},
		Description: "output format: text, json or table", apply: applyOutput},
	{Name: "addressing_style", File: ConfigFile, Default: string(client.AddressingPath),
		Description: "bucket in the URL: path, virtual or auto", apply: applyAddressingStyle},
	{Name: "checksum_mode", File: ConfigFile, Default: string(client.ChecksumWhenRequired),
		Description: "request checksums: when_required or when_supported", apply: applyChecksumMode},
	{Name: "max_attempts", File: ConfigFile, Default: strconv.Itoa(client.DefaultMaxAttempts),
		Description: "tries per request, the first included", apply: applyMaxAttempts},
	{Name: "connect_timeout", File: ConfigFile, Default: client.DefaultConnectTimeout.String(),
		Description: "dial and TLS handshake timeout, e.g. 10s or 10", apply: applyConnectTimeout},
	{Name: "read_timeout", File: ConfigFile, Default: client.DefaultReadTimeout.String(),
		Description: "idle timeout: no byte moving either way this long fails an attempt, e.g. 20s or 20", apply: applyReadTimeout},
	{Name: "call_timeout", File: ConfigFile, Default: client.DefaultCallTimeout.String(),
		Description: "stalled time one call may spend over all its attempts, e.g. 50s", apply: applyCallTimeout},
	{Name: "ca_bundle", File: ConfigFile,
		Description: "PEM file of CA certificates trusted instead of the system's", apply: applyCABundle},
	{Name: keyVerifySSL, File: ConfigFile, Default: "true",
		Description: "verify TLS certificates: true or false", apply: applyVerifySSL},
	{Name: keyConsoleEndpoint, File: ConfigFile, Env: []string{"QCLI_CONSOLE_ENDPOINT"},
		Description: "management console URL, http:// or https://", apply: applyConsoleEndpoint},
	{Name: keyConsoleAPIKey, File: CredentialsFile, Secret: true, Env: []string{"QCLI_CONSOLE_API_KEY"},
		Description: "management console API key, sent as X-API-Key", apply: applyConsoleAPIKey, standalone: true},
	{Name: KeyQuickSyncEndpoint, File: ConfigFile, Default: client.DefaultQuickSyncEndpoint, Env: []string{"QCLI_QUICKSYNC_ENDPOINT"},
		Description: "QuickSync API URL, http:// or https://", apply: applyQuickSyncEndpoint},
	{Name: KeyQuickSyncToken, File: CredentialsFile, Secret: true, Env: []string{"QCLI_QUICKSYNC_TOKEN"},
		Description: "QuickSync bearer token (qcli quicksync login stores it)", apply: applyQuickSyncToken, standalone: true},
	{Name: KeyQuickSyncSession, File: CredentialsFile, Secret: true, Env: []string{"QCLI_QUICKSYNC_SESSION"},
		Description: "QuickSync session ID, the key of encrypted file names", apply: applyQuickSyncSession, standalone: true},
	{Name: KeyQuickSyncExpiry, File: CredentialsFile,
		Description: "when the stored QuickSync token expires (RFC 3339)", apply: applyQuickSyncExpiry, standalone: true},
}

// Keys returns every setting, in the order Settings lists them.
func Keys() []Key {
	out := make([]Key, len(keyTable))
	for i, k := range keyTable {
		k.Env, k.Aliases = slices.Clone(k.Env), slices.Clone(k.Aliases)
		out[i] = k
	}
	return out
}

// LookupKey finds a setting by name or by one of its aliases.
func LookupKey(name string) (Key, bool) {
	for _, k := range Keys() {
		if k.Name == name || slices.Contains(k.Aliases, name) {
			return k, true
		}
	}
	return Key{}, false
}

// names returns the key's name followed by its aliases: the names it may
// have in a file, in the order they are read.
func (k Key) names() []string {
	return append([]string{k.Name}, k.Aliases...)
}
