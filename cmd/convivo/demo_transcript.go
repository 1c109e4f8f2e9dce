package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
)

// transcript writes what happened, as it happens: who said what to whom,
// stamped with the simulated time, in the demo's language.
type transcript struct {
	w     io.Writer
	lang  housing.Lang
	loc   *time.Location
	photo func(c telegramtest.Call) string // writes a photo the bot sent, returns its path
	name  func(chatID int64) string        // who a chat belongs to
	day   string                           // the day of the last line
	// compact shows only the gist of each message, without buttons: for
	// interviews after the first, which would repeat it.
	compact bool
	texts   map[[2]int64]string // the text of each message sent, by chat and id
	ids     map[string]string   // short stand-ins for random record ids
	idCount map[string]int      // stand-ins given, by prefix
}

func newTranscript(w io.Writer, o demoOptions, loc *time.Location, photo func(telegramtest.Call) string) *transcript {
	return &transcript{w: w, lang: o.lang, loc: loc, photo: photo, texts: map[[2]int64]string{},
		ids: map[string]string{}, idCount: map[string]int{},
		name: func(id int64) string { return fmt.Sprint(id) }}
}

// words are the transcript's own words, by language.
func (t *transcript) word(key string) string {
	it := map[string]string{
		"title":    "Convivo demo: %d giorni nel distretto %s (seed %d)",
		"charts":   "I grafici che il bot manda vanno in: %s",
		"nobot":    "Nessun token: il bot vero parla con un Telegram finto, in questo processo, su un orologio simulato.",
		"bot":      "bot",
		"toast":    "avviso",
		"edit":     "(aggiorna il messaggio)",
		"chart":    "grafico",
		"link":     "‹link di invito›",
		"summary":  "Riepilogo",
		"chartsat": "Grafici salvati: %d, in %s",
		"kept":     "I dati restano in %[1]s: prova 'convivo people --data %[1]s' o 'convivo export --data %[1]s'.",
		"days":     "lunedì martedì mercoledì giovedì venerdì sabato domenica",
		"dd":       "lun mar mer gio ven sab dom",
		"months":   "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
		"mm":       "gen feb mar apr mag giu lug ago set ott nov dic",
	}
	en := map[string]string{
		"title":    "Convivo demo: %d days in the %s district (seed %d)",
		"charts":   "The charts the bot sends go to: %s",
		"nobot":    "No token: the real bot talks to a fake Telegram, in this process, on a simulated clock.",
		"bot":      "bot",
		"toast":    "pop-up",
		"edit":     "(updates the message)",
		"chart":    "chart",
		"link":     "‹invitation link›",
		"summary":  "Summary",
		"chartsat": "Charts saved: %d, in %s",
		"kept":     "The data stays in %[1]s: try 'convivo people --data %[1]s' or 'convivo export --data %[1]s'.",
		"days":     "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
		"dd":       "Mon Tue Wed Thu Fri Sat Sun",
		"months":   "January February March April May June July August September October November December",
		"mm":       "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
	}
	if t.lang == housing.LangEN {
		return en[key]
	}
	return it[key]
}

// nth returns the n-th (from 0) of the space-separated words of key.
func (t *transcript) nth(key string, n int) string { return strings.Fields(t.word(key))[n] }

// stamp is "lun 2 nov 09:00" / "Mon 2 Nov 09:00".
func (t *transcript) stamp(at time.Time) string {
	at = at.In(t.loc)
	wd := (int(at.Weekday()) + 6) % 7
	return fmt.Sprintf("%s %d %s %s", t.nth("dd", wd), at.Day(), t.nth("mm", int(at.Month())-1), at.Format("15:04"))
}

// dayLine starts a new day in the transcript when at is on a new day.
func (t *transcript) dayLine(at time.Time) {
	at = at.In(t.loc)
	day := at.Format("2006-01-02")
	if day == t.day {
		return
	}
	t.day = day
	wd := (int(at.Weekday()) + 6) % 7
	fmt.Fprintf(t.w, "\n── %s %d %s %d ──\n", t.nth("days", wd), at.Day(), t.nth("months", int(at.Month())-1), at.Year())
}

func (t *transcript) header(o demoOptions, out string) {
	fmt.Fprintf(t.w, t.word("title")+"\n", o.days, demoDistrict, o.seed)
	fmt.Fprintln(t.w, t.word("nobot"))
	fmt.Fprintf(t.w, t.word("charts")+"\n", out)
}

// idRE finds record ids made of a prefix and random hex digits, which
// differ from run to run.
var idRE = regexp.MustCompile(`\b([a-z]{1,3})_([0-9a-f]{12,32})\b`)

