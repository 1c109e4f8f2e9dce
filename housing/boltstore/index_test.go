package boltstore

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing/internal/index"
)

func TestIntersect(t *testing.T) {
	for _, tc := range []struct {
		a, b, want []string
	}{
		{nil, nil, nil},
		{[]string{"a", "b"}, nil, nil},
		{[]string{"a", "c", "e"}, []string{"b", "c", "d", "e"}, []string{"c", "e"}},
		{[]string{"p1", "p2"}, []string{"p1", "p2"}, []string{"p1", "p2"}},
		{[]string{"x"}, []string{"a", "b", "y"}, nil},
	} {
		a := append([]string(nil), tc.a...)
		got := intersect(a, tc.b)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("intersect(%v, %v) mismatch (-want +got):\n%s", tc.a, tc.b, diff)
		}
	}
}

func TestIndexKeySkipsLongerValues(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "convivo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// A value that extends another with NUL must not show up in its lookup.
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := reindex(tx, "p1", nil, []index.Entry{{Index: index.PersonDistrict, Value: "A"}}); err != nil {
			return err
		}
		return reindex(tx, "p2", nil, []index.Entry{{Index: index.PersonDistrict, Value: "A\x00B"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		if got := lookup(tx, index.Entry{Index: index.PersonDistrict, Value: "A"}); !cmp.Equal(got, []string{"p1"}) {
			t.Errorf("lookup(A) = %v; want [p1]", got)
		}
		return nil
	})
}
