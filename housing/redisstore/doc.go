// Package redisstore is Convivo's production housing.Store, on Redis
// (github.com/redis/go-redis/v9). Several replicas of the service can share
// one store: every change that touches more than one key is an optimistic
// transaction (WATCH, then MULTI/EXEC), retried a bounded number of times
// when another client changed a watched key first. Inside a transaction the
// store reads the records, applies the shared rules in housing (Approve,
// Reject, Redeem, Vacated, Release) and writes the records and their index
// entries (housing/internal/index) together.
//
// # Key layout
//
// Every key starts with the namespace in a hash tag, "{ns}:" (default
// namespace "convivo"), so all keys live in one hash slot and every
// transaction is legal on Redis Cluster and behind Sentinel without change
// (Open takes a single server's URL; NewWithClient takes a go-redis
// failover or cluster client).
// Values are JSON.
//
//	{ns}:person:<id>              a Person (STRING, JSON; so are the records below)
//	{ns}:profile:<person id>      a Profile
//	{ns}:care:<person id>         a CareInfo
//	{ns}:home:<id>                a Home, its Occupants included
//	{ns}:placement:<id>           a Placement
//	{ns}:proposal:<id>            a Proposal
//	{ns}:invitation:<id>          an Invitation
//	{ns}:consent:<id>             a ConsentRecord
//	{ns}:task:<id>                a Task
//	{ns}:assignment:<id>          an Assignment
//	{ns}:ledger:<home id>         a Ledger
//	{ns}:swap:<id>                a Swap
//	{ns}:outing:<id>              an Outing
//	{ns}:checkin:<id>             a CheckIn
//	{ns}:event:<id>               an Event
//	{ns}:alert:<id>               an Alert
//	{ns}:all:<kind>               SET of the ids of one kind (person, home, placement, proposal, invitation, consent,
//	                              task, assignment, ledger, swap, outing, checkin, event, alert)
//	{ns}:idx:<index>:<value>      SET of the ids with that value in a non-unique index, e.g. {ns}:idx:person.district:navile
//	{ns}:uidx:<index>:<value>     STRING id, for the unique indexes person.telegram and invitation.token
//	{ns}:zidx:<index>:<value>     ZSET of the ids with that value in an ordered index (assignment.home,
//	                              assignment.person), scored by Due in Unix seconds
//	{ns}:risk:<placement id>      HASH: At as 20-digit Unix nanoseconds → a Risk (JSON)
//	{ns}:riskat:<placement id>    ZSET of the risk hash's fields, all scored 0, so they sort as text: in time order
//	{ns}:audit:head               HASH seq, hash: the last audit entry's number and chain hash
//	{ns}:audit:<seq>              an AuditEntry; entries are numbered 1, 2, 3 …
//	{ns}:idx:audit.subject:<id>   SET of the seqs of the audit entries about a person
//	{ns}:state:<key>              a StateStore value (STRING, raw bytes), with its TTL as the key's expiry
//	{ns}:taken:<key>              receipt of a TakeState (token:value), kept one minute
//	{ns}:claimed:<key>            receipt of a ClaimState (token), kept one minute
//	{ns}:outbox:msg:<key>         HASH: status "pending", message (JSON), person; once marked, status ("sent", "failed"), done_at, reason
//	{ns}:outbox:due               ZSET of the pending messages' keys, scored by due time in Unix milliseconds
//	{ns}:outbox:person:<id>       SET of the keys of a person's pending messages
//	{ns}:meta:sealed              the seal marker (see Encryption at rest)
//	{ns}:audit:anchor             HASH seq, hash: where retention left the audit log
//	{ns}:pseudonym:<person id>    STRING: the person's audit pseudonym
//	{ns}:pseudonym-owner:<ps>     STRING: the person id behind a pseudonym
//
// The receipts make TakeState and ClaimState safe to repeat: go-redis
// resends a command whose reply timed out, and the resent call, carrying
// the same random token, gets the result of the first instead of
// ErrNotFound or false. Everything else is repeat-safe without them:
// creates refuse an existing ID, decisions and redemptions recognise their
// own repeat (housing.Approve, Reject, Redeem), and writes inside MULTI are
// absolute values.
//
// The outbox changes through Lua scripts, each one atomic step: Enqueue
// (HSET unless the hash exists, ZADD, SADD; repeat-safe), Claim
// (ZRANGEBYSCORE up to now in score-then-key order, ZADD XX of now+lease,
// HGET of each message, so concurrent replicas never get the same
// message), MarkSent and MarkFailed (the hash becomes the mark, dropping
// the text, photo, keyboard, chat and person, and the key leaves the due
// and person sets; repeat-safe), Postpone (ZADD XX of the new due time
// while the hash is pending; repeat-safe) and DropPending (deletes a
// person's pending hashes, their due entries and the person's set, freeing
// the keys). A message's score is its NotBefore until it is claimed, then
// the end of the claim or the time Postpone set; scores are whole
// milliseconds (exact in a float64), due times rounded up and Claim's now
// rounded down, so a message is never handed out early, at most a
// millisecond late, and within one millisecond in key order. The scripts build the message hash's name
// from the namespace, so they touch keys they are not passed; all of
// them share the namespace's hash slot, which Redis Cluster allows. A
// Claim or DropPending that go-redis repeats after a lost reply does not
// see the first try's work: claimed messages wait out their lease, and
// DropPending reports 0.
//
// The house-life records (housing.LifeStore) are written by one
// optimistic transaction per Put, watching the record's key: the version
// rule (Version 0 creates, else it must equal the stored one), the record,
// its index sets and sorted sets (index.Diff of the old and new entries;
// ZADD rescoring a moved due date) and its kind's all-set, in one EXEC.
// DeleteTask of a missing task is not an error, so it is repeat-safe.
// AppendRisk is one MULTI (HSET and ZADD) and replaces a score at an
// instant already stored, so it is repeat-safe too. Assignments reads a
// window of the person's or home's sorted set; the other house-life lists
// intersect index sets like the rest, and all of them sort what they load
// by their time (Due, At, Week or CreatedAt), then id.
//
// # Encryption at rest
//
// With Options.Keyring, the sensitive values are sealed (housing/seal,
// AES-256-GCM), with the key without its namespace as additional data:
// the profile, care, checkin, event and alert records whole, state values,
// the "message" field of an outbox hash, and each risk score (additional
// data: key, ':', field). Key names, index sets, sorted sets and the other
// records hold ids, dates and statuses, which are not health data; so do
// the append-only file and the snapshots Redis writes of them. A value in
// clear is read as it is, and RotateKey seals it. The first Open with a
// keyring sets {ns}:meta:sealed; an Open without one, or with one that
// cannot open it, fails with seal.ErrNoKey, seal.ErrUnknownKey or
// seal.ErrWrongKey. RotateKey re-seals key by key, each in its own
// optimistic transaction, then moves the marker.
//
// # Audit pseudonyms, erasure, retention
//
// AppendAudit stores pseudonyms in place of person ids; a new pseudonym's
// two mapping keys are written in the same transaction as the entry.
// ErasePerson is a sequence of atomic steps (one record, or one key, at a
// time): the pseudonym mapping is made sure of first, the person's own
// records are deleted, every other record that names them is rewritten
// with the pseudonym, their outbox hashes and state keys are deleted, and
// the mapping and the person record go last, so a failed erasure is
// finished by repeating it. ApplyRetention likewise decides record by
// record; pruning the audit log deletes its oldest entries and sets
// {ns}:audit:anchor in one transaction. Deleted values leave Redis's
// memory at once, but stay in the append-only file and in snapshots until
// they are rewritten (BGREWRITEAOF) or expire from backups.
//
// Index names and the entries each record puts in them come from
// housing/internal/index, which boltstore uses too.
//
// # Tests
//
// The tests need a redis-server: CONVIVO_TEST_REDIS_URL (e.g.
// redis://127.0.0.1:6379/0) runs the storetest contract suite and the
// Redis-specific tests, each in its own random namespace; unset, they
// skip; set but unreachable, they fail. CONVIVO_TEST_REDIS_CLUSTER_URL
// (a cluster node; one node owning every slot is enough, as it still
// refuses cross-slot commands) runs the suite again through a cluster
// client and checks every key's slot with CLUSTER KEYSLOT.
//
// # Limitations
//
// Because one hash tag covers the whole namespace, a Redis Cluster stores
// the namespace on one shard: the cluster gives availability, not more
// capacity. Sharding by district would need one hash tag per district and
// cross-district changes (none exist today) kept out of transactions.
// Lists read an index set and then the records; a record that changes in
// between is filtered again, so lists never return a record that does not
// match, but a list is not a snapshot of one instant.
package redisstore
