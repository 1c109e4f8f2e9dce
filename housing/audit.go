package housing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry records one read or write of personal data: who, in which
// role, did what to which record, for which purpose, when. Entries form a
// hash chain: each Hash covers the entry and the previous entry's hash, so
// a removed or altered entry is detected.
type AuditEntry struct {
	Seq       int64     `json:"seq"` // 1, 2, 3 …, set by the store
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"` // person id, or "cli:<user>" for the command line
	ActorRole Role      `json:"actor_role,omitempty"`
	Action    string    `json:"action"`            // e.g. "care.read", "proposal.approve"
	Record    string    `json:"record"`            // e.g. "care/p_12", "proposal/pr_3"
	Subject   string    `json:"subject,omitempty"` // the person whose data it is, for "who looked at my data"
	Purpose   string    `json:"purpose,omitempty"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// ComputeHash returns the entry's chain hash: SHA-256 over its fields
// (without Hash) as JSON, which includes PrevHash.
func (e AuditEntry) ComputeHash() string {
	e.Hash = ""
	b, _ := json.Marshal(e) // a struct of strings, ints and a time cannot fail to marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Validate checks the fields a caller sets.
func (e *AuditEntry) Validate() error {
	if e.Actor == "" {
		return invalid("actor", "is empty")
	}
	if e.Action == "" {
		return invalid("action", "is empty")
	}
	if e.At.IsZero() {
		return invalid("at", "is missing")
	}
	return nil
}

// VerifyChain checks that entries (in Seq order, starting at Seq 1) form an
// unbroken hash chain. It returns the Seq of the first bad entry and false,
// or 0 and true.
func VerifyChain(entries []AuditEntry) (int64, bool) {
	return VerifyChainFrom(entries, AuditAnchor{})
}

// AuditAnchor is where a pruned audit log starts: the Seq and Hash of the
// last entry that retention removed. The zero anchor is the start of the
// log. The anchor keeps a pruned log verifiable: the first kept entry's
// PrevHash must equal the anchor's Hash.
type AuditAnchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// VerifyChainFrom checks that entries (in Seq order) continue the chain
// from anchor: the first has Seq anchor.Seq+1 and PrevHash anchor.Hash,
// and each next one follows the one before. It returns the Seq the first
// bad entry should have had and false, or 0 and true. An empty log is
// unbroken.
func VerifyChainFrom(entries []AuditEntry, anchor AuditAnchor) (int64, bool) {
	prev := anchor.Hash
	for i, e := range entries {
		want := anchor.Seq + int64(i) + 1
		if e.Seq != want || e.PrevHash != prev || e.ComputeHash() != e.Hash {
			return want, false
		}
		prev = e.Hash
	}
	return 0, true
}

// PruneAudit returns how many leading entries of a log (in Seq order)
// lie wholly before the horizon, and the anchor that remains once they
// are removed. It stops at the first entry at or after the horizon, so
// that what remains is one unbroken run of the chain.
func PruneAudit(entries []AuditEntry, anchor AuditAnchor, horizon time.Time) (int, AuditAnchor) {
	n := 0
	for n < len(entries) && entries[n].At.Before(horizon) {
		anchor = AuditAnchor{Seq: entries[n].Seq, Hash: entries[n].Hash}
		n++
	}
	return n, anchor
}

// PruneEntry returns the entry a store appends to the log after pruning
// entries first to anchor.Seq, so that the chain itself records the
// pruning and the anchor it left.
func PruneEntry(first int64, anchor AuditAnchor, now time.Time) AuditEntry {
	return AuditEntry{
		At: now, Actor: "retention", Action: "audit.prune",
		Record:  fmt.Sprintf("audit/%d-%d", first, anchor.Seq),
		Purpose: "retention; anchor " + anchor.Hash,
	}
}
