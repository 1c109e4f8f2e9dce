// Package bot is the Telegram adapter of Convivo: it receives updates,
// routes commands and button presses to conversations, and sends replies and
// reminders within Telegram's limits.
//
// This file set is the plumbing the conversations sit on:
//
//   - Client (client.go) wraps tgbotapi v5.5.1 with a context per call, an
//     HTTP timeout longer than the long poll, and errors that never contain
//     the bot token (APIError, IsBlocked, IsNotModified, RetryAfter,
//     IsTemporary).
//   - Poller (poller.go) long-polls getUpdates and dispatches updates to an
//     UpdateHandler: in order within a chat, in parallel across chats; the
//     offset it confirms and persists (OffsetStore) is the watermark of
//     processed updates, so a restart loses none.
//   - Sender (sender.go) is the single way out: rate limits (overall, per
//     private chat, per group), 429/5xx/403 handling, long-text splitting.
//   - The outbox (outbox.go) is the persisted path for messages that must
//     not be lost (reminders, alerts): at-least-once, deduplicated by key.
//
// tgbotapi's package logger is never used: Client keeps Debug off and does
// not use GetUpdatesChan, the only other place tgbotapi logs. Nothing here
// calls tgbotapi.SetLogger (a global).
package bot
