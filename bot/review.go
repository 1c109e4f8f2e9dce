package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/matching/chart"
	"github.com/convivo/convivo/rounds"
)

// Mediator review: a round's pending proposals reach the mediators of
// their district through the outbox, each as a short card (members by case
// code and first name, home, score, the three strongest factors and the
// weakest, warnings) with Approve / Reject / Alternatives / Details
// buttons, followed by the factor chart as a photo. Mediators see only
// their own district's proposals. The decisions themselves are the store's
// (atomic, capacity-safe); package rounds records them, and the bot tells
// everyone concerned.

// The actions of mediator review and of the placement lifecycle.
const (
	actProposals  action = "proposals"  // /proposte
	actPlacements action = "placements" // /convivenze, /convivenza
	actRound      action = "round"      // /abbina
	actReview     action = "review"     // proposal and placement buttons, and their typed steps
	actIntro      action = "intro"      // a resident's answer to an introduction
)

// The button kinds of mediator review.
const (
	kindReview = "review" // a mediator's proposal or placement buttons
	kindIntro  = "intro"  // a resident's "would you like to meet?" buttons
)

// flowReview is a mediator typing something for a proposal or placement:
// a rejection note, a "why not?" name, a meeting, a date, an exit goal.
const flowReview = "review"

// reviewStep is where a mediator is in flowReview.
type reviewStep struct {
	Step   string `json:"step"`            // "note", "whynot", "meet-when", "meet-where", "trial", "goal"
	Record string `json:"rec"`             // the proposal or placement id
	Value  string `json:"value,omitempty"` // a reason code, a meeting time (RFC 3339)
}

// sentTTL is how long the bot remembers that it queued a proposal to a
// mediator, so later jobs do not build its keyboard again.
const sentTTL = 180 * 24 * time.Hour

// maxListed bounds the proposals /proposte shows at once.
const maxListed = 10

// runner returns the rounds runner over the Bot's store.
func (b *Bot) runner() *rounds.Runner { return rounds.New(b.store, b.cfg.Weights, b.cfg.Now) }

// actorOf returns the caller as a rounds.Actor.
func actorOf(c *caller) rounds.Actor { return rounds.Actor{ID: c.person.ID, Role: c.person.Role} }

