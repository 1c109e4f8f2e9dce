package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// SeedParams says what Generate makes.
type SeedParams struct {
	// People is how many people look for a home: beneficiaries (about
	// 80%) and co-residents, students and older people. The host of each
	// IESA home and the staff of each district come on top.
	People int
	// Homes is how many homes: about 60% shared flats, 25% IESA
	// households and 15% cohousings, each kind at least once from 3 homes.
	Homes int
	// Seed drives every random choice: one seed, one dataset.
	Seed uint64
	// Districts are the districts to spread people and homes over; zero
	// means the six of Bologna, weighted by population.
	Districts housing.Districts
	// Now is the reference time for timestamps, move-in windows and
	// project ends; zero means 2026-01-01 00:00 UTC, so that output does
	// not depend on the day it is made.
	Now time.Time
	// TelegramBase, when positive, gives active and paused people and
	// staff the Telegram ids TelegramBase+1, +2, ... in order. Use it only
	// with a fake Telegram server: real ids belong to real people.
	TelegramBase int64
}

// gen holds the state of one Generate call.
type gen struct {
	p       SeedParams
	rng     *rand.Rand
	v       vocab
	now     time.Time // p.Now in UTC, to the second
	today   time.Time // midnight UTC of now's date: the base of dates
	ds      housing.Districts
	weights []float64
	abbrev  []string
	codes   []int // person case codes given per district
	hcodes  []int // home codes given per district
	workers [][]string
	staff   []PersonRecord
	people  []PersonRecord
	idWidth int
	tg      int64
}

// Generate makes a synthetic programme that looks like the real one: see
// SeedParams. The same params always give the same Dataset; ids are stable
// ("p0001" people, "w001" staff, "h001" homes) and case codes follow the
// district ("BO-0001", "SI-0003"). People come in id order: residents,
// hosts, then staff. Every record passes the readers' checks, and every
// reference points inside the dataset.
func Generate(p SeedParams) Dataset {
	p.People, p.Homes = max(p.People, 0), max(p.Homes, 0)
	g := newGen(p)
	g.makeStaff()
	for i := range p.People {
		g.people = append(g.people, g.resident(i))
	}
	g.addExclusions()
	homes := g.makeHomes()
	return Dataset{People: append(g.people, g.staff...), Homes: homes}
}

func newGen(p SeedParams) *gen {
	if len(p.Districts) == 0 {
		p.Districts = housing.DefaultDistricts()
	}
	if p.Now.IsZero() {
		p.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	now := p.Now.UTC().Truncate(time.Second)
	g := &gen{
		p:     p,
		rng:   rand.New(rand.NewPCG(p.Seed, p.Seed^0x636f6e7669766f)), // "convivo"
		v:     newVocab(),
		now:   now,
		today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		ds:    p.Districts,
	}
	g.weights = make([]float64, len(g.ds))
	for i, d := range g.ds {
		g.weights[i] = g.v.population(d)
	}
	g.abbrev = abbreviations(g.ds)
	g.codes, g.hcodes = make([]int, len(g.ds)), make([]int, len(g.ds))
	g.workers = make([][]string, len(g.ds))
	iesa, _ := kindCounts(p.Homes)
	g.idWidth = max(4, len(fmt.Sprint(p.People+iesa)))
	return g
}

// makeStaff makes the social workers and mediators of each district, in
// proportion to the people the district will have.
func (g *gen) makeStaff() {
	total := 0.0
	for _, w := range g.weights {
		total += w
	}
	var counts [][2]int
	n := 0
	for _, w := range g.weights {
		share := float64(g.p.People) * w / total
		c := [2]int{max(1, int(math.Round(share/35))), max(1, int(math.Round(share/100)))}
		counts = append(counts, c)
		n += c[0] + c[1]
	}
	width := max(3, len(fmt.Sprint(n)))
	for d, c := range counts {
		for i := range c[0] + c[1] {
			role := housing.RoleSocialWorker
			if i >= c[0] {
				role = housing.RoleMediator
			}
			id := fmt.Sprintf("w%0*d", width, len(g.staff)+1)
			if role == housing.RoleSocialWorker {
				g.workers[d] = append(g.workers[d], id)
			}
			g.staff = append(g.staff, g.staffMember(id, role, d))
		}
	}
}

func (g *gen) staffMember(id string, role housing.Role, d int) PersonRecord {
	gender := housing.GenderWoman
	if g.chance(0.3) {
		gender = housing.GenderMan
	}
	name := g.pick(g.v.names("it", gender)) + " " + string(g.v.initials[g.rng.IntN(len(g.v.initials))]) + "."
	created, updated := g.stamps()
	return PersonRecord{Person: housing.Person{
		ID: id, Role: role, DisplayName: name, District: g.ds[d], Language: housing.LangIT,
		TelegramID: g.telegram(housing.StatusActive), Status: housing.StatusActive,
		CreatedAt: created, UpdatedAt: updated,
	}}
}

// personID returns the id of the n-th person (from 0), residents and hosts.
func (g *gen) personID(n int) string { return fmt.Sprintf("p%0*d", g.idWidth, n+1) }

// caseCode returns the next case code of district d.
func (g *gen) caseCode(d int) string {
	g.codes[d]++
	return fmt.Sprintf("%s-%04d", g.abbrev[d], g.codes[d])
}

// telegram returns the next fake Telegram id for a person with status s,
// or 0.
func (g *gen) telegram(s housing.PersonStatus) int64 {
	if g.p.TelegramBase <= 0 || (s != housing.StatusActive && s != housing.StatusPaused) {
		return 0
	}
	g.tg++
	return g.p.TelegramBase + g.tg
}

// stamps returns a creation time in the 18 months before now and an update
// time between it and now.
func (g *gen) stamps() (created, updated time.Time) {
	span := 540 * 24 * time.Hour
	created = g.now.Add(-time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Second)
	updated = created.Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(created)) + 1))).Truncate(time.Second)
	return created, updated
}

// district draws a district index, weighted by population.
func (g *gen) district() int { return g.weighted(g.weights) }

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// between returns a whole number from lo to hi, both included.
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// weighted draws an index with probability proportional to its weight.
func (g *gen) weighted(ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// normal draws from a normal distribution rounded to a whole number and
// clamped to [lo, hi].
func (g *gen) normal(mean, sd float64, lo, hi int) int {
	x := int(math.Round(mean + sd*g.rng.NormFloat64()))
	return min(max(x, lo), hi)
}

// level draws an answer from 1 to 5 around mean.
func (g *gen) level(mean float64) housing.Level { return housing.Level(g.normal(mean, 0.95, 1, 5)) }

// abbreviations returns a short code per district for case codes: BO for
// Bologna, SI for Savena Idice, RLS for Reno Lavino Samoggia, a number
// added when two would clash.
func abbreviations(ds housing.Districts) []string {
	out := make([]string, len(ds))
	seen := map[string]bool{}
	for i, d := range ds {
		var a string
		words := strings.Fields(d)
		if len(words) == 1 {
			a = strings.ToUpper(string([]rune(words[0])[:min(2, len([]rune(words[0])))]))
		} else {
			for _, w := range words[:min(3, len(words))] {
				a += strings.ToUpper(string([]rune(w)[:1]))
			}
		}
		a = idSafe(a)
		if a == "" || seen[a] {
			a = fmt.Sprintf("%s%d", a, i+1)
		}
		seen[a] = true
		out[i] = a
	}
	return out
}

// idSafe keeps only the letters and digits of s that ids allow.
func idSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
