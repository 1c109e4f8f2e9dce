// Package boltstore is Convivo's embedded default store: one bbolt file,
// ACID transactions, implementing housing.Store.
//
// # Layout
//
// Each record kind has its own top-level bucket, keyed by record id, with
// the record as JSON:
//
//	people       person id      → housing.Person
//	profiles     person id      → housing.Profile
//	care         person id      → housing.CareInfo
//	homes        home id        → housing.Home
//	placements   placement id   → housing.Placement
//	proposals    proposal id    → housing.Proposal
//	invitations  invitation id  → housing.Invitation
//	consents     consent id     → housing.ConsentRecord
//	audit        Seq (8 bytes, big-endian) → housing.AuditEntry
//	state        StateStore key → expiry (8 bytes, big-endian Unix
//	             nanoseconds, 0 = never) followed by the value
//	outbox       message key    → the outbox record (see Outbox)
//	tasks        task id        → housing.Task
//	assignments  assignment id  → housing.Assignment
//	ledgers      home id        → housing.Ledger
//	swaps        swap id        → housing.Swap
//	outings      outing id      → housing.Outing
//	checkins     check-in id    → housing.CheckIn
//	events       event id       → housing.Event
//	alerts       alert id       → housing.Alert
//	risk         placement id + "\x00" + At (8 bytes, big-endian Unix
//	             nanoseconds) → housing.Risk
//	meta         "sealed" → the seal marker; "audit.anchor" → housing.AuditAnchor
//	pseudonyms   person id      → their audit pseudonym
//	pseudonyms.rev  pseudonym   → person id
//
// Secondary indexes are the ones package housing/internal/index defines,
// one bucket per index, named after it ("person.district",
// "placement.person", ...). An index key is value + "\x00" + id and its
// value is empty, so a prefix scan over value + "\x00" yields the ids of
// the matching records in id order. The audit.subject index stores the Seq
// as 16 hexadecimal digits in place of the id, so its scan yields Seq
// order. person.telegram and invitation.token are unique: a second record
// with the same value is ErrConflict. The assignment.home and
// assignment.person indexes put the due date between value and id: value
// + "\x00" + Due (8 bytes, big-endian Unix seconds with the sign bit
// flipped) + "\x00" + id, so a prefix scan yields (due, id) order and a
// time window is one cursor range. Writes change the record and its index
// entries (index.Diff of the old and new entries) in one transaction.
//
// A list scans the index of every indexed field its filter sets (e.g.
// district and role), intersects the id lists, loads those records and
// applies the filter's Match for the rest; when the filter sets no indexed
// field it scans the record bucket. Either way the result is in id order;
// the house-life lists then sort it by their time (Due, At, Week or
// CreatedAt), ties in id order. A placement's risk history is one range of
// the risk bucket, in time order; a score appended at an instant already
// stored replaces it.
//
// # Versions
//
// Every mutable record carries a Version. Create methods store Version 1;
// Update and Put methods compare the caller's Version with the stored one
// (0 for a Put of a record that does not exist yet), fail with
// housing.ErrConflict when they differ, and otherwise store Version+1 and
// write it back into the caller's struct. Changes made on the caller's
// behalf inside one transaction (a home's occupants on approval or when a
// placement ends, a proposal's decision) increment the changed records'
// versions the same way. Consent records, audit entries and risk scores
// are never changed, so they have none. The house-life Put methods
// (housing.LifeStore) follow the Put rule and assign an ID when it is
// empty; DeleteTask of a missing task is not an error.
//
// # Outbox
//
// The outbox keeps one record per message key, as JSON: while the message
// is pending, {"message": housing.OutboxMessage, "status": "pending",
// "due": score}; once marked, only {"status": "sent" or "failed",
// "done_at", "reason"}, so the key stays deduplicated but the text, photo,
// keyboard, chat and person are gone. Two index buckets hold the pending
// messages only, with empty values:
//
//	outbox.due     score (8 bytes, big-endian Unix nanoseconds) + message key
//	outbox.person  person id + "\x00" + message key
//
// A message's score is its NotBefore (times before 1970 count as 0) until
// it is claimed, then the end of its claim; Claim walks outbox.due in
// (score, key) order up to now and moves each message it takes to
// now+lease, all in one write transaction; Postpone moves a pending
// message's entry to the score it is given. MarkSent and MarkFailed remove
// both index entries; DropPending deletes a person's pending messages,
// records and entries, freeing their keys. OutboxDepth is the number of
// entries in outbox.due. The three buckets are created by the first write
// to the outbox, so files written before it existed open unchanged.
//
// # Encryption at rest
//
// With Options.Keyring, the sensitive values are sealed (housing/seal,
// AES-256-GCM): profiles, care fields, check-ins, events, alerts and risk
// scores whole, with the additional data "bucket/id" ("risk/" and the key
// for scores); state values after their expiry prefix ("state/" and the
// key); a pending outbox message in its record's "sealed" field
// ("outbox/" and the key). Keys, indexes and the other records stay in
// clear: ids, dates, statuses, homes, and people's names, case codes and
// Telegram ids. A value in clear is read as it is, so a file switches to
// encryption by opening it with a keyring and running RotateKey, which
// seals whatever is not sealed under the active key.
//
// The first Open with a keyring writes the marker: a known text sealed
// under the active key. Open without a keyring then fails with
// seal.ErrNoKey, and with a keyring that cannot open the marker with
// seal.ErrUnknownKey or seal.ErrWrongKey. RotateKey moves the marker to
// the active key once every value is re-sealed.
//
// # Audit pseudonyms, erasure, retention
//
// AppendAudit stores pseudonyms in place of person ids
// (housing.PseudonymizeAudit); the pseudonyms buckets map each person to
// their pseudonym and back, and the audit.subject index is keyed by
// pseudonym. ErasePerson runs in one transaction: it deletes the person's
// records and mapping and rewrites every other record that names them
// (housing.PseudonymizeJSON), moving index entries. ApplyRetention runs
// in one transaction too (a read transaction for a dry run); pruning the
// audit log deletes its oldest entries and records their last Seq and Hash
// as the anchor under meta.
//
// bbolt never overwrites a page in place: an old version of a changed or
// deleted record stays in the file's free pages until reused. So
// ErasePerson, RotateKey and an ApplyRetention that changed anything then
// compact the file: they copy the live records to path + ".compact",
// rename it over the file and reopen it, holding every other call back
// meanwhile.
//
// The file is locked by the process that opens it; a second Open fails
// after Options.Timeout with ErrLocked rather than waiting.
package boltstore
