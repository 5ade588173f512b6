package configure

import "github.com/quilibrium/qcli/client"

// Profile names with a meaning of their own.
const (
	// DefaultProfile is used when neither --profile nor QCLI_PROFILE names one.
	DefaultProfile = "default"
	// LocalProfile is built in: it talks to the in-process emulator with
	// the Local* credentials below, so newcomers need no account.
	LocalProfile = "local"
)

// The built-in credentials of LocalProfile. `qcli server` accepts them by
// default, so the two work together without configuration. They are public
// and protect nothing.
const (
	LocalAccessKeyID     = "local-access-key"
	LocalSecretAccessKey = "local-secret-key"
	LocalRegion          = client.DefaultRegion
)

// builtinProfiles hold settings below the files and above the defaults.
// An empty endpoint_url is deliberate: it stops the default endpoint from
// applying, so the local credentials are never sent to the real service,
// and it is how Resolve recognises the embedded emulator.
var builtinProfiles = map[string]map[string]string{
	LocalProfile: {
		keyAccessKeyID: LocalAccessKeyID,
		keySecret:      LocalSecretAccessKey,
		"region":       LocalRegion,
		keyEndpoint:    "",
	},
}
