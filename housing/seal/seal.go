// Package seal encrypts Convivo's sensitive records at rest with AES-256-GCM
// from the standard library.
//
// A Keyring holds one or more 32-byte keys, each under a short key id; one
// of them is active and seals everything new. A sealed value is a
// self-describing envelope:
//
//	"cv1" | key id length (1 byte) | key id | nonce (12 bytes) | ciphertext and GCM tag
//
// so a value sealed under an older key still opens while that key stays in
// the ring, and rotating keys is re-sealing every value with the active
// one. The caller passes additional authenticated data (AAD) naming the
// record, such as "care/p_12": a ciphertext moved to another record, or
// altered, does not open.
//
// Keys come from configuration as "kid:base64key[,kid2:base64key2]" (Parse);
// the first is the active key.
package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// KeySize is the length of a key in bytes: AES-256.
const KeySize = 32

// MaxKeyID bounds the length of a key id.
const MaxKeyID = 16

const (
	magic     = "cv1"
	nonceSize = 12
)

// Errors. Stores wrap them; callers test them with errors.Is.
var (
	// ErrNoKey means the data is encrypted and no keyring was given.
	ErrNoKey = errors.New("data is encrypted: set CONVIVO_DATA_KEY")
	// ErrUnknownKey means a value was sealed under a key id the keyring
	// does not hold.
	ErrUnknownKey = errors.New("sealed under a key the keyring does not hold")
	// ErrWrongKey means a value did not open: a different key under the
	// same id, an altered value, or a value moved to another record.
	ErrWrongKey = errors.New("cannot open: wrong key, or the value was altered or moved")
	// ErrMalformed means the bytes are not a sealed envelope.
	ErrMalformed = errors.New("not a sealed value")
	// ErrBadKey means a key or key specification is unusable.
	ErrBadKey = errors.New("bad data key")
)

// Keyring is a set of keys by id, one of them active. It is safe for
// concurrent use and never changes after New.
type Keyring struct {
	active string
	aeads  map[string]cipher.AEAD
}

