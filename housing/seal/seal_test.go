package seal_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing/seal"
)

// key returns a deterministic 32-byte key filled with b, base64-encoded.
func key(b byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, seal.KeySize))
}

func mustParse(t *testing.T, spec string) *seal.Keyring {
	t.Helper()
	k, err := seal.Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q) = %v", spec, err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := mustParse(t, "k1:"+key(1))
	plain := []byte(`{"notes":"ZEBRA-PLAINTEXT-42"}`)
	env := k.Seal(plain, []byte("care/p_1"))
	if !seal.IsSealed(env) || bytes.Contains(env, []byte("ZEBRA")) {
		t.Fatalf("Seal() = %q; want an envelope without the plaintext", env)
	}
	if id, err := seal.KeyID(env); err != nil || id != "k1" {
		t.Errorf("KeyID(env) = %q, %v; want k1", id, err)
	}
	got, err := k.Open(env, []byte("care/p_1"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open(Seal(x)) = %q, %v; want %q", got, err, plain)
	}
	if again := k.Seal(plain, []byte("care/p_1")); bytes.Equal(again, env) {
		t.Errorf("two Seals of one value are equal; want fresh nonces")
	}
}

func TestOpenRefuses(t *testing.T) {
	k := mustParse(t, "k1:"+key(1))
	env := k.Seal([]byte("secret"), []byte("care/p_1"))
	flipped := bytes.Clone(env)
	flipped[len(flipped)-1] ^= 1
	for _, tc := range []struct {
		name string
		ring *seal.Keyring
		env  []byte
		aad  string
		want error
	}{
		{"moved to another record", k, env, "care/p_2", seal.ErrWrongKey},
		{"altered", k, flipped, "care/p_1", seal.ErrWrongKey},
		{"other key, same id", mustParse(t, "k1:"+key(2)), env, "care/p_1", seal.ErrWrongKey},
		{"key id not in ring", mustParse(t, "k2:"+key(1)), env, "care/p_1", seal.ErrUnknownKey},
		{"plain JSON", k, []byte(`{"a":1}`), "care/p_1", seal.ErrMalformed},
		{"truncated", k, env[:6], "care/p_1", seal.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.ring.Open(tc.env, []byte(tc.aad)); !errors.Is(err, tc.want) {
				t.Errorf("Open() = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestRotationRing(t *testing.T) {
	old := mustParse(t, "k1:"+key(1))
	env := old.Seal([]byte("x"), nil)
	ring := mustParse(t, "k2:"+key(2)+", k1:"+key(1))
	if ring.Active() != "k2" {
		t.Errorf("Active() = %q; want the first key, k2", ring.Active())
	}
	if got, err := ring.Open(env, nil); err != nil || string(got) != "x" {
		t.Errorf("Open(value sealed under k1) with ring k2,k1 = %q, %v; want x", got, err)
	}
	if id, _ := seal.KeyID(ring.Seal([]byte("x"), nil)); id != "k2" {
		t.Errorf("ring k2,k1 sealed under %q; want k2", id)
	}
	if got := strings.Join(ring.KeyIDs(), ","); got != "k1,k2" {
		t.Errorf("KeyIDs() = %s; want k1,k2", got)
	}
}

func TestParse(t *testing.T) {
	raw := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))
	for _, tc := range []struct {
		spec   string
		active string
		ok     bool
	}{
		{"k1:" + key(1), "k1", true},
		{"# data keys\n\nk9:" + raw + "\nk1:" + key(1) + "\n", "k9", true},
		{"", "", false},
		{"k1", "", false},
		{"k1:not-base64!", "", false},
		{"k1:" + base64.StdEncoding.EncodeToString([]byte("short")), "", false},
		{"k1:" + key(1) + ",k1:" + key(2), "", false},
		{"bad id:" + key(1), "", false},
		{"waytoolongakeyid17:" + key(1), "", false},
	} {
		k, err := seal.Parse(tc.spec)
		if ok := err == nil; ok != tc.ok {
			t.Errorf("Parse(%q) = %v; want ok %v", tc.spec, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, seal.ErrBadKey) {
			t.Errorf("Parse(%q) = %v; want ErrBadKey", tc.spec, err)
		}
		if err == nil && k.Active() != tc.active {
			t.Errorf("Parse(%q).Active() = %q; want %q", tc.spec, k.Active(), tc.active)
		}
		if err != nil && strings.Contains(err.Error(), key(1)) {
			t.Errorf("Parse(%q) error %q repeats the key", tc.spec, err)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	spec, err := seal.GenerateKey("k2026")
	if err != nil {
		t.Fatalf("GenerateKey() = %v", err)
	}
	k := mustParse(t, spec)
	if k.Active() != "k2026" {
		t.Errorf("Parse(GenerateKey(k2026)).Active() = %q", k.Active())
	}
	other, _ := seal.GenerateKey("k2026")
	if other == spec {
		t.Errorf("two GenerateKey calls returned the same key")
	}
	if _, err := seal.GenerateKey("no good"); !errors.Is(err, seal.ErrBadKey) {
		t.Errorf("GenerateKey(\"no good\") = %v; want ErrBadKey", err)
	}
}

func BenchmarkSeal(b *testing.B) {
	k, _ := seal.Parse("k1:" + key(1))
	plain := bytes.Repeat([]byte("x"), 600) // about a profile's JSON
	aad := []byte("profile/p_1")
	for b.Loop() {
		_, _ = k.Open(k.Seal(plain, aad), aad)
	}
}

func TestWrapUnwrap(t *testing.T) {
	var none *seal.Keyring
	plain := []byte(`{"a":1}`)
	if got := none.Wrap(plain, nil); !bytes.Equal(got, plain) {
		t.Errorf("nil.Wrap(x) = %q; want x unchanged", got)
	}
	k := mustParse(t, "k1:"+key(1))
	env := k.Wrap(plain, []byte("a"))
	if got, err := k.Unwrap(env, []byte("a")); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("Unwrap(Wrap(x)) = %q, %v; want x", got, err)
	}
	if got, err := k.Unwrap(plain, []byte("a")); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("Unwrap(plain) = %q, %v; want it unchanged", got, err)
	}
	if _, err := none.Unwrap(env, []byte("a")); !errors.Is(err, seal.ErrNoKey) {
		t.Errorf("nil.Unwrap(sealed) = %v; want ErrNoKey", err)
	}
	ring := mustParse(t, "k2:"+key(2)+",k1:"+key(1))
	if ring.Current(env) || ring.Current(plain) || !ring.Current(ring.Seal(plain, nil)) {
		t.Errorf("Current: want false for k1 and plain values, true for k2's")
	}
}

func TestCheckMarker(t *testing.T) {
	k1 := mustParse(t, "k1:"+key(1))
	marker := k1.Marker()
	for _, tc := range []struct {
		name string
		ring *seal.Keyring
		want error
	}{
		{"same key", k1, nil},
		{"ring holding it", mustParse(t, "k2:"+key(2)+",k1:"+key(1)), nil},
		{"no key", nil, seal.ErrNoKey},
		{"other id", mustParse(t, "k2:"+key(2)), seal.ErrUnknownKey},
		{"other key, same id", mustParse(t, "k1:"+key(9)), seal.ErrWrongKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := seal.CheckMarker(tc.ring, marker)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("CheckMarker() = %v; want %v", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("CheckMarker() = %q; want one line", err)
			}
		})
	}
}
