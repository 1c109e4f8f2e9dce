package dataset

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// Dataset is a set of people and homes, as Generate makes it and the JSON
// format holds it.
type Dataset struct {
	People []PersonRecord `json:"people"`
	Homes  []housing.Home `json:"homes"`
}

// PersonRecord is one person with what belongs to them: the interview
// answers (nil when the person has not been interviewed) and the care
// team's fields (nil for anyone but a beneficiary, or not set yet). A row of
// people.csv carries the three together.
type PersonRecord struct {
	Person  housing.Person    `json:"person"`
	Profile *housing.Profile  `json:"profile,omitempty"`
	Care    *housing.CareInfo `json:"care,omitempty"`
}

// Problem is one reason a file cannot be imported.
type Problem struct {
	Line   int    // line in the file, the header being line 1; 0 when unknown
	Item   string // the record, when it has no line: "people[3]", "home h004"
	Field  string // the column or field, empty for a problem with the whole row
	Reason string // what is wrong, in plain English
}

// String formats the problem as "line 4: field role: reason" (or with the
// item when there is no line, or both).
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Item != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s (line %d)", p.Item, p.Line)
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d", p.Line)
	case p.Item != "":
		b.WriteString(p.Item)
	default:
		b.WriteString("file")
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ": field %s", p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Reason)
	return b.String()
}

// maxListed is how many problems Error spells out; Problems keeps them all.
const maxListed = 200

// ImportError lists every problem found in a file that was therefore not
// imported at all. It wraps housing.ErrInvalid.
type ImportError struct {
	Problems []Problem
}

// Error prints a summary line, then one problem per line.
func (e *ImportError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	fmt.Fprintf(&b, "dataset: %d problem", n)
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString(", nothing imported:")
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n... and %d more", n-maxListed)
			break
		}
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, housing.ErrInvalid) true.
func (e *ImportError) Unwrap() error { return housing.ErrInvalid }

// importError returns an *ImportError for problems, in line order, or nil
// when there are none.
func importError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return &ImportError{Problems: problems}
}
