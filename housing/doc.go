// Package housing is Convivo's domain: the people in the programme and the
// staff who follow them, their interview answers (Profile) and the care
// team's fields (CareInfo), the homes they can share, the proposals the
// matching engine makes, the placements that follow, and the records that
// keep the service accountable (invitations, consent, audit).
//
// The package holds types, their validation, the sentinel errors callers
// test with errors.Is, and the storage contract, Store. It does no I/O;
// implementations live in boltstore (the embedded default) and redisstore
// (production), and storetest holds the one contract suite both must pass.
// The contract's Privacy part (privacy.go, retention.go) covers erasure,
// retention, the audit log's pseudonyms and anchor, and key rotation; the
// stores seal health data with package seal.
package housing
