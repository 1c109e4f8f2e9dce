package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/convivo/convivo/housing"
)

func cmdPeople(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "people")
	storeFlags(e, fs)
	var f housing.PersonFilter
	var district, role, status string
	fs.StringVar(&district, "district", "", "only this district")
	fs.StringVar(&role, "role", "", "only this role (beneficiary, co-resident, host, mediator, social-worker, admin)")
	fs.StringVar(&status, "status", "", "only this status (invited, active, paused, left)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("people: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if f.District, err = districtFlag(e, district); err != nil {
		return err
	}
	f.Role, f.Status = housing.Role(role), housing.PersonStatus(status)
	if role != "" && !f.Role.Valid() {
		return usagef("people: --role %q is not a role (want one of %v)", role, housing.Roles())
	}
	if status != "" && !f.Status.Valid() {
		return usagef("people: --status %q is not a status (invited, active, paused, left)", status)
	}
	return withStore(ctx, e, func(s housing.Store) error {
		people, err := s.ListPeople(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tID\tNAME\tROLE\tDISTRICT\tSTATUS\tTELEGRAM")
		for _, p := range people {
			bound := "-"
			if p.TelegramID != 0 {
				bound = "bound"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(p.Code), p.ID, p.DisplayName, p.Role, p.District, p.Status, bound)
		}
		fmt.Fprintf(tw, "\n%d people\n", len(people))
		return tw.Flush()
	})
}

func cmdHomes(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "homes")
	storeFlags(e, fs)
	var f housing.HomeFilter
	var district, kind string
	fs.StringVar(&district, "district", "", "only this district")
	fs.StringVar(&kind, "kind", "", "only this kind (iesa, flat, cohousing)")
	fs.BoolVar(&f.WithFree, "free", false, "only homes with a free place")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("homes: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if f.District, err = districtFlag(e, district); err != nil {
		return err
	}
	f.Kind = housing.HomeKind(kind)
	if kind != "" && !f.Kind.Valid() {
		return usagef("homes: --kind %q is not a home kind (iesa, flat, cohousing)", kind)
	}
	return withStore(ctx, e, func(s housing.Store) error {
		homes, err := s.ListHomes(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tID\tKIND\tDISTRICT\tPLACES\tFREE\tSTEP-FREE\tCOST €\tSUPPORT")
		for _, h := range homes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n", orDash(h.Code), h.ID, h.Kind, h.District,
				h.Capacity, h.Free(), yesNo(h.StepFree), h.MonthlyCost, h.Support)
		}
		fmt.Fprintf(tw, "\n%d homes\n", len(homes))
		return tw.Flush()
	})
}

// districtFlag canonicalises a --district value; empty means all.
func districtFlag(e *env, d string) (string, error) {
	if d == "" {
		return "", nil
	}
	c, ok := e.cfg.Districts.Canonical(d)
	if !ok {
		return "", usagef("unknown district %q (known: %v)", d, e.cfg.Districts)
	}
	return c, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// now is the CLI's clock.
func now() time.Time { return time.Now() }
