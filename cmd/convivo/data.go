package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/dataset"
)

func cmdSeed(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "seed")
	p := dataset.SeedParams{People: 200, Homes: 60, Seed: 1, Districts: e.cfg.Districts}
	var format, out string
	fs.IntVar(&p.People, "people", p.People, "people looking for a home (hosts and staff come on top)")
	fs.IntVar(&p.Homes, "homes", p.Homes, "homes")
	fs.Uint64Var(&p.Seed, "seed", p.Seed, "random seed: one seed, one data set")
	fs.StringVar(&format, "format", "json", "json (one document on stdout) or csv (people.csv and homes.csv in --out)")
	fs.StringVar(&out, "out", "", "directory for csv files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if p.People < 0 || p.Homes < 0 || p.People > 100000 || p.Homes > 50000 {
		return usagef("seed: --people must be 0..100000 and --homes 0..50000")
	}
	d := dataset.Generate(p)
	switch format {
	case "json":
		return dataset.WriteJSON(e.stdout, d)
	case "csv":
		if out == "" {
			return usagef("seed: --format csv needs --out DIR")
		}
		if err := os.MkdirAll(out, 0o700); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := writeFile(filepath.Join(out, "people.csv"), func(w io.Writer) error { return dataset.WritePeopleCSV(w, d.People) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(out, "homes.csv"), func(w io.Writer) error { return dataset.WriteHomesCSV(w, d.Homes) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "wrote %d people and %d homes to %s\n", len(d.People), len(d.Homes), out)
		return nil
	}
	return usagef("seed: --format %q: want json or csv", format)
}

// writeFile writes a file through fn, 0600: seed data looks like health data.
func writeFile(path string, fn func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "import")
	storeFlags(e, fs)
	var dryRun bool
	var format string
	fs.BoolVar(&dryRun, "dry-run", false, "validate only; change nothing")
	fs.StringVar(&format, "format", "", "csv or json (default: from the file name)")
	fs.Usage = importUsage(e, fs.Usage)
	if err := parseFlags(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("import: want WHAT FILE, e.g. 'convivo import people people.csv'")
	}
	what, path := fs.Arg(0), fs.Arg(1)
	if what != "people" && what != "homes" && what != "all" {
		return usagef("import: %q: want people, homes or all", what)
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	}
	if format != "csv" && format != "json" {
		return usagef("import: cannot tell the format of %s; use --format csv|json", path)
	}
	if format == "csv" && what == "all" {
		return usagef("import: 'all' needs a JSON document; import people.csv and homes.csv one at a time")
	}
	d, err := readDataset(e, what, format, path)
	if err != nil {
		return err
	}
	return withStore(ctx, e, func(s housing.Store) error {
		if err := checkAgainstStore(ctx, s, d); err != nil {
			return err
		}
		if dryRun {
			fmt.Fprintf(e.stdout, "%s: %d people and %d homes are valid; nothing imported (--dry-run)\n", path, len(d.People), len(d.Homes))
			return nil
		}
		if err := writeDataset(ctx, s, d); err != nil {
			return err
		}
		if err := audit(ctx, s, "import", "file/"+filepath.Base(path), "", "import"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %d people and %d homes from %s\n", len(d.People), len(d.Homes), path)
		if len(d.People) > 0 && e.cfg.DataKey == "" && e.cfg.DataKeyFile == "" {
			fmt.Fprintln(e.stderr, "warning: CONVIVO_DATA_KEY is not set, so these records are stored in clear; 'convivo serve' refuses them until you set a key and run 'convivo rotate-key'")
		}
		return nil
	})
}

// reorder moves flags after the positional arguments to the front, so
// 'import all FILE --dry-run' works as users type it.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if (a == "--data" || a == "-data" || a == "--redis-url" || a == "-redis-url" || a == "--format" || a == "-format") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

func importUsage(e *env, base func()) func() {
	return func() {
		base()
		fmt.Fprintln(e.stdout, "\nWHAT is people, homes or all (all: a JSON document as 'convivo seed' writes).")
		fmt.Fprintln(e.stdout, "Any bad row aborts the whole import: every problem is listed as 'line N: field F: reason'.")
		fmt.Fprintln(e.stdout, "\npeople.csv columns:")
		_ = dataset.WriteColumns(e.stdout, dataset.PeopleColumns())
		fmt.Fprintln(e.stdout, "\nhomes.csv columns:")
		_ = dataset.WriteColumns(e.stdout, dataset.HomesColumns())
	}
}

// readDataset reads and validates a whole file.
func readDataset(e *env, what, format, path string) (dataset.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return dataset.Dataset{}, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var d dataset.Dataset
	switch {
	case format == "json":
		d, err = dataset.ReadJSON(f, e.cfg.Districts)
		if what == "people" {
			d.Homes = nil
		} else if what == "homes" {
			d.People = nil
		}
	case what == "people":
		d.People, err = dataset.ReadPeopleCSV(f, e.cfg.Districts)
	default:
		d.Homes, err = dataset.ReadHomesCSV(f, e.cfg.Districts)
	}
	if err != nil {
		return dataset.Dataset{}, fmt.Errorf("import %s: %w", path, err)
	}
	return d, nil
}

// checkAgainstStore finds every record that would clash with the store,
// before anything is written: ids already taken, Telegram ids already
// bound, references to people neither in the file nor stored.
func checkAgainstStore(ctx context.Context, s housing.Store, d dataset.Dataset) error {
	var problems []dataset.Problem
	for _, rec := range d.People {
		if _, err := s.Person(ctx, rec.Person.ID); err == nil {
			problems = append(problems, dataset.Problem{Item: "person " + rec.Person.ID, Field: "id", Reason: "already exists in the store"})
		} else if !errors.Is(err, housing.ErrNotFound) {
			return err
		}
		if tg := rec.Person.TelegramID; tg != 0 {
			if other, err := s.PersonByTelegramID(ctx, tg); err == nil {
				problems = append(problems, dataset.Problem{Item: "person " + rec.Person.ID, Field: "telegram_id", Reason: "already bound to " + other.ID})
			}
		}
	}
	for _, h := range d.Homes {
		if _, err := s.Home(ctx, h.ID); err == nil {
			problems = append(problems, dataset.Problem{Item: "home " + h.ID, Field: "id", Reason: "already exists in the store"})
		} else if !errors.Is(err, housing.ErrNotFound) {
			return err
		}
	}
	if len(problems) > 0 {
		return &dataset.ImportError{Problems: problems}
	}
	return d.CheckRefs(func(id string) (housing.Role, error) {
		p, err := s.Person(ctx, id)
		return p.Role, err
	})
}

// writeDataset stores a checked dataset: people with their profiles and
// care fields, then homes.
func writeDataset(ctx context.Context, s housing.Store, d dataset.Dataset) error {
	for i := range d.People {
		rec := &d.People[i]
		rec.Person.Version = 0 // an export carries versions; these are new records here
		if rec.Profile != nil {
			rec.Profile.Version = 0
		}
		if rec.Care != nil {
			rec.Care.Version = 0
		}
		if err := s.CreatePerson(ctx, &rec.Person); err != nil {
			return fmt.Errorf("import person %s: %w", rec.Person.ID, err)
		}
		if rec.Profile != nil {
			if err := s.PutProfile(ctx, rec.Profile); err != nil {
				return fmt.Errorf("import profile of %s: %w", rec.Person.ID, err)
			}
		}
		if rec.Care != nil {
			if err := s.PutCareInfo(ctx, rec.Care); err != nil {
				return fmt.Errorf("import care fields of %s: %w", rec.Person.ID, err)
			}
		}
	}
	for i := range d.Homes {
		d.Homes[i].Version = 0
		if err := s.CreateHome(ctx, &d.Homes[i]); err != nil {
			return fmt.Errorf("import home %s: %w", d.Homes[i].ID, err)
		}
	}
	return nil
}

// exportDoc is what `convivo export` writes.
type exportDoc struct {
	People     []dataset.PersonRecord `json:"people"`
	Homes      []housing.Home         `json:"homes"`
	Placements []housing.Placement    `json:"placements"`
	Proposals  []housing.Proposal     `json:"proposals"`
}

func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "export")
	storeFlags(e, fs)
	var district, person string
	var withCare bool
	fs.StringVar(&district, "district", "", "only this district")
	fs.StringVar(&person, "person", "", "only this person's own data, as /imieidati gives it to them (right of access)")
	fs.BoolVar(&withCare, "with-care", false, "with --person: include the care team's fields")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := districtFlag(e, district)
	if err != nil {
		return err
	}
	if person != "" {
		if d != "" || !housing.ValidID(person) {
			return usagef("export: --person takes a person id, without --district")
		}
		return withStore(ctx, e, func(s housing.Store) error { return exportPerson(ctx, e.stdout, s, person, withCare) })
	}
	if withCare {
		return usagef("export: --with-care goes with --person (a full export includes the care fields)")
	}
	return withStore(ctx, e, func(s housing.Store) error {
		doc, err := collectExport(ctx, s, d)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	})
}

