package bot

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// button is one choice on an inline keyboard: its text and the option the
// pending action stores for it.
type button struct {
	label  string
	option string
}

// grid lays buttons out in rows of cols.
func grid(buttons []button, cols int) [][]button {
	var rows [][]button
	for len(buttons) > 0 {
		n := min(cols, len(buttons))
		rows = append(rows, buttons[:n])
		buttons = buttons[n:]
	}
	return rows
}

// keyboard stores the pending action behind rows of buttons, bound to
// user, and returns the inline keyboard and the action's id.
func (b *Bot) keyboard(ctx context.Context, user int64, kind string, rows [][]button) (*tgbotapi.InlineKeyboardMarkup, string, error) {
	a := pendingAction{User: user, Kind: kind}
	for _, row := range rows {
		for _, bt := range row {
			a.Options = append(a.Options, bt.option)
			a.Labels = append(a.Labels, bt.label)
		}
	}
	id, err := b.saveAction(ctx, a)
	if err != nil {
		return nil, "", err
	}
	kb := tgbotapi.InlineKeyboardMarkup{}
	i := 0
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, bt := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(bt.label, callbackData(id, i)))
			i++
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return &kb, id, nil
}

// noKeyboard is the markup that removes a message's keyboard.
func noKeyboard() tgbotapi.InlineKeyboardMarkup {
	return tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
}

// labelOf returns the label of option in a, or "" when it has none.
func labelOf(a pendingAction, option string) string {
	for i, o := range a.Options {
		if o == option && i < len(a.Labels) {
			return a.Labels[i]
		}
	}
	return ""
}