// NotifyRound sends a round's proposals to the active mediators of its
// district through the outbox: each mediator gets each proposal once (keys
// "proposal:<id>:<mediator id>" for the card and ...":chart" for the
// chart), however often it is called.
func (b *Bot) NotifyRound(ctx context.Context, res rounds.Result) error {
	var errs []error
	for _, p := range res.Proposals {
		if err := b.notifyProposal(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// notifyProposal queues proposal p to its district's mediators.
func (b *Bot) notifyProposal(ctx context.Context, p housing.Proposal) error {
	meds, err := b.districtMediators(ctx, p.District)
	if err != nil {
		return err
	}
	var errs []error
	charts := map[housing.Lang][]byte{} // one drawing per language
	for i := range meds {
		if err := b.queueProposal(ctx, &meds[i], p, charts); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// districtMediators returns the active mediators of district who can be
// reached in chat.
func (b *Bot) districtMediators(ctx context.Context, district string) ([]housing.Person, error) {
	meds, err := b.store.ListPeople(ctx, housing.PersonFilter{District: district, Role: housing.RoleMediator, Status: housing.StatusActive})
	if err != nil {
		return nil, fmt.Errorf("bot: mediators of %s: %w", district, err)
	}
	out := meds[:0]
	for _, m := range meds {
		if m.TelegramID != 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// queueProposal queues the card and the chart of p to mediator med, once;
// charts caches the drawings per language.
func (b *Bot) queueProposal(ctx context.Context, med *housing.Person, p housing.Proposal, charts map[housing.Lang][]byte) error {
	marker := "review:sent:" + p.ID + ":" + med.ID
	if _, err := b.store.GetState(ctx, marker); err == nil {
		return nil
	} else if !errors.Is(err, housing.ErrNotFound) {
		return fmt.Errorf("bot: proposal %s: %w", p.ID, err)
	}
	lang := personLang(med)
	text, err := b.proposalCard(ctx, lang, p)
	if err != nil {
		return err
	}
	kb, _, err := b.keyboard(ctx, med.TelegramID, kindReview, b.cardRows(lang, p.ID))
	if err != nil {
		return err
	}
	raw, err := json.Marshal(kb)
	if err != nil {
		return fmt.Errorf("bot: proposal %s: %w", p.ID, err)
	}
	key, at := "proposal:"+p.ID+":"+med.ID, b.notBefore(time.Time{})
	m := housing.OutboxMessage{Key: key, ChatID: med.TelegramID, PersonID: med.ID, Kind: "proposal", Text: text, Keyboard: raw, NotBefore: at}
	if err := b.enqueue(ctx, m); err != nil {
		return err
	}
	png, ok := charts[lang]
	if !ok {
		png = b.proposalChart(lang, p)
		charts[lang] = png
	}
	if png != nil {
		m = housing.OutboxMessage{Key: key + ":chart", ChatID: med.TelegramID, PersonID: med.ID, Kind: "proposal",
			Text: b.tr.T(lang, "review.chart.caption", nil), Photo: png, NotBefore: at}
		if err := b.enqueue(ctx, m); err != nil {
			return err
		}
	}
	b.auditMembers(ctx, med, "proposal.read", p, "proposal sent for review")
	if err := b.store.PutState(ctx, marker, []byte("1"), sentTTL); err != nil {
		b.logger.WarnContext(ctx, "bot: remember queued proposal", slog.Any("err", err))
	}
	return nil
}

// auditMembers records that staff member by read the data of p's members.
func (b *Bot) auditMembers(ctx context.Context, by *housing.Person, action string, p housing.Proposal, purpose string) {
	for _, m := range p.Members {
		b.audit(ctx, housing.AuditEntry{Actor: by.ID, ActorRole: by.Role, Action: action, Record: "proposal/" + p.ID,
			Subject: m, Purpose: purpose})
	}
}

// personLang returns a person's language, Italian when unset.
func personLang(p *housing.Person) housing.Lang {
	if p.Language.Valid() {
		return p.Language
	}
	return housing.LangIT
}

// cardRows are the buttons under a pending proposal.
func (b *Bot) cardRows(lang housing.Lang, id string) [][]button {
	t := func(k string) string { return b.tr.T(lang, k, nil) }
	return [][]button{
		{{t("review.btn.approve"), "approve:" + id}, {t("review.btn.reject"), "reject:" + id}},
		{{t("review.btn.alternatives"), "alt:" + id}, {t("review.btn.details"), "details:" + id}},
	}
}

// proposalCard returns the short text of a proposal for a mediator, with
// the decision when it was decided.
func (b *Bot) proposalCard(ctx context.Context, lang housing.Lang, p housing.Proposal) (string, error) {
	h, names, err := b.homeAndLabels(ctx, p.HomeID, p.Members)
	if err != nil {
		return "", fmt.Errorf("bot: proposal %s: %w", p.ID, err)
	}
	t := func(k string, d any) string { return b.tr.T(lang, k, d) }
	lines := []string{
		t("review.card.title", map[string]any{"Home": homeCode(&h), "Kind": t("review.kind."+string(h.Kind), nil), "District": h.District}),
		t("review.card.members", map[string]any{"Members": strings.Join(names, ", ")}),
		t("review.card.score", map[string]any{"Score": scorePoints(lang, p.Score, false)}),
	}
	hl := rounds.Highlights(p.Factors, 3)
	if strong, weak := splitHighlights(hl); len(strong) > 0 {
		lines = append(lines, t("review.card.strong", map[string]any{"List": b.factorList(lang, strong)}))
		if len(weak) > 0 {
			lines = append(lines, t("review.card.weak", map[string]any{"List": b.factorList(lang, weak)}))
		}
	}
	if len(p.Warnings) > 0 {
		var ws []string
		for _, w := range p.Warnings {
			ws = append(ws, t(w, nil))
		}
		lines = append(lines, t("review.card.warnings", map[string]any{"List": strings.Join(ws, "; ")}))
	}
	lines = append(lines, t("review.card.id", map[string]any{"ID": p.ID}))
	if d := b.decisionLine(ctx, lang, p); d != "" {
		lines = append(lines, "", d)
	}
	return strings.Join(lines, "\n"), nil
}

// splitHighlights separates Highlights into the positive ones and the
// final negative one.
func splitHighlights(hl []housing.Factor) (strong, weak []housing.Factor) {
	for _, f := range hl {
		if f.Contribution > 0 {
			strong = append(strong, f)
		} else {
			weak = append(weak, f)
		}
	}
	return strong, weak
}

// decisionLine says who decided p and when, "" while it is pending.
func (b *Bot) decisionLine(ctx context.Context, lang housing.Lang, p housing.Proposal) string {
	if p.Status == housing.ProposalPending {
		return ""
	}
	at := p.DecidedAt.In(b.cfg.Location)
	data := map[string]any{"Who": b.staffName(ctx, p.DecidedBy), "Date": at.Format("02/01/2006"), "Time": at.Format("15:04")}
	switch p.Status {
	case housing.ProposalApproved:
		return b.tr.T(lang, "review.card.approved", data)
	case housing.ProposalRejected:
		code, note := rounds.ParseReason(p.Reason)
		data["Reason"] = strings.TrimSpace(b.tr.T(lang, "review.reason."+code, nil) + " " + note)
		return b.tr.T(lang, "review.card.rejected", data)
	}
	return b.tr.T(lang, "review.card.superseded", nil)
}

// staffName names a staff member for another: case code and name, or the id
// when the store does not know it (a decision from the command line).
func (b *Bot) staffName(ctx context.Context, id string) string {
	p, err := b.store.Person(ctx, id)
	if err != nil {
		return id
	}
	return p.Label()
}

// homeAndLabels returns home homeID and the staff labels of ids: what
// every staff card of a proposal or placement starts from.
func (b *Bot) homeAndLabels(ctx context.Context, homeID string, ids []string) (housing.Home, []string, error) {
	h, err := b.store.Home(ctx, homeID)
	if err != nil {
		return housing.Home{}, nil, fmt.Errorf("bot: home %s: %w", homeID, err)
	}
	names, err := b.staffLabels(ctx, ids)
	if err != nil {
		return housing.Home{}, nil, err
	}
	return h, names, nil
}

// staffLabels returns "code name" of each person, in order.
func (b *Bot) staffLabels(ctx context.Context, ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		p, err := b.store.Person(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("bot: person %s: %w", id, err)
		}
		out = append(out, p.Label())
	}
	return out, nil
}

// homeCode is how staff screens name a home.
func homeCode(h *housing.Home) string {
	if h.Code != "" {
		return h.Code
	}
	return h.ID
}

// factorList writes factors as "tidiness +4.0, sleep +2.1".
func (b *Bot) factorList(lang housing.Lang, fs []housing.Factor) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, b.tr.T(lang, f.Key, nil)+" "+scorePoints(lang, f.Contribution, true))
	}
	return strings.Join(parts, ", ")
}

// scorePoints writes thousandths as points out of 100 with one decimal, signed
// when asked, with the language's decimal mark.
func scorePoints(lang housing.Lang, n int, signed bool) string {
	sign := ""
	switch {
	case n < 0:
		sign, n = "−", -n
	case signed:
		sign = "+"
	}
	s := fmt.Sprintf("%s%d.%d", sign, n/10, n%10)
	if !signed && n%10 == 0 {
		s = fmt.Sprintf("%s%d", sign, n/10)
	}
	if lang == housing.LangIT {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// proposalChart draws p's factor contributions, nil when there are none
// or drawing fails (which is logged: the card goes out anyway).
func (b *Bot) proposalChart(lang housing.Lang, p housing.Proposal) []byte {
	e := matching.Explanation{Score: p.Score}
	for _, f := range p.Factors {
		e.Factors = append(e.Factors, matching.Contribution{Key: f.Key, Contribution: f.Contribution})
	}
	bars := e.Bars(func(key string) string { return b.tr.T(lang, key, nil) })
	if len(bars) > chart.MaxBars {
		bars = bars[:chart.MaxBars]
	}
	png, err := chart.PNG(b.tr.T(lang, "review.chart.title", map[string]any{"Score": scorePoints(lang, p.Score, false)}), bars)
	if err != nil {
		if !errors.Is(err, chart.ErrNoBars) {
			b.logger.Warn("bot: draw proposal chart", slog.String("proposal", p.ID), slog.Any("err", err))
		}
		return nil
	}
	return png
}

// cmdProposals handles /proposte: the pending proposals of the caller's
// district, each with its buttons and chart.
func (b *Bot) cmdProposals(ctx context.Context, c *caller) {
	props, err := b.store.ListProposals(ctx, housing.ProposalFilter{District: c.person.District, Status: housing.ProposalPending})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if len(props) == 0 {
		b.reply(ctx, c, b.t(c, "review.list.none", map[string]any{"District": c.person.District}))
		return
	}
	// Oldest first, as a mediator works through them; ids break ties.
	slices.SortStableFunc(props, func(x, y housing.Proposal) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID))
	})
	b.reply(ctx, c, b.t(c, "review.list.header", map[string]any{"Count": len(props), "District": c.person.District,
		"Shown": min(len(props), maxListed)}))
	for _, p := range props[:min(len(props), maxListed)] {
		b.showProposal(ctx, c, p)
	}
}

// showProposal sends a pending proposal's card with its buttons, then its
// chart, straight to the caller.
func (b *Bot) showProposal(ctx context.Context, c *caller, p housing.Proposal) {
	text, err := b.proposalCard(ctx, c.lang, p)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	kb, _, err := b.keyboard(ctx, c.id, kindReview, b.cardRows(c.lang, p.ID))
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, text, kb)
	b.auditMembers(ctx, c.person, "proposal.read", p, "/proposte")
	if png := b.proposalChart(c.lang, p); png != nil {
		photo := tgbotapi.NewPhoto(c.chatID, tgbotapi.FileBytes{Name: "chart.png", Bytes: png})
		photo.Caption = b.t(c, "review.chart.caption", nil)
		if _, err := b.out.Send(ctx, photo); err != nil {
			b.logger.WarnContext(ctx, "bot: send chart", slog.Any("err", err))
		}
	}
}

// cmdRound handles /abbina [kind]: a round for the caller's district now,
// its proposals sent to the district's mediators.
func (b *Bot) cmdRound(ctx context.Context, c *caller, args string) {
	kind, ok := parseKind(args)
	if !ok {
		b.reply(ctx, c, b.t(c, "review.round.usage", nil))
		return
	}
	res, err := b.runner().Run(ctx, rounds.Options{District: c.person.District, Kind: kind, Actor: c.person.ID,
		ActorRole: c.person.Role, Purpose: "mediator /abbina"})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	data := map[string]any{"District": c.person.District, "Count": len(res.Proposals), "Unplaced": len(res.Round.Unplaced)}
	if len(res.Proposals) == 0 {
		b.reply(ctx, c, b.t(c, "review.round.none", data))
		return
	}
	if err := b.NotifyRound(ctx, res); err != nil {
		b.logger.ErrorContext(ctx, "bot: send round", slog.Any("err", err))
	}
	b.reply(ctx, c, b.t(c, "review.round.done", data))
}

// parseKind reads /abbina's argument: empty (every kind) or a home kind,
// in English or Italian.
func parseKind(arg string) (housing.HomeKind, bool) {
	switch strings.ToLower(strings.TrimSpace(arg)) {
	case "":
		return "", true
	case "iesa", "famiglia", "family":
		return housing.KindIESA, true
	case "flat", "appartamento", "casa":
		return housing.KindFlat, true
	case "cohousing":
		return housing.KindCohousing, true
	}
	return "", false
}
