// Package output is the one printer every command writes through. Commands
// hand it data; it knows the three formats: text (the AWS CLI's plain
// columns, stable for scripts), table (tablewriter, for people) and json.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
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

// Printer writes command results to one stream in one format.
type Printer struct {
	Format Format
	w      io.Writer
}

// New returns a printer writing to w.
func New(w io.Writer, f Format) *Printer { return &Printer{Format: f, w: w} }

// Writer is the stream the printer writes to, for text a command lays out itself.
func (p *Printer) Writer() io.Writer { return p.w }

// Line writes one line of text.
func (p *Printer) Line(format string, args ...any) error {
	_, err := fmt.Fprintf(p.w, format+"\n", args...)
	return err
}

// JSON writes v as one line of JSON. Streaming commands (ls, cp) write one
// value per line so a listing of millions never sits in memory; the schema
// of each is documented with the command.
func (p *Printer) JSON(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// JSONIndented writes v as indented JSON, for single results.
func (p *Printer) JSONIndented(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// TableWriter streams rows into a table that is drawn as they arrive.
type TableWriter struct {
	t       *tablewriter.Table
	started bool
}

// Table starts a streamed table with the given column headers.
func (p *Printer) Table(headers ...string) *TableWriter {
	t := tablewriter.NewTable(p.w,
		tablewriter.WithStreaming(tw.StreamConfig{Enable: true}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeader(headers),
	)
	return &TableWriter{t: t}
}

// Row appends one row.
func (tw *TableWriter) Row(cells ...string) error {
	if !tw.started {
		if err := tw.t.Start(); err != nil {
			return err
		}
		tw.started = true
	}
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	return tw.t.Append(row...)
}

// Close draws the bottom border. A table with no rows prints nothing.
func (tw *TableWriter) Close() error {
	if !tw.started {
		return nil
	}
	return tw.t.Close()
}
