// Package warning is Convivo's early-warning service. Every night Scan
// scores each placement where people live together (trial, active, under
// review) from its records with the housing risk model, keeps the score in
// the placement's risk history and, when housing.ShouldAlert says so,
// raises an alert to the residents' responsible social workers with the
// reasons. Escalate, run every hour or so, sends alerts nobody
// acknowledged to the district's mediators after Config.EscalateAfter and
// to the admins after twice that. Report records what a resident reports
// and raises an alert at once for a request to talk to one's worker or an
// urgent report. Acknowledge, Resolve, Details and Open serve the staff,
// with role checks and audit entries.
//
// # Never lost, never doubled
//
// An alert's id is derived from its placement, its dedup key and the
// night (or, for an immediate alert, the event), and it is created with
// Version 0, so two replicas scanning the same night create it once: the
// second gets housing.ErrConflict and leaves the alert to the first.
// The Notifier is called only after the alert is stored, and a marker in
// the state store records that it returned; an open alert without its
// marker (a crash, or a Notifier error, between the two) is notified again
// by the next Scan or Escalate. Delivery is therefore at least once, and
// the Notifier makes it once by enqueueing in the outbox under the keys
// AlertKey and EscalationKey, which the outbox never accepts twice.
//
// # State keys
//
// The service reads and writes these keys of the housing.StateStore:
//
//	seen:<person id>              written by the bot: the person's last interaction
//	                              with it (a message or a button), as an RFC 3339 time;
//	                              keep it for at least 60 days (a ttl of 0 is fine)
//	alert-notified:<alert id>     written here once the Notifier took a new alert
//	alert-escalated:<alert id>:<step>
//	                              written here once the Notifier took escalation step
//	                              <step> (0: mediators, 1: admins)
//
// The people in a placement are never told that it was flagged: the
// Notifier only ever gets staff as recipients.
package warning
