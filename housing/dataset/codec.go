package dataset

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// dateLayout is how dates are written in CSV cells.
const dateLayout = "2006-01-02"

// listSep separates the items of a list inside one CSV cell.
const listSep = ";"

// column is a CSV column of records of type T: its documentation, and how
// to reach the field it holds.
type column[T any] struct {
	Column
	group group
	fold  bool         // values are case-insensitive: compare and store lower-case
	dflt  string       // what an empty cell means, as a cell
	ptr   func(*T) any // a pointer to the field in a record
}

// encode writes the field behind ptr as a cell. Zero numbers and dates are
// empty cells: unanswered. A list item that is empty or holds the list
// separator cannot be written.
func encode(ptr any) (string, error) {
	switch p := ptr.(type) {
	case *housing.Intensity:
		return p.String(), nil
	case *time.Time:
		if p.IsZero() {
			return "", nil
		}
		return p.Format(dateLayout), nil
	case *bool:
		return yesNo(*p), nil
	}
	v := reflect.ValueOf(ptr).Elem()
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int64:
		if v.Int() == 0 {
			return "", nil
		}
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Slice:
		items := make([]string, v.Len())
		for i := range items {
			items[i] = v.Index(i).String()
			if it := strings.TrimSpace(items[i]); it == "" || strings.Contains(it, listSep) {
				return "", fmt.Errorf("list item %q cannot be written in a cell", items[i])
			}
		}
		return strings.Join(items, listSep), nil
	}
	panic(fmt.Sprintf("dataset: no cell encoding for %T", ptr)) // a bug in the column table
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// decode reads cell s into the field behind c's pointer; s is trimmed and
// not empty, or c's default.
func (c *column[T]) decode(rec *T, s string) error {
	if c.fold {
		s = strings.ToLower(s)
	}
	switch p := c.ptr(rec).(type) {
	case *housing.Intensity:
		i, err := housing.ParseIntensity(s)
		if err != nil {
			return c.notOneOf(s)
		}
		*p = i
		return nil
	case *time.Time:
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			return fmt.Errorf("%q is not a date like 2026-03-31", s)
		}
		*p = t
		return nil
	case *bool:
		return parseBool(p, s)
	case *housing.Level:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			return fmt.Errorf("%q is not a whole number from 1 to 5", s)
		}
		*p = housing.Level(n)
		return nil
	}
	return c.decodeKind(reflect.ValueOf(c.ptr(rec)).Elem(), s)
}

// decodeKind reads strings, whole numbers and lists.
func (c *column[T]) decodeKind(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		if len(c.Values) > 0 && !slices.Contains(c.Values, s) {
			return c.notOneOf(s)
		}
		v.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case reflect.Slice:
		var items []string
		for it := range strings.SplitSeq(s, listSep) {
			if it = strings.TrimSpace(it); it == "" {
				continue
			}
			if len(c.Values) > 0 && !slices.Contains(c.Values, it) {
				return c.notOneOf(it)
			}
			items = append(items, it)
		}
		list := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, it := range items {
			list.Index(i).SetString(it)
		}
		v.Set(list)
	default:
		panic(fmt.Sprintf("dataset: no cell decoding for %s", v.Type())) // a bug in the column table
	}
	return nil
}

func (c *column[T]) notOneOf(s string) error {
	return fmt.Errorf("%q is not one of: %s", s, strings.Join(c.Values, ", "))
}

func parseBool(p *bool, s string) error {
	switch s {
	case "yes", "true", "1", "sì", "si":
		*p = true
	case "no", "false", "0":
		*p = false
	default:
		return fmt.Errorf("%q is not yes or no", s)
	}
	return nil
}

// Cells that start like a formula are written with a leading apostrophe,
// so a spreadsheet shows them as text instead of running them; reading
// takes the apostrophe off again. A cell that already starts with an
// apostrophe before such a character gets one more, so the two are exact
// inverses.
const formulaStarts = "=+-@\t\r'"

func escapeCell(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte("=+-@\t\r", s[0]) >= 0 ||
		s[0] == '\'' && len(s) > 1 && strings.IndexByte(formulaStarts, s[1]) >= 0 {
		return "'" + s
	}
	return s
}

func unescapeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStarts, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
