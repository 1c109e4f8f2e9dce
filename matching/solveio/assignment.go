package solveio

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/convivo/convivo/matching"
)

// assignmentOut is SciPy's answer form: Rows ascending, Cols[k] the column
// of Rows[k], the smaller side fully assigned.
type assignmentOut struct {
	Rows  []int   `json:"rows"`
	Cols  []int   `json:"cols"`
	Total float64 `json:"total"`
}

// solveAssignment reads {"cost": [[number|null, ...], ...], "maximize":
// bool} and answers {"rows": [...], "cols": [...], "total": x}.
func solveAssignment(in []byte) ([]byte, error) {
	p, err := parseAssignment(in)
	if err != nil {
		return nil, inputErr("assignment: %v", err)
	}
	a, err := matching.SolveAssignment(p)
	switch {
	case errors.Is(err, matching.ErrInfeasible):
		return nil, fmt.Errorf("assignment: %w: %w", ErrInfeasible, err)
	case err != nil:
		return nil, fmt.Errorf("assignment: %w: %w", ErrInput, err)
	}
	return json.Marshal(assignmentOut{Rows: a.Rows, Cols: a.Cols, Total: a.Total})
}

// parseAssignment reads the instance object: "cost" (required) and
// "maximize"; other keys are checked as JSON and skipped. It is a small
// hand-written scanner rather than encoding/json, which would validate the
// input in a first pass and then allocate a pointer per cell on a matrix of
// millions; here the cells land in one flat backing array in one pass.
func parseAssignment(in []byte) (matching.AssignProblem, error) {
	s := costScanner{b: in}
	var p matching.AssignProblem
	seenCost := false
	err := s.object(func(key string) error {
		switch key {
		case "cost":
			var err error
			if p.Cost, p.Forbidden, err = s.matrix(); err != nil {
				return fmt.Errorf("cost: %w", err)
			}
			seenCost = true
		case "maximize":
			switch {
			case s.literal("true"):
				p.Maximize = true
			case s.literal("false"):
				p.Maximize = false
			default:
				return fmt.Errorf("maximize: want true or false: %w", s.unexpected())
			}
		default:
			return s.skipValue(0)
		}
		return nil
	})
	if s.skipSpace(); err == nil && s.i != len(s.b) {
		err = fmt.Errorf("after the object: %w", s.unexpected())
	}
	if err == nil && !seenCost {
		err = errors.New(`missing "cost"`)
	}
	return p, err
}

