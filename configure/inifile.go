package configure

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"gopkg.in/ini.v1"
)

// iniFile is one settings file as parsed by ini.v1, which keeps sections,
// keys and comments in order so a rewrite leaves the rest of the file alone.
type iniFile struct {
	kind  FileKind
	path  string
	data  *ini.File
	dirty bool // changed since loading; Save writes only dirty files
	// trailer holds the comment lines after the last setting. ini.v1
	// attaches comments to the section or key that follows them, so
	// these would otherwise be lost on the first rewrite.
	trailer string
	// warning is a problem found reading the file that does not stop
	// qcli (see Files.Warnings); "" when there is none.
	warning string
}

// loadOptions match how the AWS CLI reads its files.
func loadOptions() ini.LoadOptions {
	return ini.LoadOptions{
		// Secrets may contain # and ;, so nothing after "=" is a comment.
		IgnoreInlineComment: true,
		// AWS files have no "\" continuations: a value ending in "\" must
		// stay as it is instead of swallowing the next line.
		IgnoreContinuation: true,
	}
}

// readINI parses path; a missing file is an empty one.
func readINI(kind FileKind, path string) (*iniFile, error) {
	f := &iniFile{kind: kind, path: path}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		f.data = ini.Empty(loadOptions())
		return f, nil
	}
	if err != nil {
		return nil, readError(path, err)
	}
	if f.data, err = ini.LoadSources(loadOptions(), raw); err != nil {
		return nil, parseError(kind, path, raw, err)
	}
	f.trailer = trailingComments(raw)
	f.warning = permissionWarning(kind, path)
	return f, nil
}

// trailingComments returns the comment lines that follow the last
// non-comment line of raw, in order.
func trailingComments(raw []byte) string {
	lines := strings.Split(string(raw), "\n")
	start := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && l[0] != '#' && l[0] != ';' {
			break
		}
		start = i
	}
	var kept []string
	for _, l := range lines[start:] {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// profileOf returns the profile a section belongs to. The config file
// names profiles [profile NAME] (and [default]); the credentials file [NAME].
// Other config sections, and ini.v1's section for keys above the first
// header, belong to no profile.
func (f *iniFile) profileOf(section string) (string, bool) {
	if section == ini.DefaultSection {
		return "", false
	}
	name := strings.TrimSpace(section)
	if f.kind == ConfigFile && name != DefaultProfile {
		rest, ok := strings.CutPrefix(name, "profile ")
		if !ok {
			return "", false
		}
		name = strings.TrimSpace(rest)
	}
	return name, name != ""
}

// sections returns the profile's sections in file order; when there are
// several (config's [default] and [profile default]) the first wins.
func (f *iniFile) sections(profile string) []*ini.Section {
	var out []*ini.Section
	for _, s := range f.data.Sections() {
		if p, ok := f.profileOf(s.Name()); ok && p == profile {
			out = append(out, s)
		}
	}
	return out
}

// sectionName is the header a new section for profile gets.
func (f *iniFile) sectionName(profile string) string {
	if f.kind == ConfigFile && profile != DefaultProfile {
		return "profile " + profile
	}
	return profile
}

// profiles lists the profiles with a section in the file, in file order.
func (f *iniFile) profiles() []string {
	var out []string
	for _, s := range f.data.Sections() {
		if p, ok := f.profileOf(s.Name()); ok {
			out = append(out, p)
		}
	}
	return out
}

// get returns the first non-empty value under any of names. An empty
// value counts as unset, as an empty environment variable does. Only the
// section's own keys are read: ini.v1's GetKey would also search "parent"
// sections, so [profile a.b] would inherit from [profile a].
func (f *iniFile) get(profile string, names []string) (string, bool) {
	for _, s := range f.sections(profile) {
		own := s.KeysHash()
		for _, n := range names {
			if v := own[n]; v != "" {
				return v, true
			}
		}
	}
	return "", false
}

// set stores value in the profile's first section, creating it if needed.
// The name already used there is kept, so an aws_-prefixed key copied from
// AWS is updated in place rather than shadowed.
func (f *iniFile) set(profile string, names []string, value string) error {
	secs := f.sections(profile)
	if len(secs) == 0 {
		s, err := f.data.NewSection(f.sectionName(profile))
		if err != nil {
			return err
		}
		secs = append(secs, s)
	}
	name := names[0]
	own := secs[0].KeysHash()
	for _, n := range names {
		if _, ok := own[n]; ok {
			name = n
			break
		}
	}
	_, err := secs[0].NewKey(name, value)
	f.dirty = true
	return err
}

// unset removes every name from every section of the profile, so no
// later section or alias shows through.
func (f *iniFile) unset(profile string, names []string) {
	for _, s := range f.sections(profile) {
		for _, n := range names {
			s.DeleteKey(n)
		}
	}
	f.dirty = true
}

// dump returns every profile's settings as get would see them; the fuzz
// test compares dumps before and after a save.
func (f *iniFile) dump() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, s := range f.data.Sections() {
		p, ok := f.profileOf(s.Name())
		if !ok {
			continue
		}
		if out[p] == nil {
			out[p] = map[string]string{}
		}
		for _, k := range s.Keys() {
			if _, seen := out[p][k.Name()]; !seen && k.Value() != "" {
				out[p][k.Name()] = k.Value()
			}
		}
	}
	return out
}