// shortIDs replaces random record ids by stand-ins numbered in order of
// appearance ("pr_1", "pl_2"), so that one seed gives one transcript.
func (t *transcript) shortIDs(text string) string {
	return idRE.ReplaceAllStringFunc(text, func(id string) string {
		if s, ok := t.ids[id]; ok {
			return s
		}
		prefix, _, _ := strings.Cut(id, "_")
		t.idCount[prefix]++
		s := fmt.Sprintf("%s_%d", prefix, t.idCount[prefix])
		t.ids[id] = s
		return s
	})
}

// line writes one stamped line; text's further lines are indented.
func (t *transcript) line(at time.Time, who, text string) {
	text = t.shortIDs(text)
	t.dayLine(at)
	prefix := "[" + t.stamp(at) + "] "
	fmt.Fprintf(t.w, "%s%s: %s\n", prefix, who, indent(text, strings.Repeat(" ", 4)))
}

// note writes a narrator's line: what happens away from Telegram.
func (t *transcript) note(at time.Time, text string) {
	text = t.shortIDs(text)
	t.dayLine(at)
	fmt.Fprintf(t.w, "  · %s\n", indent(text, "    "))
}

// said writes what a scripted person wrote to the bot.
func (t *transcript) said(at time.Time, from, text string) {
	if rest, ok := strings.CutPrefix(text, "/start "); ok && rest != "" {
		text = "/start " + t.word("link")
	}
	t.line(at, from+" → "+t.word("bot"), text)
}

// pressed writes the button a scripted person pressed.
func (t *transcript) pressed(at time.Time, from, label string) {
	t.line(at, from+" → "+t.word("bot"), "["+label+"]")
}

// tokenRE finds invitation tokens in links, which are random.
var tokenRE = regexp.MustCompile(`start=[A-Za-z0-9_-]{16,}`)

// call writes one call the bot made to Telegram, if people see it:
// messages, photos and pop-up answers to button presses. Edits and
// command menus are left out.
func (t *transcript) call(c telegramtest.Call) {
	if c.Status != 200 {
		return
	}
	to := t.word("bot") + " → " + t.name(c.ChatID)
	switch c.Method {
	case "editMessageText":
		t.edited(c, to)
	case "sendMessage":
		t.texts[[2]int64{c.ChatID, int64(c.Message.MessageID)}] = c.Message.Text
		if t.compact {
			t.line(c.Time, to, gist(c.Message.Text))
			return
		}
		t.line(c.Time, to, t.message(c.Message.Text, c.Message.ReplyMarkup))
	case "sendPhoto":
		text := "(" + t.word("chart") + ": " + t.photo(c) + ")"
		if c.Message.Caption != "" {
			text += "\n" + c.Message.Caption
		}
		t.line(c.Time, to, t.message(text, c.Message.ReplyMarkup))
	case "sendDocument":
		t.line(c.Time, to, t.message("("+c.Message.Document.FileName+")\n"+c.Message.Caption, c.Message.ReplyMarkup))
	case "answerCallbackQuery":
		if text := c.Params["text"]; text != "" {
			t.line(c.Time, t.word("bot")+" ("+t.word("toast")+")", text)
		}
	}
}

// edited writes an edit that changes what a message says; an edit that
// only appends the answer chosen ("→ Accetto") is left out, as the
// person's press is already in the transcript.
func (t *transcript) edited(c telegramtest.Call, to string) {
	key := [2]int64{c.ChatID, int64(c.Message.MessageID)}
	old, text := t.texts[key], c.Message.Text
	t.texts[key] = text
	if old != "" && strings.HasPrefix(text, old) {
		return
	}
	t.line(c.Time, to+" "+t.word("edit"), t.message(text, c.Message.ReplyMarkup))
}

// message is a message's text with its buttons, as [Label] [Label].
func (t *transcript) message(text string, kb *tgbotapi.InlineKeyboardMarkup) string {
	text = tokenRE.ReplaceAllString(text, "start=…")
	if kb == nil {
		return text
	}
	for _, row := range kb.InlineKeyboard {
		var labels []string
		for _, b := range row {
			labels = append(labels, "["+b.Text+"]")
		}
		if len(labels) > 0 {
			text += "\n" + strings.Join(labels, " ")
		}
	}
	return text
}

// progressRE is an interview question's progress paragraph.
var progressRE = regexp.MustCompile(`^\d+/\d+$`)

// gist is the first paragraph of text (the first two when the first is an
// interview's progress), followed by "…" when there is more.
func gist(text string) string {
	paras := strings.Split(text, "\n\n")
	n := 1
	if len(paras) > 1 && progressRE.MatchString(paras[0]) {
		n = 2
	}
	out := strings.Join(paras[:n], " ")
	if len(paras) > n {
		out += " …"
	}
	return out
}

// kept says where the store of --data is.
func (t *transcript) kept(path string) { fmt.Fprintf(t.w, t.word("kept")+"\n", path) }

// indent indents every line of s but the first; blank lines stay empty.
func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			lines[i] = pad + lines[i]
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}
