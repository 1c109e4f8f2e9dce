package bot

import (
	"context"
	"errors"
	"log/slog"

	"github.com/convivo/convivo/housing"
)

// This file is the only place where errors become words for people. Each
// known error maps to a message id; anything else gets a generic reply and
// one error log line, without the person's messages or data.

// errorScope says what the person was doing, for more precise words.
type errorScope int

const (
	scopeGeneral errorScope = iota
	scopeInvitation
)

// errorMessage returns the message id for err and whether err is known.
func errorMessage(err error, scope errorScope) (string, bool) {
	if scope == scopeInvitation {
		switch {
		case errors.Is(err, housing.ErrNotFound), errors.Is(err, housing.ErrInvalid):
			return "invite.unknown", true
		case errors.Is(err, housing.ErrExpired):
			return "invite.expired", true
		case errors.Is(err, housing.ErrConflict):
			return "invite.used", true
		}
	}
	switch {
	case errors.Is(err, errActionGone):
		return "button.gone", true
	case errors.Is(err, errNotYours):
		return "button.not_yours", true
	case errors.Is(err, housing.ErrNotFound):
		return "error.not_found", true
	case errors.Is(err, housing.ErrExpired):
		return "error.expired", true
	case errors.Is(err, housing.ErrConflict):
		return "error.conflict", true
	case errors.Is(err, housing.ErrInvalid):
		return "error.invalid", true
	case errors.Is(err, housing.ErrForbidden):
		return "error.forbidden", true
	}
	return "error.generic", false
}

// errorText returns the words for err in lang, logging it once when it is
// not one the bot knows.
func (b *Bot) errorText(ctx context.Context, lang housing.Lang, err error, scope errorScope) string {
	id, known := errorMessage(err, scope)
	if !known {
		b.logger.ErrorContext(ctx, "bot: request failed", slog.Any("err", err))
	}
	return b.tr.T(lang, id, nil)
}

// replyError tells chat what went wrong.
func (b *Bot) replyError(ctx context.Context, chatID int64, lang housing.Lang, err error, scope errorScope) {
	b.send(ctx, chatID, b.errorText(ctx, lang, err, scope), nil)
}