// New returns a keyring holding keys (id → 32-byte key) with active as the
// key that seals. Key ids are 1 to MaxKeyID characters from A-Z a-z 0-9 _ -.
func New(active string, keys map[string][]byte) (*Keyring, error) {
	if _, ok := keys[active]; !ok {
		return nil, fmt.Errorf("seal: active key %q is not in the keyring: %w", active, ErrBadKey)
	}
	k := &Keyring{active: active, aeads: make(map[string]cipher.AEAD, len(keys))}
	for id, key := range keys {
		if !validKeyID(id) {
			return nil, fmt.Errorf("seal: key id %q: want 1 to %d characters from A-Z a-z 0-9 _ -: %w", id, MaxKeyID, ErrBadKey)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("seal: key %q is %d bytes; want %d: %w", id, len(key), KeySize, ErrBadKey)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("seal: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("seal: key %q: %w", id, err)
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// Parse reads a key specification: entries "kid:base64key" separated by
// commas or new lines, the first one active. Blank lines and lines
// starting with '#' are ignored, so a key file can carry comments. The key
// is standard or URL-safe base64, padded or not, of 32 bytes.
func Parse(spec string) (*Keyring, error) {
	var active string
	keys := map[string][]byte{}
	for _, line := range strings.Split(strings.ReplaceAll(spec, ",", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, b64, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("seal: key entry without an id: want kid:base64key: %w", ErrBadKey)
		}
		id = strings.TrimSpace(id)
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("seal: key id %q appears twice: %w", id, ErrBadKey)
		}
		key, err := decodeKey(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("seal: key %q: %w", id, err)
		}
		keys[id] = key
		if active == "" {
			active = id
		}
	}
	if active == "" {
		return nil, fmt.Errorf("seal: no key given: %w", ErrBadKey)
	}
	return New(active, keys)
}

// decodeKey reads a base64 key in any of the usual alphabets.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("%d bytes; want %d: %w", len(b), KeySize, ErrBadKey)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64: %w", ErrBadKey)
}

// GenerateKey returns a new random key as Parse reads it: "kid:base64key".
func GenerateKey(id string) (string, error) {
	if !validKeyID(id) {
		return "", fmt.Errorf("seal: key id %q: want 1 to %d characters from A-Z a-z 0-9 _ -: %w", id, MaxKeyID, ErrBadKey)
	}
	var b [KeySize]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return id + ":" + base64.StdEncoding.EncodeToString(b[:]), nil
}

// validKeyID reports whether id can name a key inside an envelope.
func validKeyID(id string) bool {
	if len(id) == 0 || len(id) > MaxKeyID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Active returns the id of the key that seals.
func (k *Keyring) Active() string { return k.active }

// KeyIDs returns the ids of every key in the ring, sorted.
func (k *Keyring) KeyIDs() []string {
	ids := make([]string, 0, len(k.aeads))
	for id := range k.aeads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Seal encrypts plain under the active key, binding aad, and returns the
// envelope. Each call draws a fresh random nonce.
func (k *Keyring) Seal(plain, aad []byte) []byte {
	aead := k.aeads[k.active]
	out := make([]byte, 0, len(magic)+1+len(k.active)+nonceSize+len(plain)+aead.Overhead())
	out = append(out, magic...)
	out = append(out, byte(len(k.active)))
	out = append(out, k.active...)
	nonce := out[len(out) : len(out)+nonceSize]
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	out = out[:len(out)+nonceSize]
	return aead.Seal(out, nonce, plain, aad)
}

// Open decrypts an envelope that was sealed with aad. ErrMalformed for bytes
// that are not an envelope, ErrUnknownKey for a key id the ring lacks,
// ErrWrongKey when authentication fails.
func (k *Keyring) Open(env, aad []byte) ([]byte, error) {
	id, rest, err := split(env)
	if err != nil {
		return nil, err
	}
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("seal: key %q: %w", id, ErrUnknownKey)
	}
	plain, err := aead.Open(nil, rest[:nonceSize], rest[nonceSize:], aad)
	if err != nil {
		return nil, fmt.Errorf("seal: key %q: %w", id, ErrWrongKey)
	}
	return plain, nil
}

// IsSealed reports whether b starts like an envelope. JSON records start
// with '{', '[' or '"', never with "cv1".
func IsSealed(b []byte) bool { return bytes.HasPrefix(b, []byte(magic)) }

// KeyID returns the id of the key that sealed env.
func KeyID(env []byte) (string, error) {
	id, _, err := split(env)
	return id, err
}

// split returns an envelope's key id and its nonce and ciphertext.
func split(env []byte) (string, []byte, error) {
	if !IsSealed(env) || len(env) < len(magic)+1 {
		return "", nil, ErrMalformed
	}
	n := int(env[len(magic)])
	rest := env[len(magic)+1:]
	if n == 0 || n > MaxKeyID || len(rest) < n+nonceSize {
		return "", nil, ErrMalformed
	}
	return string(rest[:n]), rest[n:], nil
}

// Wrap seals plain under the active key, or returns it unchanged when k is
// nil (a store without encryption).
func (k *Keyring) Wrap(plain, aad []byte) []byte {
	if k == nil {
		return plain
	}
	return k.Seal(plain, aad)
}

// Unwrap opens v if it is sealed and returns it unchanged otherwise (a
// value written before encryption was turned on). A sealed value and a nil
// k is an error wrapping ErrNoKey.
func (k *Keyring) Unwrap(v, aad []byte) ([]byte, error) {
	if !IsSealed(v) {
		return v, nil
	}
	if k == nil {
		return nil, ErrNoKey
	}
	return k.Open(v, aad)
}

// Current reports whether v is sealed under k's active key: false for a
// value in clear or sealed under an older key, which RotateKey re-seals.
func (k *Keyring) Current(v []byte) bool {
	id, err := KeyID(v)
	return err == nil && id == k.active
}

const (
	markerText = "convivo data key check"
	markerAAD  = "meta/sealed"
)

// Marker returns the value a store keeps once it seals data: a known text
// sealed under the active key, by which CheckMarker recognises the right
// keyring when the store is opened again.
func (k *Keyring) Marker() []byte { return k.Seal([]byte(markerText), []byte(markerAAD)) }

// CheckMarker reports whether k can open the data of a store whose marker
// is marker: nil if so, otherwise a one-line error wrapping ErrNoKey (k is
// nil), ErrUnknownKey (the data's key is not in k) or ErrWrongKey (a
// different key under the same id).
func CheckMarker(k *Keyring, marker []byte) error {
	if k == nil {
		return ErrNoKey
	}
	id, err := KeyID(marker)
	if err != nil {
		return fmt.Errorf("seal: the store's key marker is damaged: %w", err)
	}
	plain, err := k.Open(marker, []byte(markerAAD))
	switch {
	case errors.Is(err, ErrUnknownKey):
		return fmt.Errorf("the data is sealed under key %q, which the data key does not hold (keys: %s): %w",
			id, strings.Join(k.KeyIDs(), ", "), ErrUnknownKey)
	case err != nil || string(plain) != markerText:
		return fmt.Errorf("the data key %q does not open this store's data: %w", id, ErrWrongKey)
	}
	return nil
}
