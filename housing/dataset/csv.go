package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// row is one data row of a CSV file, decoded.
type row[T any] struct {
	rec     T
	at      Problem         // the row's location
	present map[group]bool  // groups with at least one non-empty cell
	bad     map[string]bool // columns that already have a problem
}

// readRows reads a CSV file whose columns come from table. It returns the
// rows that have the header's number of cells, decoded, and the problems
// found so far. Header problems stop the reading.
func readRows[T any](r io.Reader, table []column[T], fresh func() T) ([]row[T], *batch) {
	b := newBatch()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			b.add(Problem{Line: 1}, "", "the file is empty; want a header row naming the columns")
		} else {
			b.add(Problem{Line: 1}, "", csvReason(err))
		}
		return nil, b
	}
	cols := readHeader(b, header, table)
	if len(b.problems) > 0 {
		return nil, b
	}
	var absent []*column[T] // columns left out whose default still applies
	for i := range table {
		if table[i].dflt != "" && !slices.Contains(cols, &table[i]) {
			absent = append(absent, &table[i])
		}
	}
	var rows []row[T]
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var line int
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			b.add(Problem{Line: line}, "", csvReason(err)+"; reading stopped here")
			break
		}
		line, _ := cr.FieldPos(0)
		if len(cells) != len(cols) {
			b.add(Problem{Line: line}, "", fmt.Sprintf("has %d cells; the header has %d", len(cells), len(cols)))
			continue
		}
		rec := fresh()
		for _, c := range absent {
			_ = c.decode(&rec, c.dflt) // defaults are valid cells
		}
		rows = append(rows, decodeRow(b, Problem{Line: line}, cells, cols, rec))
	}
	return rows, b
}

// csvReason turns a CSV syntax error into a reason.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.Line != pe.StartLine {
			return fmt.Sprintf("not valid CSV: %v (noticed on line %d)", pe.Err, pe.Line)
		}
		return "not valid CSV: " + pe.Err.Error()
	}
	return "cannot read: " + err.Error()
}

// readHeader maps each header cell to its column, reporting unknown,
// repeated and missing required columns.
func readHeader[T any](b *batch, header []string, table []column[T]) []*column[T] {
	at := Problem{Line: 1}
	cols := make([]*column[T], len(header))
	seen := make(map[string]bool, len(header))
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // spreadsheets' byte-order mark
		}
		name = strings.ToLower(strings.TrimSpace(name))
		for j := range table {
			if table[j].Name == name {
				cols[i] = &table[j]
			}
		}
		switch {
		case cols[i] == nil && strings.Contains(name, ";"):
			b.add(at, name, "unknown column; cells must be separated by commas, not semicolons")
		case cols[i] == nil:
			b.add(at, name, "unknown column")
		case seen[name]:
			b.add(at, name, "column given twice")
		}
		seen[name] = true
	}
	for _, c := range table {
		if c.Required && !seen[c.Name] {
			b.add(at, c.Name, "required column is missing")
		}
	}
	return cols
}

// decodeRow decodes the cells of one row into rec.
func decodeRow[T any](b *batch, at Problem, cells []string, cols []*column[T], rec T) row[T] {
	rw := row[T]{at: at, present: make(map[group]bool), bad: make(map[string]bool)}
	for i, c := range cols {
		s := unescapeCell(strings.TrimSpace(cells[i]))
		if s == "" {
			if c.Required {
				b.add(at, c.Name, "is required")
				rw.bad[c.Name] = true
			}
			if s = c.dflt; s == "" {
				continue
			}
		} else {
			rw.present[c.group] = true
		}
		if err := c.decode(&rec, s); err != nil {
			b.add(at, c.Name, err.Error())
			rw.bad[c.Name] = true
		}
	}
	rw.rec = rec
	return rw
}

