// Package output is the one printer every command writes through. Commands
// hand it data; it knows the three formats: text (the AWS CLI's plain
// columns, stable for scripts), table (tablewriter, for people) and json.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	tw2 "github.com/olekukonko/tablewriter/tw"
)

// Format is an output format.
type Format string

// The formats --output accepts.
const (
	Text  Format = "text"
	JSON  Format = "json"
	Table Format = "table"
)

// ParseFormat accepts text, json or table.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON, Table:
		return f, nil
	}
	return "", fmt.Errorf("invalid --output %q: use text, json or table", s)
}

// TimeFormat is the one form of a timestamp in JSON output: RFC 3339 in
// UTC with milliseconds, always 24 characters, so timestamps sort as
// strings.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Time is a timestamp that JSON output writes in TimeFormat. Tag it
// `json:",omitzero"` where it may be unknown.
type Time time.Time

// MarshalJSON writes t in TimeFormat.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(TimeFormat) + `"`), nil
}

// IsZero reports whether t is unset, for omitzero.
func (t Time) IsZero() bool { return time.Time(t).IsZero() }

// Printer writes command results to one stream in one format.
type Printer struct {
	Format Format
	w      io.Writer
}

// New returns a printer writing to w.
func New(w io.Writer, f Format) *Printer { return &Printer{Format: f, w: w} }

// Writer is the stream the printer writes to, for text a command lays out itself.
func (p *Printer) Writer() io.Writer { return p.w }

// Line writes one line of text. Every string (of any string type) or error
// among args is printed through Name, so a key or path can never write
// control sequences to the terminal; give each name its own argument,
// whole (a URL, not its bucket and key glued by the format).
func (p *Printer) Line(format string, args ...any) error {
	_, err := fmt.Fprintf(p.w, format+"\n", escapeArgs(args)...)
	return err
}

func escapeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = Name(v)
		case error:
			out[i] = Name(v.Error())
		default:
			if rv := reflect.ValueOf(a); rv.Kind() == reflect.String {
				out[i] = Name(rv.String())
			} else {
				out[i] = a
			}
		}
	}
	return out
}

// JSON writes v as one line of JSON. Streaming commands (ls, cp) write one
// value per line so a listing of millions never sits in memory; the schema
// of each is documented with the command. Strings stay exact: JSON's own
// escapes carry control characters (see safeJSON).
func (p *Printer) JSON(v any) error {
	return p.encode(v, "")
}

// JSONIndented writes v as indented JSON, for single results.
func (p *Printer) JSONIndented(v any) error {
	return p.encode(v, "  ")
}

func (p *Printer) encode(v any, indent string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := p.w.Write(safeJSON(buf.Bytes()))
	return err
}

// TableWriter collects rows and draws them as a table. Rows are drawn in
// batches of tableBatch, one table per batch, so a listing of millions of
// keys in table format still runs in bounded memory; tablewriter's own
// streaming mode sizes columns from the header alone and truncates cells.
type TableWriter struct {
	w       io.Writer
	headers []string
	rows    [][]string
}

const tableBatch = 1000

// Table starts a table with the given column headers.
func (p *Printer) Table(headers ...string) *TableWriter {
	return &TableWriter{w: p.w, headers: headers}
}

// Row appends one row; each cell is printed through Name.
func (tw *TableWriter) Row(cells ...string) error {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Name(c)
	}
	tw.rows = append(tw.rows, row)
	if len(tw.rows) >= tableBatch {
		return tw.flush()
	}
	return nil
}

// Close draws the rows not drawn yet. A table with no rows prints nothing.
func (tw *TableWriter) Close() error { return tw.flush() }

func (tw *TableWriter) flush() error {
	if len(tw.rows) == 0 {
		return nil
	}
	t := tablewriter.NewTable(tw.w, tablewriter.WithHeaderAutoFormat(tw2.Off))
	t.Header(tw.headers)
	if err := t.Bulk(tw.rows); err != nil {
		return err
	}
	tw.rows = tw.rows[:0]
	return t.Render()
}
