package configure

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Files is the parsed pair of settings files in one directory. It is not
// safe for concurrent use.
type Files struct {
	dir         string
	config      *iniFile
	credentials *iniFile
}

// LoadFiles reads <dir>/config and <dir>/credentials. A missing file or
// directory reads as empty, so a fresh install needs none; a file that
// cannot be read or parsed is an error naming the file, the line when known,
// and the fix.
func LoadFiles(dir string) (*Files, error) {
	cfg, err := readINI(ConfigFile, filepath.Join(dir, ConfigFile.String()))
	if err != nil {
		return nil, err
	}
	creds, err := readINI(CredentialsFile, filepath.Join(dir, CredentialsFile.String()))
	if err != nil {
		return nil, err
	}
	return &Files{dir: dir, config: cfg, credentials: creds}, nil
}

// Dir returns the directory the files live in.
func (f *Files) Dir() string { return f.dir }

// Path returns the path of one of the two files.
func (f *Files) Path(kind FileKind) string { return f.file(kind).path }

func (f *Files) file(kind FileKind) *iniFile {
	if kind == CredentialsFile {
		return f.credentials
	}
	return f.config
}

// Profiles returns the sorted names of the profiles with a section in
// either file.
func (f *Files) Profiles() []string {
	all := append(f.config.profiles(), f.credentials.profiles()...)
	slices.Sort(all)
	return slices.Compact(all)
}

// HasProfile reports whether either file has a section for profile.
func (f *Files) HasProfile(profile string) bool {
	return slices.Contains(f.Profiles(), profile)
}

// Get returns a setting of profile as written in its file, and that file's
// path. key may be a setting's name or alias (see LookupKey); an empty
// value counts as unset. Nothing is validated: Resolve does that.
func (f *Files) Get(profile, key string) (value, path string, ok bool) {
	k, known := LookupKey(key)
	if !known {
		return "", "", false
	}
	file := f.file(k.File)
	v, ok := file.get(profile, k.names())
	if !ok {
		return "", "", false
	}
	return v, file.path, true
}

// Set validates value and stores it in profile's section of the file the
// key belongs to (secrets go to credentials), creating the section if
// needed. An empty value removes the setting. Nothing is written until Save.
func (f *Files) Set(profile, key, value string) error {
	k, ok := LookupKey(key)
	if !ok {
		return fmt.Errorf("unknown setting %q; use one of: %s", key, strings.Join(keyNames(), ", "))
	}
	if !f.HasProfile(profile) {
		if err := ValidateProfileName(profile); err != nil {
			return err
		}
	}
	file := f.file(k.File)
	if value == "" {
		file.unset(profile, k.names())
		return nil
	}
	if err := k.Validate(value); err != nil {
		return err
	}
	return file.set(profile, k.names(), value)
}

func keyNames() []string {
	var names []string
	for _, k := range keyTable {
		names = append(names, k.Name)
	}
	return names
}

// ValidateProfileName checks a name for a new profile. Existing sections
// with other names are still read; this keeps new ones simple enough to be
// typed in a shell and written in a section header.
func ValidateProfileName(name string) error {
	ok := name != "" && strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@+", r))
	}) < 0
	if !ok {
		return fmt.Errorf("invalid profile name %q: use letters, digits and - _ . @ +", name)
	}
	return nil
}
