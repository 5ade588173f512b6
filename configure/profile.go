package configure

import (
	"fmt"

	"gopkg.in/ini.v1"
)

// ProfileEnv names the environment variable that selects a profile.
const ProfileEnv = "QCLI_PROFILE"

// pickProfile applies --profile > QCLI_PROFILE > DefaultProfile. A profile
// asked for by name must exist, since a typo would otherwise run with the
// defaults; the implicit default may be missing (environment-only CI).
func pickProfile(flag string, getenv func(string) string, files *Files) (Setting, error) {
	s := Setting{Key: "profile", Value: DefaultProfile, Source: SourceDefault}
	switch {
	case flag != "":
		s = Setting{Key: "profile", Value: flag, Source: SourceFlag, Location: "--profile"}
	case getenv(ProfileEnv) != "":
		s = Setting{Key: "profile", Value: getenv(ProfileEnv), Source: SourceEnv, Location: ProfileEnv}
	}
	if s.Source == SourceDefault || files.HasProfile(s.Value) || builtinProfiles[s.Value] != nil {
		return s, nil
	}
	e := &Error{Kind: ErrProfileNotFound, Profile: s.Value, FileFix: true,
		Problem: fmt.Sprintf("profile %q (from %s) not found in %s or %s", s.Value, s.Location, files.Path(ConfigFile), files.Path(CredentialsFile)),
		Fix:     fmt.Sprintf("add a [%s] section to %s", files.config.sectionName(s.Value), files.Path(ConfigFile))}
	if s.Value != ini.DefaultSection && files.config.data.HasSection(s.Value) {
		// The most common slip when copying from credentials to config.
		e.Fix = fmt.Sprintf("rename [%s] in %s to [profile %s]", s.Value, files.Path(ConfigFile), s.Value)
	}
	return s, e
}
