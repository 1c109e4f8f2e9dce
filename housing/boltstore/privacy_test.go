package boltstore_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/seal"
	"github.com/convivo/convivo/housing/storetest"
)

func TestSealed(t *testing.T) {
	storetest.RunSealed(t, func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "convivo.db")
		return func(t *testing.T, keys *seal.Keyring) (housing.Store, error) {
			return boltstore.Open(path, boltstore.Options{Keyring: keys})
		}
	})
}

// rawFile closes s and returns its file's bytes.
func rawFile(t *testing.T, s *boltstore.Store) []byte {
	t.Helper()
	must(t, "Close", s.Close())
	b, err := os.ReadFile(s.Path())
	must(t, "ReadFile", err)
	return b
}

// TestRawFileHoldsNoPlaintext writes every sensitive kind under a key and
// searches the file's bytes for the texts it wrote.
func TestRawFileHoldsNoPlaintext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "convivo.db")
	s := open(t, path, boltstore.Options{Keyring: storetest.Keyring(t, "k1", 1)})
	m := storetest.DefaultMarks()
	f := storetest.FillPerson(t, s, m)
	care, err := s.CareInfo(t.Context(), f.Other.ID)
	must(t, "CareInfo", err)
	care.Exclusions = append(care.Exclusions, "p_exclusion_only_77")
	must(t, "PutCareInfo", s.PutCareInfo(t.Context(), &care))
	raw := rawFile(t, s)
	for _, secret := range []string{m.Note, m.Interest, m.Expectation, "p_exclusion_only_77"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the data file holds %q in clear", secret)
		}
	}
	if !bytes.Contains(raw, []byte(m.Name)) || bytes.Count(raw, []byte("cv1\x02k1")) < 8 {
		t.Errorf("the file lacks the person's name or sealed values: the search proves nothing")
	}
}

// TestErasureLeavesNoResidue erases a person from a file, with and without
// encryption, and searches its bytes (free pages included) for them.
func TestErasureLeavesNoResidue(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys *seal.Keyring
	}{{"clear", nil}, {"sealed", storetest.Keyring(t, "k1", 1)}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "convivo.db")
			s := open(t, path, boltstore.Options{Keyring: tc.keys})
			m := storetest.DefaultMarks()
			storetest.FillPerson(t, s, m)
			if before := rawFile(t, s); tc.keys == nil && !bytes.Contains(before, []byte(m.Note)) {
				t.Fatalf("before erasure the clear file lacks %q: the search proves nothing", m.Note)
			}
			s = open(t, path, boltstore.Options{Keyring: tc.keys})
			_, err := s.ErasePerson(t.Context(), m.PersonID, housing.ErasureOptions{DropState: storetest.ActionOwner(m.TelegramID)})
			must(t, "ErasePerson", err)
			raw := rawFile(t, s)
			for _, mark := range m.Strings() {
				if i := bytes.Index(raw, []byte(mark)); i >= 0 {
					t.Errorf("after erasure the file still holds %q at byte %d", mark, i)
				}
			}
		})
	}
}

// benchPopulated opens a sealed store holding 650 people (storetest.Populate).
func benchPopulated(b *testing.B) *boltstore.Store {
	b.Helper()
	k, err := seal.Parse("k1:" + "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
	if err != nil {
		b.Fatal(err)
	}
	s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), boltstore.Options{Keyring: k})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := storetest.Populate(b.Context(), s, 650); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkErasePerson erases one person from a sealed store of 650
// people: a scan of every record kind, then the compaction of the file.
func BenchmarkErasePerson(b *testing.B) {
	s := benchPopulated(b)
	i := 0
	for b.Loop() {
		if err := storetest.EraseOne(b.Context(), s, i); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRetentionDryRun decides the fate of every record of a sealed
// store of 650 people (2,600 check-ins), opening each.
func BenchmarkRetentionDryRun(b *testing.B) {
	s := benchPopulated(b)
	policy := housing.DefaultRetentionPolicy()
	now := time.Now()
	for b.Loop() {
		if _, err := s.ApplyRetention(b.Context(), policy, now, true); err != nil {
			b.Fatal(err)
		}
	}
}
