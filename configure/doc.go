// Package configure turns qcli's profiles, its two settings files, the
// environment and the command line's flags into a resolved client.Config,
// and remembers where every value came from so `qcli configure list` can
// show it.
//
// # Files
//
// Settings live in two AWS-style INI files in one directory, $QCLI_CONFIG_DIR
// or else ~/.qcli (see DefaultDir):
//
//	config       [default] and [profile NAME] sections: region, endpoint_url, output, ...
//	credentials  [default] and [NAME] sections: access_key_id, secret_access_key, ...
//
// Secrets go to credentials, which is written with mode 0600. A section copied
// from ~/.aws/credentials works as is: aws_access_key_id, aws_secret_access_key
// and aws_session_token are read as aliases. Keys lists every setting.
//
// # Resolution order
//
// Resolve takes each setting from the first of these that has it:
//
//  1. flags: --endpoint-url, --region, --output, --no-verify-ssl
//  2. QCLI_* environment variables: QCLI_ACCESS_KEY_ID, QCLI_SECRET_ACCESS_KEY,
//     QCLI_SESSION_TOKEN, QCLI_ACCOUNT_ID, QCLI_ENDPOINT_URL, QCLI_REGION, QCLI_OUTPUT
//  3. AWS_* environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
//     AWS_SESSION_TOKEN, AWS_ENDPOINT_URL, AWS_REGION, else AWS_DEFAULT_REGION
//     (which many CI systems set alone; AWS_PROFILE is not read, and neither
//     is ~/.aws: an AWS profile is never a QStorage profile)
//  4. the profile's sections in the config and credentials files
//  5. the built-in profile, when the profile is LocalProfile
//  6. the defaults: client.DefaultEndpoint, client.DefaultRegion, output text, ...
//
// An empty environment variable or flag counts as unset.
//
// The profile is --profile, else QCLI_PROFILE, else DefaultProfile. A profile
// named explicitly must exist in one of the files or be built in; the
// implicit default profile may be missing, so environment-only setups (CI)
// need no files at all.
//
// Credentials resolve as a unit: the first source above that holds an access
// key id or a secret supplies the key id, the secret, the session token and
// the account id together. Mixing a key from one place with a secret from
// another could only produce SignatureDoesNotMatch, so a source holding half
// a pair is an error naming what is missing.
//
// The built-in profile LocalProfile points newcomers at the in-process
// emulator: fixed credentials (LocalAccessKeyID, LocalSecretAccessKey), region
// client.DefaultRegion and no endpoint. Any rung above can override it. When
// no endpoint was set anywhere, Resolved.Embedded is true and the caller is
// expected to start the emulator and fill in Client.Endpoint itself.
package configure
