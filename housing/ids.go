package housing

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// NewID returns a random identifier with the given prefix, e.g. "p_3f9a...".
// Stores call it for records created without an ID; importers and the seed
// generator may set their own.
func NewID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return prefix + "_" + hex.EncodeToString(b[:])
}

// NewInvitationToken returns a fresh one-time token for a deep link and the
// hash under which the invitation is stored. The token carries 192 bits of
// randomness, uses only A-Za-z0-9_- and is 32 characters long, within
// Telegram's 64-character limit for /start payloads. Only the hash is ever
// stored.
func NewInvitationToken() (token, hash string) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of an invitation token. Tokens have
// enough entropy that a plain hash, not a password hash, is the right tool.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ValidID reports whether s is usable as a record identifier: 1 to 64
// characters from A-Za-z0-9_-. The same alphabet keeps ids safe inside
// Redis keys, bolt keys and button payloads.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkID validates an identifier field.
func checkID(field, id string) error {
	if !ValidID(id) {
		return invalid(field, "%q is not a valid id (1-64 characters from A-Z a-z 0-9 _ -)", id)
	}
	return nil
}

// checkIDs validates a list of identifiers, naming the position of a bad one.
func checkIDs(field string, ids []string) error {
	for i, id := range ids {
		if !ValidID(id) {
			return invalid(fmt.Sprintf("%s[%d]", field, i), "%q is not a valid id", id)
		}
	}
	return nil
}