// ReadPeopleCSV reads people.csv (see PeopleColumns), checking every row:
// each record on its own (enums, ranges, districts against ds), duplicate
// ids and case codes, and the references between people of the file. A
// profile is present when any of its columns is filled, and so are the host
// and care fields. Any problem makes it return an *ImportError listing them
// all, and no records.
func ReadPeopleCSV(r io.Reader, ds housing.Districts) ([]PersonRecord, error) {
	table := peopleTable()
	rows, b := readRows(r, table, func() PersonRecord {
		return PersonRecord{Profile: &housing.Profile{Host: &housing.HostProfile{}}, Care: &housing.CareInfo{}}
	})
	recs := make([]PersonRecord, 0, len(rows))
	for _, rw := range rows {
		rec := rw.rec
		if !rw.present[groupHost] {
			rec.Profile.Host = nil
		}
		if !rw.present[groupProfile] && !rw.present[groupHost] {
			rec.Profile = nil
		}
		if !rw.present[groupCare] {
			rec.Care = nil
		}
		for _, is := range validatePerson(&rec, ds) {
			if f := csvField(is); !rw.bad[f] {
				b.add(rw.at, f, is.reason)
			}
		}
		b.unique(rw.at, "person", "id", rec.Person.ID)
		b.unique(rw.at, "person", "code", rec.Person.Code)
		recs = append(recs, rec)
	}
	b.refs(Dataset{People: recs}, csvField)
	if err := importError(b.problems); err != nil {
		return nil, err
	}
	return recs, nil
}

// ReadHomesCSV reads homes.csv (see HomesColumns) like ReadPeopleCSV. Hosts
// are people, so host_id is left for Dataset.CheckRefs.
func ReadHomesCSV(r io.Reader, ds housing.Districts) ([]housing.Home, error) {
	rows, b := readRows(r, homesTable(), func() housing.Home { return housing.Home{} })
	homes := make([]housing.Home, 0, len(rows))
	for _, rw := range rows {
		h := rw.rec
		for _, is := range validateHome(&h, ds) {
			if f := csvField(is); !rw.bad[f] {
				b.add(rw.at, f, is.reason)
			}
		}
		b.unique(rw.at, "home", "id", h.ID)
		b.unique(rw.at, "home", "code", h.Code)
		homes = append(homes, h)
	}
	if err := importError(b.problems); err != nil {
		return nil, err
	}
	return homes, nil
}

// WritePeopleCSV writes people as people.csv, header first. Fields the CSV
// has no column for (Telegram ids, timestamps, versions) are left out; the
// JSON format keeps them.
func WritePeopleCSV(w io.Writer, people []PersonRecord) error {
	has := func(r *PersonRecord, g group) bool {
		switch g {
		case groupProfile:
			return r.Profile != nil
		case groupHost:
			return r.Profile != nil && r.Profile.Host != nil
		case groupCare:
			return r.Care != nil
		}
		return true
	}
	if err := writeRows(w, peopleTable(), people, has); err != nil {
		return fmt.Errorf("dataset: write people csv: %w", err)
	}
	return nil
}

// WriteHomesCSV writes homes as homes.csv, header first. Occupants,
// timestamps and versions are left out; the JSON format keeps them.
func WriteHomesCSV(w io.Writer, homes []housing.Home) error {
	if err := writeRows(w, homesTable(), homes, func(*housing.Home, group) bool { return true }); err != nil {
		return fmt.Errorf("dataset: write homes csv: %w", err)
	}
	return nil
}

func writeRows[T any](w io.Writer, table []column[T], recs []T, has func(*T, group) bool) error {
	cw := csv.NewWriter(w)
	cells := make([]string, len(table))
	for i, c := range table {
		cells[i] = c.Name
	}
	if err := cw.Write(cells); err != nil {
		return err
	}
	for n := range recs {
		for i, c := range table {
			cells[i] = ""
			if !has(&recs[n], c.group) {
				continue
			}
			s, err := encode(c.ptr(&recs[n]))
			if err != nil {
				return fmt.Errorf("record %d, column %s: %w", n, c.Name, err)
			}
			cells[i] = escapeCell(s)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
