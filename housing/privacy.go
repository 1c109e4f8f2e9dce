package housing

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// This file holds the storage contract's data-protection part: erasure,
// retention, key rotation and the audit log's pseudonyms. Retention
// policies are in retention.go.

// Privacy is what a Store does for the people's rights and for the rules
// on health data (GDPR art. 5(1)(e), 9, 15 and 17).
//
// Audit entries never hold a person's id. AppendAudit replaces the
// Subject, an Actor that names a person, and a person id at the end of
// Record ("care/p_12") with the person's pseudonym: a random id ("ps_"
// and 32 hexadecimal digits) that the store maps to the person and back.
// AuditLog filters by person id or by pseudonym alike and returns entries
// as stored, pseudonyms included, so that VerifyChain holds; PseudonymOwner
// resolves a pseudonym for display. Erasure deletes the mapping: the
// entries, which the hash chain forbids rewriting, stay and are linked to
// no one.
type Privacy interface {
	// ErasePerson removes person id from the store: their person record,
	// profile, care fields, consent records, check-ins, reported events,
	// invitations, pending and delivered outbox messages (by person, chat
	// or key), state values keyed by their id or Telegram id (and those
	// opts.DropState picks) and their audit pseudonym mapping. Every other
	// record that names them (placements, proposals, homes' occupants,
	// rotas, outings, alerts, risk scores, others' care exclusions) gets
	// their pseudonym in place of their id, so others' histories stay
	// whole. ErrNotFound if the person does not exist. A failed erasure
	// can be repeated until it succeeds.
	ErasePerson(ctx context.Context, id string, opts ErasureOptions) (ErasureReport, error)
	// ApplyRetention deletes or redacts what policy says has been kept
	// long enough at now, and prunes the audit log keeping it
	// verifiable (AuditAnchor). With dryRun it changes nothing and
	// reports what it would do.
	ApplyRetention(ctx context.Context, policy RetentionPolicy, now time.Time, dryRun bool) (RetentionReport, error)
	// RotateKey re-seals every sensitive value that is not sealed under
	// the keyring's active key (including values written before
	// encryption was turned on) and returns how many it re-sealed. Keys
	// being retired must stay in the keyring until it returns. An error
	// wrapping seal.ErrNoKey when the store has no keyring.
	RotateKey(ctx context.Context) (int, error)
	// AuditChain returns the audit log's anchor and every entry after
	// it, in Seq order, as one consistent read, for VerifyChainFrom.
	AuditChain(ctx context.Context) (AuditAnchor, []AuditEntry, error)
	// PseudonymOwner returns the person id behind an audit pseudonym, or
	// ErrNotFound (never mapped, or the person was erased).
	PseudonymOwner(ctx context.Context, pseudonym string) (string, error)
}

// ErasureOptions tunes ErasePerson.
type ErasureOptions struct {
	// DropState, if not nil, picks further StateStore values to delete:
	// those the adapters bind to the person in their value rather than
	// in their key (the bot's pending button actions carry the Telegram
	// id they belong to). It sees every state value, opened.
	DropState func(key string, value []byte) bool
}

// Tally counts records by kind ("person", "checkin", "placement" ...).
type Tally map[string]int

// Add adds n records of kind; n of 0 leaves the tally unchanged.
func (t Tally) Add(kind string, n int) {
	if n != 0 {
		t[kind] += n
	}
}

// Total returns the number of records counted.
func (t Tally) Total() int {
	n := 0
	for _, c := range t {
		n += c
	}
	return n
}

// ErasureReport says what ErasePerson did.
type ErasureReport struct {
	PersonID string `json:"person_id"`
	// Pseudonym is what now stands for the person in others' records
	// and in the audit log; nothing links it to them any more.
	Pseudonym string `json:"pseudonym"`
	// Deleted counts the records removed, by kind.
	Deleted Tally `json:"deleted"`
	// Pseudonymised counts others' records rewritten, by kind.
	Pseudonymised Tally `json:"pseudonymised"`
}

// NewErasureReport returns an empty report for person id.
func NewErasureReport(id, pseudonym string) ErasureReport {
	return ErasureReport{PersonID: id, Pseudonym: pseudonym, Deleted: Tally{}, Pseudonymised: Tally{}}
}

