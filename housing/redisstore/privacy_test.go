package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/redisstore"
	"github.com/convivo/convivo/housing/seal"
	"github.com/convivo/convivo/housing/storetest"
)

// newNamespace returns a fresh namespace whose keys are deleted when the
// test ends.
func newNamespace(t *testing.T, url string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	ns := "test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		// A store on another, empty namespace reaches ns's keys whatever
		// keyring sealed them.
		s, err := redisstore.Open(context.Background(), url, redisstore.Options{Namespace: ns + "-cleanup"})
		if err != nil {
			t.Errorf("cleanup of %s: %v", ns, err)
			return
		}
		defer s.Close()
		if err := redisstore.DeleteNamespaceOf(context.Background(), s, ns); err != nil {
			t.Errorf("cleanup of %s: %v", ns, err)
		}
	})
	return ns
}

func TestSealed(t *testing.T) {
	url := redisURL(t)
	storetest.RunSealed(t, func(t *testing.T) storetest.Opener {
		ns := newNamespace(t, url)
		return func(t *testing.T, keys *seal.Keyring) (housing.Store, error) {
			return redisstore.Open(t.Context(), url, redisstore.Options{Namespace: ns, Keyring: keys})
		}
	})
}

// rawText returns every key and raw value of s's namespace as one text.
func rawText(t *testing.T, s *redisstore.Store) string {
	t.Helper()
	dump, err := redisstore.RawDump(t.Context(), s)
	mustDo(t, "RawDump", err)
	var b strings.Builder
	for k, v := range dump {
		b.WriteString(k + "\n" + v + "\n")
	}
	return b.String()
}

// TestRawValuesHoldNoPlaintext writes every sensitive kind under a key and
// searches every raw key and value (strings, hashes, sets, sorted sets)
// for the texts it wrote.
func TestRawValuesHoldNoPlaintext(t *testing.T) {
	url := redisURL(t)
	s, err := redisstore.Open(t.Context(), url, redisstore.Options{Namespace: newNamespace(t, url), Keyring: storetest.Keyring(t, "k1", 1)})
	mustDo(t, "Open", err)
	defer s.Close()
	m := storetest.DefaultMarks()
	f := storetest.FillPerson(t, s, m)
	care, err := s.CareInfo(t.Context(), f.Other.ID)
	mustDo(t, "CareInfo", err)
	care.Exclusions = append(care.Exclusions, "p_exclusion_only_77")
	mustDo(t, "PutCareInfo", s.PutCareInfo(t.Context(), &care))
	raw := rawText(t, s)
	for _, secret := range []string{m.Note, m.Interest, m.Expectation, "p_exclusion_only_77"} {
		if strings.Contains(raw, secret) {
			t.Errorf("Redis holds %q in clear", secret)
		}
	}
	if !strings.Contains(raw, m.Name) || strings.Count(raw, "cv1\x02k1") < 8 {
		t.Errorf("the dump lacks the person's name or sealed values: the search proves nothing")
	}
}

// TestErasureLeavesNoResidue erases a person, with and without
// encryption, and searches every raw key and value for them.
func TestErasureLeavesNoResidue(t *testing.T) {
	url := redisURL(t)
	for _, tc := range []struct {
		name string
		keys *seal.Keyring
	}{{"clear", nil}, {"sealed", storetest.Keyring(t, "k1", 1)}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.Open(t.Context(), url, redisstore.Options{Namespace: newNamespace(t, url), Keyring: tc.keys})
			mustDo(t, "Open", err)
			defer s.Close()
			m := storetest.DefaultMarks()
			storetest.FillPerson(t, s, m)
			if tc.keys == nil && !strings.Contains(rawText(t, s), m.Note) {
				t.Fatalf("before erasure Redis lacks %q: the search proves nothing", m.Note)
			}
			_, err = s.ErasePerson(t.Context(), m.PersonID, housing.ErasureOptions{DropState: storetest.ActionOwner(m.TelegramID)})
			mustDo(t, "ErasePerson", err)
			raw := rawText(t, s)
			for _, mark := range m.Strings() {
				if i := strings.Index(raw, mark); i >= 0 {
					t.Errorf("after erasure Redis still holds %q: ...%s...", mark, raw[max(0, i-60):min(len(raw), i+40)])
				}
			}
		})
	}
}

// benchPopulated opens a sealed store on a fresh namespace holding 650
// people (storetest.Populate).
func benchPopulated(b *testing.B) *redisstore.Store {
	b.Helper()
	url := redisURL(b)
	s := newTestStore(b, func(o redisstore.Options) (*redisstore.Store, error) {
		k, err := seal.Parse("k1:" + "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
		if err != nil {
			return nil, err
		}
		o.Keyring = k
		return redisstore.Open(b.Context(), url, o)
	})
	if err := storetest.Populate(b.Context(), s, 650); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkErasePerson erases one person from a sealed namespace of 650
// people: a read of every record kind, one transaction per change.
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
// namespace of 650 people (2,600 check-ins), opening each.
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
