package s3apicmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// paramKind is how a member is written on the command line.
type paramKind int

const (
	scalarParam  paramKind = iota // a string, an enum, a number, a timestamp
	boolParam                     // --x / --no-x
	streamParam                   // a file whose bytes are the body
	listParam                     // scalars: repeated, comma-separated, or JSON
	complexParam                  // a structure, a map, a list of structures: JSON or shorthand
)

// paramSpec is what a member's flag is: worked out once per input type
// (specsOf), since every qcli process, and every line of a qcli run
// batch, builds every command.
type paramSpec struct {
	field   reflect.StructField
	flag    string // the AWS CLI's name, without the dashes
	kind    paramKind
	cliType string   // the AWS CLI's type word: string, integer, long, boolean, timestamp, blob, list, map, structure
	enums   []string // an enum's values (of a list's elements, for a list)
	usage   string
}

// param is one input member bound to its flag(s) in one command.
type param struct {
	*paramSpec
	raw     rawFlag // the values given, unparsed
	on, off bool    // a boolean's --x and --no-x
}

// rawFlag keeps a flag's values as typed, to be read into the member once
// every flag is parsed (so errors name the flag and the fix, and a list
// flag can be repeated).
type rawFlag struct {
	values  []string
	typName string
}

func (r *rawFlag) String() string     { return strings.Join(r.values, " ") }
func (r *rawFlag) Set(s string) error { r.values = append(r.values, s); return nil }
func (r *rawFlag) Type() string       { return r.typName }

// newParamSpec classifies a member of an input struct.
func newParamSpec(f reflect.StructField) *paramSpec {
	p := &paramSpec{field: f, flag: flagName(f.Name), enums: enumValues(f.Type)}
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case f.Type == readerType:
		p.kind, p.cliType = streamParam, "blob"
	case t == timeType:
		p.kind, p.cliType = scalarParam, "timestamp"
	case t.Kind() == reflect.Bool:
		p.kind, p.cliType = boolParam, "boolean"
	case t.Kind() == reflect.Int32:
		p.kind, p.cliType = scalarParam, "integer"
	case t.Kind() == reflect.Int64:
		p.kind, p.cliType = scalarParam, "long"
	case t.Kind() == reflect.String:
		p.kind, p.cliType = scalarParam, "string"
	case t.Kind() == reflect.Slice && isScalar(t.Elem()):
		p.kind, p.cliType = listParam, "list"
	case t.Kind() == reflect.Slice:
		p.kind, p.cliType = complexParam, "list"
	case t.Kind() == reflect.Map:
		p.kind, p.cliType = complexParam, "map"
	default:
		p.kind, p.cliType = complexParam, "structure"
	}
	p.usage = p.describe()
	return p
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Int32, reflect.Int64, reflect.Bool:
		return true
	}
	return false
}

// enumValues lists the values of an SDK enum type (its Values method), or
// of the elements of a list of them.
func enumValues(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	m, ok := t.MethodByName("Values")
	if !ok || t.Kind() != reflect.String || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 {
		return nil
	}
	vals := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	out := make([]string, vals.Len())
	for i := range vals.Len() {
		out[i] = vals.Index(i).String()
	}
	return out
}

// addFlags registers the param's flag(s) on cmd; help marks a required one.
func (p *param) addFlags(cmd *cobra.Command, required bool) {
	fs := cmd.Flags()
	if p.kind == boolParam {
		fs.BoolVar(&p.on, p.flag, false, "set "+p.field.Name+" to true")
		fs.BoolVar(&p.off, "no-"+p.flag, false, "set "+p.field.Name+" to false")
		return
	}
	usage := p.usage
	if required {
		usage = "(required) " + usage
	}
	fs.Var(&p.raw, p.flag, usage)
	if len(p.enums) > 0 {
		_ = cmd.RegisterFlagCompletionFunc(p.flag, cobra.FixedCompletions(p.enums, cobra.ShellCompDirectiveNoFileComp))
	} else if p.kind != streamParam && p.cliType != "structure" {
		_ = cmd.RegisterFlagCompletionFunc(p.flag, cobra.NoFileCompletions)
	}
}

// describe is the flag's help text.
func (p *paramSpec) describe() string {
	name := p.field.Name
	switch p.kind {
	case streamParam:
		return name + ": the path of the file to send (or fileb://PATH)"
	case listParam:
		s := name + ": values separated by commas, the flag repeated, or a JSON list"
		if len(p.enums) > 0 {
			s += "; of " + strings.Join(p.enums, ", ")
		}
		return s
	case complexParam:
		t := p.field.Type
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		s := name + ": JSON, shorthand (Name=Value,...) or file://PATH"
		if t.Kind() == reflect.Struct {
			s += "; members " + memberNames(t)
		}
		return s
	}
	if p.cliType == "timestamp" {
		return name + ": ISO 8601 (2030-01-01T00:00:00Z) or seconds since 1970"
	}
	if len(p.enums) > 0 {
		return name + ": one of " + strings.Join(p.enums, ", ")
	}
	return name
}

// given reports whether the flag was on the command line.
func (p *param) given() bool {
	if p.kind == boolParam {
		return p.on || p.off
	}
	return len(p.raw.values) > 0
}

