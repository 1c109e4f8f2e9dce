package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/convivo/convivo/housing"
)

// WriteJSON writes d as one indented JSON document {"people": [...],
// "homes": [...]}, keeping every field. The same d always gives the same
// bytes.
func WriteJSON(w io.Writer, d Dataset) error {
	if d.People == nil {
		d.People = []PersonRecord{}
	}
	if d.Homes == nil {
		d.Homes = []housing.Home{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("dataset: write json: %w", err)
	}
	return nil
}

// ReadJSON reads a document written by WriteJSON, checking every record as
// ReadPeopleCSV and ReadHomesCSV do, plus the references between its people
// and homes (hosts, occupants). Fields the format does not know are
// problems. Any problem makes it return an *ImportError listing them all,
// each named like "people[3] (line 40)", and an empty Dataset.
func ReadJSON(r io.Reader, ds housing.Districts) (Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Dataset{}, fmt.Errorf("dataset: read json: %w", err)
	}
	jr := &jsonReader{data: data, dec: json.NewDecoder(bytes.NewReader(data)), b: newBatch(), lastLine: 1}
	d := jr.document()
	if jr.stop { // the records read so far would only add noise
		return Dataset{}, importError(jr.b.problems)
	}
	for i := range d.People {
		rec, at := &d.People[i], jr.people[i]
		for _, is := range validatePerson(rec, ds) {
			jr.b.add(at, jsonField(is), is.reason)
		}
		jr.b.unique(at, "person", "id", rec.Person.ID)
		jr.b.unique(at, "person", "code", rec.Person.Code)
	}
	for i := range d.Homes {
		h, at := &d.Homes[i], jr.homes[i]
		for _, is := range validateHome(h, ds) {
			jr.b.add(at, jsonField(is), is.reason)
		}
		jr.b.unique(at, "home", "id", h.ID)
		jr.b.unique(at, "home", "code", h.Code)
	}
	jr.b.refs(d, jsonField)
	if err := importError(jr.b.problems); err != nil {
		return Dataset{}, err
	}
	return d, nil
}

// jsonReader walks a JSON document token by token, so that each record's
// problems can be given its line.
type jsonReader struct {
	data []byte
	dec  *json.Decoder
	b    *batch
	stop bool // the document cannot be read further
	// lastOff and lastLine are the last offset line was asked about and
	// its line.
	lastOff, lastLine int
	people            []Problem // location of each person decoded
	homes             []Problem
}

// document reads the top-level object. On a syntax error it records the
// problem and returns what it has.
func (jr *jsonReader) document() Dataset {
	var d Dataset
	if !jr.delim('{', "the document must be an object {\"people\": [...], \"homes\": [...]}") {
		return d
	}
	seen := map[string]bool{}
	for jr.dec.More() {
		tok, err := jr.dec.Token()
		if err != nil {
			jr.syntax(err)
			return d
		}
		key, _ := tok.(string)
		line := jr.line(jr.dec.InputOffset())
		switch {
		case seen[key]:
			jr.b.add(Problem{Line: line}, key, "given twice")
			return d
		case key == "people":
			d.People, jr.people = readArray[PersonRecord](jr, key)
		case key == "homes":
			d.Homes, jr.homes = readArray[housing.Home](jr, key)
		default:
			jr.b.add(Problem{Line: line}, key, "unknown field (want people and homes)")
			var skip json.RawMessage
			if err := jr.dec.Decode(&skip); err != nil {
				jr.syntax(err)
			}
		}
		if jr.stop {
			return d
		}
		seen[key] = true
	}
	if jr.delim('}', "the document does not end") {
		if _, err := jr.dec.Token(); !errors.Is(err, io.EOF) {
			jr.b.add(Problem{Line: jr.line(jr.dec.InputOffset())}, "", "unexpected data after the document")
		}
	}
	return d
}

// readArray reads key's array (or null), decoding each element strictly
// and noting its location.
func readArray[T any](jr *jsonReader, key string) ([]T, []Problem) {
	tok, err := jr.dec.Token()
	if err != nil {
		jr.syntax(err)
		return nil, nil
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		jr.b.add(Problem{Line: jr.line(jr.dec.InputOffset())}, key, "must be a list [...]")
		jr.stop = true
		return nil, nil
	}
	var recs []T
	var locs []Problem
	for i := 0; jr.dec.More(); i++ {
		at := Problem{Item: fmt.Sprintf("%s[%d]", key, i), Line: jr.line(jr.dec.InputOffset())}
		var raw json.RawMessage
		if err := jr.dec.Decode(&raw); err != nil {
			jr.syntax(err)
			return recs, locs
		}
		var rec T
		if err := strictDecode(raw, &rec); err != nil {
			field, reason := jsonReason(err)
			jr.b.add(at, field, reason)
			continue
		}
		recs, locs = append(recs, rec), append(locs, at)
	}
	jr.delim(']', "the list does not end")
	return recs, locs
}

// strictDecode decodes one record, refusing fields the format does not
// know.
func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// jsonReason turns a decoding error into a field and a reason.
func jsonReason(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, fmt.Sprintf("a JSON %s cannot be a %s", te.Value, te.Type)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return strings.Trim(f, `"`), "unknown field"
	}
	return "", strings.TrimPrefix(msg, "json: ")
}

// delim reads the next token and checks it is want; otherwise it records
// a fatal problem.
func (jr *jsonReader) delim(want json.Delim, reason string) bool {
	tok, err := jr.dec.Token()
	if err != nil {
		jr.syntax(err)
		return false
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		jr.b.add(Problem{Line: jr.line(jr.dec.InputOffset())}, "", reason)
		jr.stop = true
		return false
	}
	return true
}

// syntax records a problem that stops the reading.
func (jr *jsonReader) syntax(err error) {
	off := jr.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	reason := "not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		reason = "not valid JSON: the document ends too early"
	}
	jr.b.add(Problem{Line: jr.line(off)}, "", reason)
	jr.stop = true
}

// line returns the line of the first token at or after offset off. Offsets
// mostly grow, so it counts on from the last one it was asked about.
func (jr *jsonReader) line(off int64) int {
	i := int(min(max(off, 0), int64(len(jr.data))))
	for i < len(jr.data) && strings.IndexByte(" \t\r\n,:", jr.data[i]) >= 0 {
		i++
	}
	if i < jr.lastOff {
		jr.lastOff, jr.lastLine = 0, 1
	}
	jr.lastLine += bytes.Count(jr.data[jr.lastOff:i], []byte("\n"))
	jr.lastOff = i
	return jr.lastLine
}
