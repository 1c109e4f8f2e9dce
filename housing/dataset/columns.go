package dataset

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Column describes one CSV column, for --help texts and FORMATS.md.
type Column struct {
	Name     string   // header name
	Type     string   // text, id, district, one of, yes/no, whole number, 1-5, date, or a list of these
	Required bool     // a row must give a value
	Values   []string // the allowed values, for "one of" columns and lists of them
	Help     string   // what the column means and what an empty cell means
}

// PeopleColumns returns the columns of people.csv, in the order
// WritePeopleCSV writes them.
func PeopleColumns() []Column { return public(peopleTable()) }

// HomesColumns returns the columns of homes.csv, in the order WriteHomesCSV
// writes them.
func HomesColumns() []Column { return public(homesTable()) }

func public[T any](cols []column[T]) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out
}

// WriteColumns prints columns as an aligned plain-text table, for --help.
func WriteColumns(w io.Writer, cols []Column) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range cols {
		req := ""
		if c.Required {
			req = "required"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, typeAndValues(c), req, c.Help)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("dataset: write columns: %w", err)
	}
	return nil
}

// ColumnsMarkdown returns columns as a markdown table, as FORMATS.md has
// them.
func ColumnsMarkdown(cols []Column) string {
	var b strings.Builder
	b.WriteString("| column | type | required | meaning |\n|---|---|---|---|\n")
	for _, c := range cols {
		req := ""
		if c.Required {
			req = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, typeAndValues(c), req, c.Help)
	}
	return b.String()
}

func typeAndValues(c Column) string {
	if len(c.Values) == 0 || c.Type == typeYesNo {
		return c.Type
	}
	return c.Type + ": " + strings.Join(c.Values, ", ")
}

// Column types.
const (
	typeText     = "text"
	typeID       = "id"
	typeDistrict = "district"
	typeOneOf    = "one of"
	typeYesNo    = "yes/no"
	typeNumber   = "whole number"
	typeLevel    = "1-5"
	typeDate     = "date YYYY-MM-DD"
	typeListOf   = "list of "
)

func oneOf[T any](g group, name, help string, values []string, ptr func(*T) any) column[T] {
	return column[T]{Column: Column{Name: name, Type: typeOneOf, Values: values, Help: help}, group: g, fold: true, ptr: ptr}
}

func yesNoCol[T any](g group, name, help string, ptr func(*T) any) column[T] {
	return column[T]{Column: Column{Name: name, Type: typeYesNo, Values: []string{"yes", "no"}, Help: help}, group: g, fold: true, ptr: ptr}
}

func typed[T any](g group, name, typ, help string, ptr func(*T) any) column[T] {
	return column[T]{Column: Column{Name: name, Type: typ, Help: help}, group: g, ptr: ptr}
}

func required[T any](c column[T]) column[T] {
	c.Required = true
	return c
}

func withDefault[T any](c column[T], dflt string) column[T] {
	c.dflt = dflt
	return c
}

func folded[T any](c column[T]) column[T] {
	c.fold = true
	return c
}

func strs[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