// apply reads the flag's value into the member of in (a struct value).
// Errors are usage errors naming the flag.
func (p *param) apply(in reflect.Value) error {
	field := in.FieldByIndex(p.field.Index)
	bad := func(err error, fix string) error {
		msg := fmt.Sprintf("--%s: %v", p.flag, err)
		if fix != "" {
			msg += "; " + fix
		}
		return cmdutil.Usagef("%s", msg)
	}
	if p.kind == boolParam {
		if p.on && p.off {
			return bad(fmt.Errorf("given with --no-%s", p.flag), "give one of them")
		}
		field.Set(reflect.ValueOf(&p.on))
		return nil
	}
	vals := p.raw.values
	if len(vals) > 1 && p.kind != listParam {
		return bad(fmt.Errorf("given %d times", len(vals)), "give it once")
	}
	if p.kind == streamParam {
		return nil // opened by the command (openBody), which owns the file
	}
	var data any
	var err error
	switch p.kind {
	case listParam:
		data, err = p.listData(vals)
	case complexParam:
		data, err = p.complexData(vals[0])
	default:
		data, err = p.scalarData(vals[0])
	}
	if err != nil {
		return bad(err, p.fix())
	}
	if err := assign(field, data, "", true); err != nil {
		return bad(err, p.fix())
	}
	return nil
}

// fix says how to write the flag's value, for errors.
func (p *param) fix() string {
	switch p.kind {
	case complexParam:
		return "give " + p.field.Name + " as JSON, shorthand or file://PATH (--generate-cli-skeleton shows its shape)"
	case listParam:
		return "give values separated by commas, or a JSON list"
	}
	if p.cliType == "timestamp" {
		return ""
	}
	if len(p.enums) > 0 {
		return "use one of " + strings.Join(p.enums, ", ")
	}
	return ""
}

// paramFileOff names the members the AWS CLI never reads a file:// value
// for, because the value is itself a URL or path.
var paramFileOff = []string{"WebsiteRedirectLocation"}

func (p *param) scalarData(v string) (any, error) {
	if slices.Contains(paramFileOff, p.field.Name) {
		return v, nil
	}
	return readParamFile(v)
}

func (p *param) listData(vals []string) (any, error) {
	var list []any
	for _, v := range vals {
		v, err := readParamFile(v)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(strings.TrimSpace(v), "[") {
			var items []any
			if err := decodeJSON(v, &items); err != nil {
				return nil, err
			}
			list = append(list, items...)
			continue
		}
		for item := range strings.SplitSeq(v, ",") {
			list = append(list, strings.TrimSpace(item))
		}
	}
	return list, nil
}

// complexData reads JSON, or else the AWS CLI's shorthand, as the AWS
// CLI decides: a value that starts with { or [ is JSON.
func (p *param) complexData(v string) (any, error) {
	v, err := readParamFile(v)
	if err != nil {
		return nil, err
	}
	if trimmed := strings.TrimSpace(v); strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		var data any
		if err := decodeJSON(v, &data); err != nil {
			return nil, err
		}
		return data, nil
	}
	if p.cliType == "list" {
		return nil, fmt.Errorf("%q is not a JSON list", v)
	}
	return parseShorthand(v)
}

// decodeJSON reads exactly one JSON value, numbers as json.Number.
func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not valid JSON: %v", err)
	}
	if dec.More() {
		return fmt.Errorf("not valid JSON: more than one value")
	}
	return nil
}

// specs caches specsOf by input type.
var specs sync.Map // reflect.Type -> []*paramSpec

// specsOf lists the param specs of an input struct type, in field order.
func specsOf(t reflect.Type) []*paramSpec {
	if v, ok := specs.Load(t); ok {
		return v.([]*paramSpec)
	}
	var out []*paramSpec
	for _, f := range members(t) {
		out = append(out, newParamSpec(f))
	}
	specs.Store(t, out)
	return out
}

// inputParams returns fresh params for one command over an input type.
func inputParams(t reflect.Type) []*param {
	var ps []*param
	for _, s := range specsOf(t) {
		ps = append(ps, &param{paramSpec: s, raw: rawFlag{typName: s.cliType}})
	}
	return ps
}

// skeleton is an input's shape with a placeholder in every member, as
// --generate-cli-skeleton prints it for --cli-input-json.
func skeleton(t reflect.Type, depth int) any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "1970-01-01T00:00:00"
	case depth > 8: // recursive shapes end here
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m := map[string]any{}
		for _, f := range members(t) {
			if f.Type.Kind() != reflect.Interface { // a body is a file, not JSON
				m[f.Name] = skeleton(f.Type, depth+1)
			}
		}
		return m
	case reflect.Slice:
		return []any{skeleton(t.Elem(), depth+1)}
	case reflect.Map:
		return map[string]any{"KeyName": skeleton(t.Elem(), depth+1)}
	case reflect.String:
		if vals := enumValues(t); len(vals) > 0 {
			return vals[0]
		}
		return ""
	case reflect.Bool:
		return true
	case reflect.Int32, reflect.Int64:
		return 0
	}
	return nil
}

// encodeJSON renders v as the AWS CLI prints JSON: indented by four
// spaces, non-ASCII as is.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	err := enc.Encode(v)
	return buf.Bytes(), err
}

var _ pflag.Value = (*rawFlag)(nil)
