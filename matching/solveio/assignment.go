package solveio

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/convivo/convivo/matching"
)

// assignmentIn is the assignment instance: a rectangular cost matrix whose
// null cells are forbidden, minimised unless Maximize is set.
type assignmentIn struct {
	Cost     json.RawMessage `json:"cost"`
	Maximize bool            `json:"maximize"`
}

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
	var req assignmentIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("assignment: %v", err)
	}
	if req.Cost == nil {
		return nil, inputErr("assignment: missing \"cost\"")
	}
	cost, forbidden, err := parseCostMatrix(req.Cost)
	if err != nil {
		return nil, inputErr("assignment: cost: %v", err)
	}
	a, err := matching.SolveAssignment(matching.AssignProblem{Cost: cost, Forbidden: forbidden, Maximize: req.Maximize})
	switch {
	case errors.Is(err, matching.ErrInfeasible):
		return nil, fmt.Errorf("assignment: %w: %w", ErrInfeasible, err)
	case err != nil:
		return nil, fmt.Errorf("assignment: %w: %w", ErrInput, err)
	}
	return json.Marshal(assignmentOut{Rows: a.Rows, Cols: a.Cols, Total: a.Total})
}

// parseCostMatrix reads a JSON array of equally long arrays of numbers or
// nulls. It is a small hand-written scanner rather than encoding/json,
// which would allocate a pointer per cell on a matrix of millions: the
// values land in one flat backing array, and a mask is built only if a
// null occurs.
func parseCostMatrix(raw []byte) ([][]float64, [][]bool, error) {
	s := costScanner{b: raw}
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
	if s.skipSpace(); s.i != len(s.b) {
		return nil, nil, s.unexpected()
	}
	return costRows(flat, nulls, lens)
}

// costRows slices the flat values into rows and builds the forbidden mask
// from the positions of the nulls.
func costRows(flat []float64, nulls []int, lens []int) ([][]float64, [][]bool, error) {
	if len(lens) == 0 {
		return [][]float64{}, nil, nil
	}
	n := lens[0]
	cost := make([][]float64, len(lens))
	for i := range cost {
		cost[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	if len(nulls) == 0 {
		return cost, nil, nil
	}
	maskFlat := make([]bool, len(flat))
	for _, k := range nulls {
		maskFlat[k] = true
	}
	mask := make([][]bool, len(lens))
	for i := range mask {
		mask[i] = maskFlat[i*n : (i+1)*n : (i+1)*n]
	}
	return cost, mask, nil
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
func (s *costScanner) row(flat []float64, nulls []int) ([]float64, []int, error) {
	err := s.list(func() error {
		if s.literal("null") {
			nulls = append(nulls, len(flat))
			flat = append(flat, 0)
			return nil
		}
		x, err := s.number()
		flat = append(flat, x)
		return err
	})
	return flat, nulls, err
}

// number reads one JSON number, checking the JSON grammar (which is
// stricter than strconv: no "Inf", hex or leading '+').
func (s *costScanner) number() (float64, error) {
	start := s.i
	s.consume('-')
	if !s.consume('0') && !s.digits() {
		return 0, s.unexpected()
	}
	if s.consume('.') && !s.digits() {
		return 0, s.unexpected()
	}
	if s.consume('e') || s.consume('E') {
		if !s.consume('+') {
			s.consume('-')
		}
		if !s.digits() {
			return 0, s.unexpected()
		}
	}
	x, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, fmt.Errorf("number %s at byte %d out of range", s.b[start:s.i], start)
	}
	return x, nil
}

// digits consumes one or more decimal digits and reports whether there was
// at least one.
func (s *costScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
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
