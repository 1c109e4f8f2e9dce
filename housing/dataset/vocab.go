package dataset

import (
	"github.com/convivo/convivo/housing"
)

// vocab holds the word lists Generate draws from. It is built once per
// call, so the package keeps no state.
type vocab struct {
	initials  string
	interests []string
	origins   []string  // language of origin: it, ar, ro, uk, fr, es, en
	originW   []float64 // how common each origin is
	women     map[string][]string
	men       map[string][]string
	towns     map[string][]string // towns of each default district
	bologna   []string            // streets of Bologna city
	streets   []string            // common street names elsewhere
	notes     []string            // care-team notes
	expect    []string            // hosts' expectations
}

func newVocab() vocab {
	return vocab{
		initials: "BCDFGLMNPRSTVZ",
		interests: []string{
			"music", "cooking", "sport", "walking", "reading", "cinema", "gardening", "crafts",
			"board-games", "art", "volunteering", "technology", "animals", "travel", "dancing",
			"photography", "theatre", "football",
		},
		origins: []string{"it", "ar", "ro", "uk", "fr", "es", "en"},
		originW: []float64{80, 6, 4, 3, 3, 2, 2},
		women: map[string][]string{
			"it": {"Giulia", "Francesca", "Chiara", "Sara", "Anna", "Laura", "Elena", "Valentina", "Silvia",
				"Federica", "Martina", "Paola", "Roberta", "Alessandra", "Cristina", "Barbara", "Monica",
				"Simona", "Elisa", "Giovanna", "Rita", "Lucia", "Marta", "Ilaria", "Teresa", "Daniela"},
			"ar": {"Amina", "Fatima", "Samira", "Khadija", "Nadia", "Leila", "Yasmine", "Salma"},
			"ro": {"Ioana", "Elena", "Andreea", "Mihaela", "Cristina", "Alina"},
			"uk": {"Olena", "Oksana", "Iryna", "Tetiana", "Natalia", "Kateryna"},
			"fr": {"Aminata", "Fatou", "Awa", "Mariam", "Aïssatou", "Nadège"},
			"es": {"María", "Gabriela", "Lucía", "Carmen", "Rosa", "Daniela"},
			"en": {"Grace", "Blessing", "Joy", "Mary", "Esther", "Precious"},
		},
		men: map[string][]string{
			"it": {"Marco", "Luca", "Andrea", "Giuseppe", "Francesco", "Alessandro", "Matteo", "Stefano",
				"Paolo", "Roberto", "Davide", "Simone", "Massimo", "Fabio", "Giorgio", "Lorenzo",
				"Riccardo", "Claudio", "Maurizio", "Enrico", "Antonio", "Franco", "Sergio", "Pietro"},
			"ar": {"Youssef", "Mohamed", "Karim", "Omar", "Hassan", "Rachid", "Ahmed", "Said"},
			"ro": {"Andrei", "Mihai", "Ionuț", "Florin", "Alexandru", "Gabriel"},
			"uk": {"Andrii", "Dmytro", "Oleksandr", "Serhii", "Taras", "Mykola"},
			"fr": {"Mamadou", "Moussa", "Ibrahima", "Ousmane", "Cheikh", "Abdoulaye"},
			"es": {"Carlos", "Luis", "José", "Jorge", "Miguel", "Diego"},
			"en": {"Kwame", "Chinedu", "Emmanuel", "John", "Samuel", "Daniel"},
		},
		towns: map[string][]string{
			housing.DistrictBologna:            {"Bologna"},
			housing.DistrictRenoLavinoSamoggia: {"Casalecchio di Reno", "Zola Predosa", "Valsamoggia", "Sasso Marconi", "Monte San Pietro"},
			housing.DistrictAppenninoBolognese: {"Vergato", "Alto Reno Terme", "Castiglione dei Pepoli", "Marzabotto", "Gaggio Montano"},
			housing.DistrictSavenaIdice:        {"San Lazzaro di Savena", "Pianoro", "Ozzano dell'Emilia", "Loiano", "Monterenzio"},
			housing.DistrictPianuraEst:         {"Budrio", "Castenaso", "San Pietro in Casale", "Molinella", "Granarolo dell'Emilia", "Castel Maggiore"},
			housing.DistrictPianuraOvest:       {"San Giovanni in Persiceto", "Anzola dell'Emilia", "Crevalcore", "Calderara di Reno", "Sala Bolognese"},
		},
		bologna: []string{"Via San Vitale", "Via Mascarella", "Via del Pratello", "Via Saragozza", "Via Massarenti",
			"Via Emilia Levante", "Via Andrea Costa", "Via Ferrarese", "Via della Beverara", "Via Mazzini",
			"Via San Donato", "Via Stalingrado", "Via Toscana", "Via Murri", "Via Libia", "Via Corticella",
			"Via Marco Emilio Lepido", "Via Battindarno", "Via Bentini", "Via Lame", "Via del Lavoro", "Via Zanardi"},
		streets: []string{"Via Roma", "Via Garibaldi", "Via Mazzini", "Via Matteotti", "Via Gramsci", "Via XXV Aprile",
			"Via della Repubblica", "Via Marconi", "Via Dante", "Via Verdi", "Via Carducci", "Via Emilia",
			"Via IV Novembre", "Via dei Mille", "Via Kennedy", "Via Nenni", "Piazza della Libertà", "Via Porrettana"},
		notes: []string{
			"Preferisce un contesto tranquillo.",
			"Percorso di inserimento lavorativo in corso.",
			"Rientro da comunità terapeutica previsto.",
			"Sostegno settimanale dell'educatore.",
			"Buona autonomia nella gestione della casa.",
		},
		expect: []string{
			"Cerchiamo una persona con cui condividere i pasti e un po' di tempo.",
			"Vivo da sola da qualche anno e mi farebbe piacere avere compagnia.",
			"Casa grande, famiglia numerosa: chi arriva entra nella nostra routine.",
			"Possiamo aiutare con le commissioni e gli appuntamenti.",
			"Chiediamo rispetto degli orari della casa.",
		},
	}
}

// names returns the first names of an origin for a gender; "other" and
// unanswered draw from both lists.
func (v vocab) names(origin string, g housing.Gender) []string {
	switch g {
	case housing.GenderWoman:
		return v.women[origin]
	case housing.GenderMan:
		return v.men[origin]
	}
	return append(append([]string(nil), v.women[origin]...), v.men[origin]...)
}

// population returns a district's weight: its residents in thousands for
// the six of Bologna, an average district's for any other.
func (v vocab) population(district string) float64 {
	switch district {
	case housing.DistrictBologna:
		return 390
	case housing.DistrictPianuraEst:
		return 160
	case housing.DistrictRenoLavinoSamoggia:
		return 115
	case housing.DistrictPianuraOvest:
		return 85
	case housing.DistrictSavenaIdice:
		return 80
	case housing.DistrictAppenninoBolognese:
		return 55
	}
	return 100
}

// townsOf returns the towns of a district; an unknown district is its own
// town.
func (v vocab) townsOf(district string) []string {
	if t, ok := v.towns[district]; ok {
		return t
	}
	return []string{district}
}
