package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/dataset"
)

// demoDistrict is the district the demo plays in.
const demoDistrict = housing.DistrictSavenaIdice

// demoTelegramBase is where the seeded people's fake Telegram ids start.
const demoTelegramBase = 100000

// demoNewcomers is how many invited people join during the demo.
const demoNewcomers = 4

// actor is a scripted person: a Telegram user the script acts as.
type actor struct {
	user    tgbotapi.User
	person  housing.Person // as seeded (or as the bot made them)
	label   string         // how the transcript names them
	persona persona
	token   string     // the invitation token the worker handed over
	home    *household // the household they live in when the demo starts
	// newcomer is an invited person who joins during the demo.
	newcomer bool
}

// isBeneficiary reports whether a is in the programme.
func (a *actor) isBeneficiary() bool { return a.person.Role == housing.RoleBeneficiary }

// world is who lives in the demo's district.
type world struct {
	actors     map[int64]*actor // by Telegram id
	worker     *actor           // the social worker who follows the newcomers
	mediator   *actor
	newcomers  []*actor // invited people, in id order
	homes      []housing.Home
	households []*household // homes where people already live together
	people     int          // people in the data set
	byCode     map[string]*actor
}

// seed writes a synthetic district to the store, as `convivo seed` and
// `convivo import all` would, with the people bound to fake Telegram users.
func (d *demo) seed(ctx context.Context) error {
	data := dataset.Generate(dataset.SeedParams{
		People: 34, Homes: 12, Seed: d.o.seed, Districts: housing.Districts{demoDistrict},
		Now: d.clock.Now(), TelegramBase: demoTelegramBase,
	})
	invited := 0
	for i := range data.People {
		p := &data.People[i].Person
		if d.o.lang == housing.LangEN {
			p.Language = housing.LangEN
		}
		if p.Status == housing.StatusInvited {
			invited++
		}
	}
	// A seed with too few invited people gets some more: people the
	// worker met but who have not joined yet.
	for i := len(data.People) - 1; i >= 0 && invited < demoNewcomers; i-- {
		rec := &data.People[i]
		if rec.Person.Role == housing.RoleBeneficiary && rec.Person.Status == housing.StatusActive {
			rec.Person.Status, rec.Person.TelegramID, rec.Profile = housing.StatusInvited, 0, nil
			invited++
		}
	}
	if err := checkAgainstStore(ctx, d.store, data); err != nil {
		return fmt.Errorf("demo: seed: %w", err)
	}
	if err := writeDataset(ctx, d.store, data); err != nil {
		return fmt.Errorf("demo: seed: %w", err)
	}
	d.world = d.newWorld(data)
	d.world.people = len(data.People)
	d.tr.name = d.chatName
	return d.settleHouseholds(ctx, data)
}

// newWorld makes an actor of everyone bound to Telegram and of the
// invited people, who get fake Telegram users of their own.
func (d *demo) newWorld(data dataset.Dataset) *world {
	w := &world{actors: map[int64]*actor{}, homes: data.Homes, byCode: map[string]*actor{}}
	next := int64(900001)
	for i, rec := range data.People {
		p := rec.Person
		tg := p.TelegramID
		if p.Status == housing.StatusInvited && p.Role.Resident() && len(w.newcomers) < demoNewcomers {
			tg, next = next, next+1
		}
		if tg == 0 {
			continue
		}
		a := &actor{user: telegramtest.User(tg, p.DisplayName, string(d.o.lang)), person: p,
			persona: newPersona(d.o.seed, i, p)}
		if p.Language.Valid() {
			a.user.LanguageCode = string(p.Language)
		}
		if p.Status == housing.StatusInvited {
			a.user.LanguageCode = string(d.o.lang)
			a.newcomer = true
			w.newcomers = append(w.newcomers, a)
		}
		a.label = d.labelOf(p)
		w.actors[tg] = a
		if p.Code != "" {
			w.byCode[p.Code] = a
		}
		switch {
		case p.Role == housing.RoleSocialWorker && w.worker == nil:
			w.worker = a
		case p.Role == housing.RoleMediator && w.mediator == nil:
			w.mediator = a
		}
	}
	return w
}

// labelOf is how the transcript names a person: residents with their
// case code, staff with their role.
func (d *demo) labelOf(p housing.Person) string {
	if p.Role.Staff() {
		return p.DisplayName + " (" + roleWord(d.o.lang, p.Role) + ")"
	}
	if p.Code != "" {
		return p.DisplayName + " (" + p.Code + ")"
	}
	return p.DisplayName
}

// roleWord names a staff role in the transcript.
func roleWord(lang housing.Lang, r housing.Role) string {
	words := map[housing.Role][2]string{
		housing.RoleSocialWorker: {"assistente sociale", "social worker"},
		housing.RoleMediator:     {"mediazione abitativa", "housing mediator"},
		housing.RoleAdmin:        {"amministrazione", "administrator"},
	}
	w, ok := words[r]
	if !ok {
		return string(r)
	}
	if lang == housing.LangEN {
		return w[1]
	}
	return w[0]
}

// chatName names the owner of a private chat for the transcript.
func (d *demo) chatName(chatID int64) string {
	if a, ok := d.world.actors[chatID]; ok {
		return a.label
	}
	return fmt.Sprintf("%d", chatID)
}

// photoPath writes the photo of a sendPhoto call to the output folder and
// returns its path: NN-recipient.png, numbered in the order sent.
func (d *demo) photoPath(c telegramtest.Call) string {
	if len(c.Files) == 0 {
		return "?"
	}
	d.stats.charts++
	name := fmt.Sprintf("%02d-%s.png", d.stats.charts, slug(d.chatName(c.ChatID)))
	path := filepath.Join(d.o.out, name)
	if err := os.WriteFile(path, c.Files[0].Data, 0o644); err != nil {
		fmt.Fprintf(d.e.stderr, "convivo: demo: %v\n", err)
	}
	return path
}

// slug makes a file-name part of a label: lower-case letters, digits and
// dashes.
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			sb.WriteRune(r)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(sb.String(), "-")
}

// persona is how a scripted person answers the interview.
type persona struct {
	rng       *rand.Rand
	woman     bool
	birthYear int
	budget    int
	district  string
}

// newPersona derives a person's answers from the seed and their place in
// the data set.
func newPersona(seed uint64, n int, p housing.Person) persona {
	rng := rand.New(rand.NewPCG(seed, uint64(n)+0x64656d6f)) // "demo"
	name := strings.Fields(p.DisplayName)
	woman := len(name) > 0 && strings.HasSuffix(name[0], "a")
	return persona{rng: rng, woman: woman, birthYear: 1965 + rng.IntN(38), budget: 250 + 25*rng.IntN(9),
		district: p.District}
}