// collectExport reads everything of a district (all when d is empty), in
// id order, auditing each read of a person's care fields.
func collectExport(ctx context.Context, s housing.Store, d string) (exportDoc, error) {
	var doc exportDoc
	people, err := s.ListPeople(ctx, housing.PersonFilter{District: d})
	if err != nil {
		return doc, err
	}
	doc.People = make([]dataset.PersonRecord, 0, len(people))
	for _, p := range people {
		rec := dataset.PersonRecord{Person: p}
		if prof, err := s.Profile(ctx, p.ID); err == nil {
			rec.Profile = &prof
		} else if !errors.Is(err, housing.ErrNotFound) {
			return doc, err
		}
		if care, err := s.CareInfo(ctx, p.ID); err == nil {
			rec.Care = &care
			if err := audit(ctx, s, "care.read", "care/"+p.ID, p.ID, "export"); err != nil {
				return doc, err
			}
		} else if !errors.Is(err, housing.ErrNotFound) {
			return doc, err
		}
		doc.People = append(doc.People, rec)
	}
	if doc.Homes, err = s.ListHomes(ctx, housing.HomeFilter{District: d}); err != nil {
		return doc, err
	}
	if doc.Placements, err = s.ListPlacements(ctx, housing.PlacementFilter{District: d}); err != nil {
		return doc, err
	}
	if doc.Proposals, err = s.ListProposals(ctx, housing.ProposalFilter{District: d}); err != nil {
		return doc, err
	}
	return doc, nil
}
