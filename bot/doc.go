// Package bot is Convivo in Telegram: the transport that talks to the Bot
// API, the conversations people have with the service, and the scheduled
// messages it sends on its own.
//
// Transport. Client (client.go) wraps tgbotapi v5.5.1 with a context per
// call and errors that never contain the token. Updates arrive through the
// Poller (poller.go, one replica at a time under a Lease, lease.go) or the
// webhook (webhook.go, claims per update); both call Bot.Handle. Sender
// (sender.go) is the single way out, within Telegram's limits and the quiet
// hours; the outbox (outbox.go) is its persisted queue for messages that
// must not be lost, deduplicated by key. tgbotapi's global logger is never
// used.
//
// Conversation layer. Bot (bot.go) routes updates (router.go): every command
// and button press is checked against the role × action table of roles.go,
// deny by default. Buttons carry only an opaque id of a pendingAction bound
// to one Telegram user (actions.go, keyboards.go); every press is answered.
// A person's place in a multi-step flow is a conversation in the
// StateStore (state.go; endFlow closes one). Texts come from the catalogs
// bot/locales/*.json (i18n.go); errors become words only in errors.go.
//
// Features, one file group each: invitations and consent (invite.go,
// consent.go), the interview and profile (interview*.go, profile.go),
// reminder preferences and the messages the bot queues (prefs*.go), the
// rota and swaps (rota*.go), outings (outing*.go), the weekly check-in
// (checkin.go), reports (report.go), early-warning alerts (alert*.go),
// mediator review of proposals and the placement lifecycle (review*.go,
// placement*.go), and people's rights (rights.go). Domain rules live in
// package housing (and rounds, warning); bot only speaks them.
//
// Jobs. Scheduled work is exposed as Bot methods XxxJob(ctx, slot) that do
// one slot's work idempotently (outbox keys derived from the slot):
// RotaJob, ChoreRemindersJob, CheckInJob, CheckInCloseJob,
// OutingRemindersJob, NightlyRoundJob and PlacementJob. cmd/convivo wires
// them to the scheduler; bot does not import it.
package bot
