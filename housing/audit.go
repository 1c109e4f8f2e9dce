package housing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	prev := ""
	for i, e := range entries {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.ComputeHash() != e.Hash {
			return int64(i + 1), false
		}
		prev = e.Hash
	}
	return 0, true
}