// matrix reads a JSON array of equally long arrays of numbers or nulls; a
// mask of the nulls is built only if one occurs.
func (s *costScanner) matrix() ([][]float64, [][]bool, error) {
	var flat []float64
	var nulls, lens []int
	err := s.list(func() error {
		start := len(flat)
		var err error
		if flat, nulls, err = s.row(flat, nulls); err != nil {
			return err
		}
		lens = append(lens, len(flat)-start)
		if got := lens[len(lens)-1]; got != lens[0] {
			return fmt.Errorf("row %d has %d entries, row 0 has %d", len(lens)-1, got, lens[0])
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	cost, mask := costRows(flat, nulls, lens)
	return cost, mask, nil
}

// costRows slices the flat values into rows and builds the forbidden mask
// from the positions of the nulls.
func costRows(flat []float64, nulls []int, lens []int) ([][]float64, [][]bool) {
	if len(lens) == 0 {
		return [][]float64{}, nil
	}
	n := lens[0]
	cost := make([][]float64, len(lens))
	for i := range cost {
		cost[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	if len(nulls) == 0 {
		return cost, nil
	}
	maskFlat := make([]bool, len(flat))
	for _, k := range nulls {
		maskFlat[k] = true
	}
	mask := make([][]bool, len(lens))
	for i := range mask {
		mask[i] = maskFlat[i*n : (i+1)*n : (i+1)*n]
	}
	return cost, mask
}

// costScanner walks a JSON cost matrix byte by byte.
type costScanner struct {
	b []byte
	i int
}

// list reads a JSON array, calling item at each element.
func (s *costScanner) list(item func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.skipSpace(); s.consume(']') {
		return nil
	}
	for {
		s.skipSpace()
		if err := item(); err != nil {
			return err
		}
		if s.skipSpace(); s.consume(']') {
			return nil
		}
		if !s.consume(',') {
			return fmt.Errorf("want ',' or ']': %w", s.unexpected())
		}
	}
}

// row appends one row's values to flat (a null as 0, its index to nulls).
// It is list with the element inlined: this loop reads every cell.
func (s *costScanner) row(flat []float64, nulls []int) ([]float64, []int, error) {
	if err := s.expect('['); err != nil {
		return nil, nil, err
	}
	if s.skipSpace(); s.consume(']') {
		return flat, nulls, nil
	}
	for {
		s.skipSpace()
		if s.literal("null") {
			nulls = append(nulls, len(flat))
			flat = append(flat, 0)
		} else {
			x, err := s.number()
			if err != nil {
				return nil, nil, err
			}
			flat = append(flat, x)
		}
		if s.skipSpace(); s.consume(']') {
			return flat, nulls, nil
		}
		if !s.consume(',') {
			return nil, nil, fmt.Errorf("want ',' or ']': %w", s.unexpected())
		}
	}
}

// object reads a JSON object, calling value with each key when the cursor
// is at its value.
func (s *costScanner) object(value func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.skipSpace(); s.consume('}') {
		return nil
	}
	for {
		s.skipSpace()
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		s.skipSpace()
		if err := value(key); err != nil {
			return err
		}
		if s.skipSpace(); s.consume('}') {
			return nil
		}
		if !s.consume(',') {
			return fmt.Errorf("want ',' or '}': %w", s.unexpected())
		}
	}
}

// maxDepth bounds the nesting of skipped values, as encoding/json does.
const maxDepth = 10000

// skipValue checks and skips one JSON value of any kind.
func (s *costScanner) skipValue(depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	if s.i >= len(s.b) {
		return s.unexpected()
	}
	switch s.b[s.i] {
	case '{':
		return s.object(func(string) error { return s.skipValue(depth + 1) })
	case '[':
		return s.list(func() error { return s.skipValue(depth + 1) })
	case '"':
		_, err := s.str()
		return err
	}
	if s.literal("true") || s.literal("false") || s.literal("null") {
		return nil
	}
	_, err := s.number()
	return err
}

// str reads a JSON string and returns its value.
func (s *costScanner) str() (string, error) {
	start := s.i
	if !s.consume('"') {
		return "", fmt.Errorf("want a string: %w", s.unexpected())
	}
	escaped := false
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			if !escaped {
				return string(s.b[start+1 : s.i-1]), nil
			}
			var v string
			if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
				return "", fmt.Errorf("string at byte %d: %w", start, err)
			}
			return v, nil
		case c == '\\':
			escaped = true
			s.i += 2
		case c < 0x20:
			return "", fmt.Errorf("string at byte %d: %w", start, s.unexpected())
		default:
			s.i++
		}
	}
	return "", s.unexpected()
}

// number reads one JSON number, checking the JSON grammar (stricter than
// strconv: no "Inf", hex or leading '+'). The digits are accumulated on the
// way, so most numbers convert without a second pass.
func (s *costScanner) number() (float64, error) {
	start := s.i
	neg := s.consume('-')
	var d, e decimal
	if !s.consume('0') && !s.digits(&d, false) {
		return 0, s.unexpected()
	}
	if s.consume('.') && !s.digits(&d, true) {
		return 0, s.unexpected()
	}
	if s.consume('e') || s.consume('E') {
		expNeg := !s.consume('+') && s.consume('-')
		if !s.digits(&e, false) {
			return 0, s.unexpected()
		}
		if expNeg {
			e.mant = -e.mant
		}
	}
	if x, ok := d.exact(neg, e); ok {
		return x, nil
	}
	x, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, fmt.Errorf("number %s at byte %d out of range", s.b[start:s.i], start)
	}
	return x, nil
}

// decimal accumulates the digits of a number: mant·10^exp, or big once
// mant reaches 2^53.
type decimal struct {
	mant int64
	exp  int64
	big  bool
}

// digits consumes one or more decimal digits into d (as fraction digits if
// frac) and reports whether there was at least one.
func (s *costScanner) digits(d *decimal, frac bool) bool {
	start := s.i
	for ; s.i < len(s.b) && s.b[s.i]-'0' <= 9; s.i++ {
		if d.big {
			continue
		}
		d.mant = d.mant*10 + int64(s.b[s.i]-'0')
		if frac {
			d.exp--
		}
		d.big = d.mant >= 1<<53
	}
	return s.i > start
}

// exact returns ±mant·10^(exp+e) when mant < 2^53 and the exponent is
// within ±22: both factors are exact doubles, so one multiplication or
// division rounds correctly, as strconv.ParseFloat would (Clinger's fast
// path). Otherwise it reports false.
func (d decimal) exact(neg bool, e decimal) (float64, bool) {
	exp := d.exp + e.mant
	if d.big || e.big || exp > 22 || exp < -22 {
		return 0, false
	}
	x := float64(d.mant)
	if exp > 0 {
		x *= math.Pow10(int(exp))
	} else if exp < 0 {
		x /= math.Pow10(int(-exp))
	}
	if neg {
		x = -x
	}
	return x, true
}

// skipSpace consumes JSON whitespace.
func (s *costScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// consume advances past c if it is next.
func (s *costScanner) consume(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal advances past word if it is next.
func (s *costScanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// expect consumes c after optional whitespace or reports what is there.
func (s *costScanner) expect(c byte) error {
	s.skipSpace()
	if !s.consume(c) {
		return fmt.Errorf("want %q: %w", c, s.unexpected())
	}
	return nil
}

// unexpected describes the byte at the cursor.
func (s *costScanner) unexpected() error {
	if s.i >= len(s.b) {
		return errors.New("unexpected end")
	}
	return fmt.Errorf("unexpected %q at byte %d", s.b[s.i], s.i)
}