// PseudonymPrefix starts every pseudonym.
const PseudonymPrefix = "ps_"

// NewPseudonym returns a fresh random pseudonym: "ps_" and 32 hexadecimal
// digits. It is a valid id, derived from nothing.
func NewPseudonym() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return PseudonymPrefix + hex.EncodeToString(b[:])
}

// IsPseudonym reports whether s has the form NewPseudonym returns.
func IsPseudonym(s string) bool {
	rest, ok := strings.CutPrefix(s, PseudonymPrefix)
	if !ok || len(rest) != 32 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// idByte reports whether c may be part of an id.
func idByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// ReplaceID replaces every whole occurrence of id in s with with: one not
// preceded or followed by a character ids may contain, so "care/p_1" and
// "alert:p_1,p_2" name p_1 but "p_12" does not. It reports whether it
// replaced any.
func ReplaceID(s, id, with string) (string, bool) {
	if id == "" || !strings.Contains(s, id) {
		return s, false
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], id)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		start, end := i+j, i+j+len(id)
		whole := (start == 0 || !idByte(s[start-1])) && (end == len(s) || !idByte(s[end]))
		b.WriteString(s[i:start])
		if whole {
			b.WriteString(with)
			changed = true
		} else {
			b.WriteString(id)
		}
		i = end
	}
	return b.String(), changed
}

// ContainsID reports whether s holds a whole occurrence of id, as
// ReplaceID finds them.
func ContainsID(s, id string) bool {
	_, ok := ReplaceID(s, id, id)
	return ok
}

// PseudonymizeJSON replaces id with with (ReplaceID) in every string and
// object key of the JSON document b, and reports whether it changed
// anything. Numbers keep their exact text.
func PseudonymizeJSON(b []byte, id, with string) ([]byte, bool, error) {
	if id == "" || !bytes.Contains(b, []byte(id)) {
		return b, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, err
	}
	v, changed := replaceIn(v, id, with)
	if !changed {
		return b, false, nil
	}
	out, err := json.Marshal(v)
	return out, err == nil, err
}

// replaceIn is PseudonymizeJSON on a decoded value.
func replaceIn(v any, id, with string) (any, bool) {
	switch x := v.(type) {
	case string:
		return ReplaceID(x, id, with)
	case []any:
		changed := false
		for i := range x {
			var c bool
			x[i], c = replaceIn(x[i], id, with)
			changed = changed || c
		}
		return x, changed
	case map[string]any:
		out := make(map[string]any, len(x))
		changed := false
		for k, e := range x {
			k2, c1 := ReplaceID(k, id, with)
			e2, c2 := replaceIn(e, id, with)
			out[k2] = e2
			changed = changed || c1 || c2
		}
		return out, changed
	}
	return v, false
}

// PseudonymFunc returns the pseudonym of person id for an audit entry, or
// "" to keep id as it is. subject is true for the entry's Subject (and
// for an Actor or Record that names the Subject): a store gives every
// subject a pseudonym, creating one if needed, and others only when they
// name a person it knows.
type PseudonymFunc func(id string, subject bool) (string, error)

// PseudonymizeAudit replaces the person ids of e (Subject, Actor, and the
// id after the last '/' of Record) with the pseudonyms ps returns. Values
// that are not ids ("cli:anna") or are pseudonyms already stay.
func PseudonymizeAudit(e *AuditEntry, ps PseudonymFunc) error {
	subject := e.Subject
	swap := func(field *string) error {
		id := *field
		if !ValidID(id) || IsPseudonym(id) {
			return nil
		}
		p, err := ps(id, subject != "" && id == subject)
		if err != nil {
			return err
		}
		if p != "" {
			*field = p
		}
		return nil
	}
	if err := swap(&e.Subject); err != nil {
		return err
	}
	if err := swap(&e.Actor); err != nil {
		return err
	}
	slash := strings.LastIndexByte(e.Record, '/')
	id := e.Record[slash+1:]
	if err := swap(&id); err != nil {
		return err
	}
	e.Record = e.Record[:slash+1] + id
	return nil
}
