package configure

import (
	"fmt"
	"os"
	"time"

	"github.com/quilibrium/qcli/client"
)

// Flags are the CLI's root flags that take part in resolution. Empty
// strings and false mean "not given".
type Flags struct {
	Profile     string // --profile
	EndpointURL string // --endpoint-url
	Region      string // --region
	Output      string // --output
	NoVerifySSL bool   // --no-verify-ssl

	ConsoleEndpoint string // --console-endpoint

	QuickSyncEndpoint string // --quicksync-endpoint
}

// Options are Resolve's inputs.
type Options struct {
	// Dir is the settings directory; "" means DefaultDir(Getenv).
	Dir string
	// Flags are the command line's root flags.
	Flags Flags
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Values of Setting.Source, from the highest precedence to the lowest.
const (
	SourceFlag            = "flag"
	SourceEnv             = "env"
	SourceConfigFile      = "config-file"
	SourceCredentialsFile = "credentials-file"
	SourceBuiltin         = "builtin"
	SourceDefault         = "default"
	SourceUnset           = "unset" // no source set it and it has no default
)

// Setting is one resolved setting and where it came from.
type Setting struct {
	// Key is the setting's name ("region"), or "profile" for the profile.
	Key string
	// Value is the value, masked with Mask for secret keys.
	Value string
	// Source is one of the Source* constants.
	Source string
	// Location is the flag ("--region"), the variable ("QCLI_REGION") or
	// the file's path; empty for builtin, default and unset.
	Location string
}

// Resolved is the outcome of Resolve.
type Resolved struct {
	// Profile is the profile in effect.
	Profile string
	// Dir is the settings directory that was read.
	Dir string
	// Settings lists the profile and then every key in the order of Keys.
	Settings []Setting
	// Client is ready for client.New. Its Endpoint is empty when Embedded.
	Client client.Config
	// Output is the output format: text, json or table.
	Output string
	// Embedded is true when the profile is LocalProfile and no endpoint
	// was set anywhere: the caller should start the in-process emulator
	// and set Client.Endpoint to its address.
	Embedded bool
	// Console is what the management console client needs beyond the
	// transport settings in Client.
	Console Console
	// QuickSync is what the QuickSync client needs beyond the transport
	// settings in Client.
	QuickSync QuickSync
	// Warnings are problems that did not stop resolution, one line each
	// (Files.Warnings); the caller should show them.
	Warnings []string
}

// Console holds the management console's settings; "" means not set.
type Console struct {
	Endpoint string // console_endpoint
	APIKey   string // console_api_key
}

// QuickSync holds the QuickSync settings; "" and the zero time mean not set.
type QuickSync struct {
	Endpoint    string    // quicksync_endpoint
	Token       string    // quicksync_token
	SessionID   string    // quicksync_session
	TokenExpiry time.Time // quicksync_token_expiry
}

// Lookup returns the setting for key ("profile" included).
func (r *Resolved) Lookup(key string) (Setting, bool) {
	for _, s := range r.Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Resolve reads the files and merges them with the environment and flags in
// the order described in the package documentation. Any value that cannot
// work is an error naming the setting, where it came from and the fix.
// Missing credentials are not an error here; see RequireCredentials.
func Resolve(o Options) (*Resolved, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := o.Dir
	if dir == "" {
		var err error
		if dir, err = DefaultDir(getenv); err != nil {
			return nil, err
		}
	}
	files, err := LoadFiles(dir)
	if err != nil {
		return nil, err
	}
	prof, err := pickProfile(o.Flags.Profile, getenv, files)
	if err != nil {
		return nil, err
	}
	r := &Resolved{Profile: prof.Value, Dir: dir, Settings: []Setting{prof}, Warnings: files.Warnings()}
	if err := r.resolveKeys(chain(o.Flags, getenv, files, prof.Value)); err != nil {
		return nil, err
	}
	endpoint, _ := r.Lookup(keyEndpoint)
	r.Embedded = r.Profile == LocalProfile && endpoint.Source == SourceBuiltin
	return r, nil
}

// resolveKeys fills r from the sources. The key pair's settings come from
// the one source credentialSource picks; the rest (console_api_key too)
// from the first source that sets them.
func (r *Resolved) resolveKeys(srcs []source) error {
	credSrc, err := credentialSource(srcs, r.Profile)
	if err != nil {
		return err
	}
	for _, k := range keyTable {
		var s Setting
		var src *source
		var ok bool
		if k.File != CredentialsFile || k.standalone {
			s, src, ok = first(srcs, k)
		} else if src = credSrc; src != nil {
			s, ok = src.lookup(k)
		}
		if err := r.add(k, s, src, ok); err != nil {
			return err
		}
	}
	return nil
}

// first returns the highest source that sets k.
func first(srcs []source, k Key) (Setting, *source, bool) {
	for i := range srcs {
		if s, ok := srcs[i].lookup(k); ok {
			return s, &srcs[i], true
		}
	}
	return Setting{}, nil, false
}

// add applies one setting to r and records it, masked if secret.
func (r *Resolved) add(k Key, s Setting, src *source, ok bool) error {
	if !ok {
		s = Setting{Source: SourceUnset}
	}
	s.Key = k.Name
	// An empty built-in value (local's endpoint) means "deliberately none".
	if s.Value != "" {
		if err := k.apply(r, s.Value); err != nil {
			return fmt.Errorf("%s: %w", src.where(k), err)
		}
	}
	// The key id is masked too, as aws configure list does: it names the
	// account in shared logs and screenshots.
	if k.Secret || k.Name == keyAccessKeyID {
		s.Value = Mask(s.Value)
	}
	r.Settings = append(r.Settings, s)
	return nil
}

// RequireCredentials reports, in one line with the fix, that no source
// supplied credentials. Commands that sign requests call it; commands such
// as `qcli configure list` do not.
func (r *Resolved) RequireCredentials() error {
	if r.Client.Credentials.AccessKeyID != "" {
		return nil
	}
	return &Error{Kind: ErrNoCredentials, Profile: r.Profile, FileFix: true,
		Problem: fmt.Sprintf("no credentials for profile %q", r.Profile),
		Fix:     fmt.Sprintf("set %s and %s in its profile, or set QCLI_ACCESS_KEY_ID and QCLI_SECRET_ACCESS_KEY", keyAccessKeyID, keySecret)}
}
