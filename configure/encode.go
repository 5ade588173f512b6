package configure

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"

	"gopkg.in/ini.v1"
)

// encode renders the file as it will be saved. ini.v1 cannot write every
// value it can read (a value of """ is read back as the start of a
// multi-line value), so the output is parsed again and must hold exactly
// what f holds; otherwise the file is left alone.
func (f *iniFile) encode() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := f.data.WriteTo(&buf); err != nil {
		return nil, err
	}
	if f.trailer != "" {
		if buf.Len() > 0 {
			buf.WriteString("\n")
		}
		buf.WriteString(f.trailer + "\n")
	}
	back, err := ini.LoadSources(loadOptions(), buf.Bytes())
	if err != nil || !sameContent(f.data, back) {
		return nil, fmt.Errorf("%w: %s", errNoRoundTrip, lossyKey(f.data))
	}
	return buf.Bytes(), nil
}

// errNoRoundTrip: the file holds something ini.v1 would not write back
// unchanged. The caller adds the file and the fix.
var errNoRoundTrip = errors.New("a value would not read back unchanged")

// sameContent reports whether a and b hold the same sections and values.
func sameContent(a, b *ini.File) bool {
	if !slices.Equal(a.SectionStrings(), b.SectionStrings()) {
		return false
	}
	for _, sa := range a.Sections() {
		if !maps.Equal(sa.KeysHash(), b.Section(sa.Name()).KeysHash()) {
			return false
		}
	}
	return true
}

// lossyKey names the first key (never its value, which may be secret) that
// does not survive being written and read back on its own.
func lossyKey(f *ini.File) string {
	for _, s := range f.Sections() {
		for _, k := range s.Keys() {
			one := ini.Empty(loadOptions())
			sec, _ := one.NewSection(s.Name())
			if _, err := sec.NewKey(k.Name(), k.Value()); err != nil {
				return fmt.Sprintf("%s in [%s]", k.Name(), s.Name())
			}
			var buf bytes.Buffer
			one.WriteTo(&buf)
			back, err := ini.LoadSources(loadOptions(), buf.Bytes())
			if err != nil || !sameContent(one, back) {
				return fmt.Sprintf("%s in [%s]", k.Name(), s.Name())
			}
		}
	}
	return "a section or key name"
}
