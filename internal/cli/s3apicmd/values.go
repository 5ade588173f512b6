package s3apicmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file moves values between the AWS CLI's forms (flags, JSON,
// shorthand, file:// references) and the SDK's input and output structs,
// whose exported fields are the API's members under the API's names.

var (
	timeType   = reflect.TypeFor[time.Time]()
	readerType = reflect.TypeFor[io.Reader]()
)

// members lists a struct type's API members: its exported fields, less
// the SDK's own bookkeeping (ResultMetadata).
func members(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && f.Name != "ResultMetadata" {
			out = append(out, f)
		}
	}
	return out
}

func memberNames(t reflect.Type) string {
	var names []string
	for _, f := range members(t) {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// assign sets v from data, a value decoded from JSON (numbers as
// json.Number) or from shorthand. Shorthand holds only strings, which
// become numbers and booleans where the member is one, and a single value
// where a list is wanted becomes a list of one, as in the AWS CLI. path
// names the member for errors ("Rules[0].Status").
func assign(v reflect.Value, data any, path string, shorthand bool) error {
	if ref, ok := data.(fileRef); ok {
		s, err := readParamFile(string(ref))
		if err != nil {
			return pathError(path, err.Error())
		}
		data = s
	}
	t := v.Type()
	if data == nil {
		return nil // JSON null: the member stays unset
	}
	switch {
	case t == timeType:
		ts, err := timestampOf(data)
		if err != nil {
			return pathError(path, err.Error())
		}
		v.Set(reflect.ValueOf(ts))
		return nil
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := assign(p.Elem(), data, path, shorthand); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return assignStruct(v, data, path, shorthand)
	case reflect.Slice:
		return assignSlice(v, data, path, shorthand)
	case reflect.Map:
		m, ok := data.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return pathError(path, "want an object of names and values, e.g. {\"name\":\"value\"}")
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			elem := reflect.New(t.Elem()).Elem()
			if err := assign(elem, m[k], join(path, k), shorthand); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), elem)
		}
		v.Set(out)
		return nil
	}
	return assignScalar(v, data, path, shorthand)
}

func assignStruct(v reflect.Value, data any, path string, shorthand bool) error {
	t := v.Type()
	m, ok := data.(map[string]any)
	if !ok {
		return pathError(path, "want an object with the members "+memberNames(t))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f, ok := t.FieldByName(k)
		if !ok || !f.IsExported() || f.Name == "ResultMetadata" {
			return pathError(join(path, k), "is not a member of "+t.Name()+"; its members are "+memberNames(t))
		}
		if err := assign(v.FieldByIndex(f.Index), m[k], join(path, k), shorthand); err != nil {
			return err
		}
	}
	return nil
}

func assignSlice(v reflect.Value, data any, path string, shorthand bool) error {
	t := v.Type()
	if t.Elem().Kind() == reflect.Uint8 { // a blob
		s, ok := data.(string)
		if !ok {
			return pathError(path, "want a string")
		}
		v.SetBytes([]byte(s))
		return nil
	}
	list, ok := data.([]any)
	if !ok && shorthand {
		list = []any{data}
	} else if !ok {
		return pathError(path, "want a list, e.g. [...]")
	}
	out := reflect.MakeSlice(t, len(list), len(list))
	for i, item := range list {
		if err := assign(out.Index(i), item, fmt.Sprintf("%s[%d]", path, i), shorthand); err != nil {
			return err
		}
	}
	v.Set(out)
	return nil
}

func assignScalar(v reflect.Value, data any, path string, shorthand bool) error {
	t := v.Type()
	s, isString := data.(string)
	switch t.Kind() {
	case reflect.String:
		if !isString {
			return pathError(path, "want a string")
		}
		v.SetString(s)
		return nil
	case reflect.Bool:
		switch {
		case !isString:
			b, ok := data.(bool)
			if !ok {
				return pathError(path, "want true or false")
			}
			v.SetBool(b)
		case shorthand && strings.EqualFold(s, "true"):
			v.SetBool(true)
		case shorthand && strings.EqualFold(s, "false"):
			v.SetBool(false)
		default:
			return pathError(path, "want true or false")
		}
		return nil
	case reflect.Int32, reflect.Int64:
		num, ok := data.(json.Number)
		if isString && shorthand {
			num, ok = json.Number(s), true
		}
		n, err := strconv.ParseInt(string(num), 10, t.Bits())
		if !ok || err != nil {
			return pathError(path, fmt.Sprintf("want an integer, got %s", describe(data)))
		}
		v.SetInt(n)
		return nil
	}
	return pathError(path, "is a "+t.String()+", which qcli cannot set from the command line")
}

func describe(data any) string {
	if s, ok := data.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(data)
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// memberError is a value that does not fit its member.
type memberError struct {
	path, problem string
}

func (e *memberError) Error() string {
	if e.path == "" {
		return e.problem
	}
	return e.path + ": " + e.problem
}

func pathError(path, problem string) error { return &memberError{path: path, problem: problem} }

// timestampOf reads a timestamp as the AWS CLI takes one: ISO 8601
// (a date, a date and time in UTC, or with a zone) or seconds since the
// epoch.
func timestampOf(data any) (time.Time, error) {
	s := fmt.Sprint(data)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700",
		"2006-01-02 15:04:05", "2006-01-02", time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp: use ISO 8601 (2030-01-01T00:00:00Z) or seconds since 1970", s)
}

// formatTimestamp prints a timestamp as the AWS CLI v2 does (its default
// cli_timestamp_format, iso8601: Python's isoformat of a UTC time).
func formatTimestamp(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "+00:00"
}

// render turns an SDK output value into what the AWS CLI prints for it,
// ready for encoding/json; ok is false for an absent member, which the
// AWS CLI leaves out. A streamed body is not rendered (get-object writes
// it to its outfile).
func render(v reflect.Value) (out any, ok bool) {
	if !v.IsValid() {
		return nil, false
	}
	t := v.Type()
	switch {
	case t == timeType:
		return formatTimestamp(v.Interface().(time.Time)), true
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			return nil, false
		}
		return render(v.Elem())
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil, false // a body, or nothing
	case reflect.Struct:
		m := map[string]any{}
		for _, f := range members(t) {
			if r, ok := render(v.FieldByIndex(f.Index)); ok {
				m[f.Name] = r
			}
		}
		return m, true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		list := make([]any, v.Len())
		for i := range v.Len() {
			list[i], _ = render(v.Index(i))
		}
		return list, true
	case reflect.Map:
		// Always present: botocore parses a header map (Metadata) into {}
		// when no header matches.
		m := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			m[iter.Key().String()], _ = render(iter.Value())
		}
		return m, true
	case reflect.String:
		return v.String(), v.String() != "" // an enum; "" is unset
	}
	return v.Interface(), true
}

// readParamFile reads a file:// (text) or fileb:// (bytes) reference, as
// the AWS CLI does for any parameter value.
func readParamFile(ref string) (string, error) {
	path, ok := strings.CutPrefix(ref, "file://")
	if !ok {
		path, ok = strings.CutPrefix(ref, "fileb://")
	}
	if !ok {
		return ref, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %v", path, unwrapPathError(err))
	}
	return string(data), nil
}

// unwrapPathError drops the path os errors repeat ("open x: no such file").
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
