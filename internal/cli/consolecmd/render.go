package consolecmd

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/quilibrium/qcli/internal/cli/output"
	"github.com/quilibrium/qcli/internal/humanize"
)

// printRows renders a list for people: aligned columns under upper-case
// headers in text, a drawn table in table format. An empty list prints
// nothing, as aws s3 ls does.
func printRows(p *output.Printer, headers []string, rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	if p.Format == output.Table {
		t := p.Table(headers...)
		for _, r := range rows {
			if err := t.Row(r...); err != nil {
				return err
			}
		}
		return t.Close()
	}
	w := tabwriter.NewWriter(p.Writer(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.ToUpper(strings.Join(headers, "\t")))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = output.Name(c) // a tab or line break in a name cannot break the columns
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	return w.Flush()
}

// field is one line of a record view.
type field struct{ name, value string }

// printFields renders one record as "name: value" lines, or a two-column
// table.
func printFields(p *output.Printer, fields []field) error {
	if p.Format == output.Table {
		t := p.Table("Field", "Value")
		for _, f := range fields {
			if err := t.Row(f.name, f.value); err != nil {
				return err
			}
		}
		return t.Close()
	}
	w := tabwriter.NewWriter(p.Writer(), 0, 0, 1, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(w, "%s:\t%s\n", output.Name(f.name), output.Name(f.value))
	}
	return w.Flush()
}

const timeLayout = "2006-01-02 15:04:05"

// when shows a time in local time, as s3 ls does; the zero time is "-".
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(timeLayout)
}

func size(n int64) string { return humanize.Bytes(n) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
