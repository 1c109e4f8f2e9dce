package housing

import (
	"math"
	"time"
)

// Validate checks a ledger: its home and the people it credits are valid
// ids, and its months are "2006-01" keys.
func (l *Ledger) Validate() error {
	if err := checkID("home_id", l.HomeID); err != nil {
		return err
	}
	for id := range l.Balance {
		if err := checkID("balance", id); err != nil {
			return err
		}
	}
	for month, points := range l.Months {
		if _, err := time.Parse("2006-01", month); err != nil {
			return invalid("months", "%q is not a month (2026-11)", month)
		}
		for id := range points {
			if err := checkID("months", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate checks a swap request's ids, status and creation time.
func (s *Swap) Validate() error {
	for _, f := range []struct{ name, id string }{
		{"id", s.ID}, {"home_id", s.HomeID}, {"assignment_id", s.AssignmentID}, {"from", s.From}, {"to", s.To},
	} {
		if err := checkID(f.name, f.id); err != nil {
			return err
		}
	}
	switch {
	case s.InReturnID != "" && !ValidID(s.InReturnID):
		return checkID("in_return_id", s.InReturnID)
	case s.Status != SwapPending && s.Status != SwapAccepted && s.Status != SwapRefused:
		return invalid("status", "%q is not a swap status", s.Status)
	case s.CreatedAt.IsZero():
		return invalid("created_at", "is not set")
	}
	return nil
}

// Validate checks a risk score: its placement, a time that stores can key
// by Unix nanoseconds (1970 to 2262), and its level (empty allowed).
func (r *Risk) Validate() error {
	if err := checkID("placement_id", r.PlacementID); err != nil {
		return err
	}
	switch {
	case r.At.IsZero():
		return invalid("at", "is not set")
	case r.At.Before(time.Unix(0, 0)) || r.At.After(time.Unix(0, math.MaxInt64)):
		return invalid("at", "%v is not between 1970 and 2262", r.At)
	case r.Level != "" && !r.Level.Valid():
		return invalid("level", "%q is not an alert level", r.Level)
	}
	return nil
}
