package rounds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/convivo/convivo/housing"
)

// The nightly round runs only where something changed: it keeps, per
// district, a fingerprint of who was waiting and which homes had free
// places after its last run ("rounds:nightly:<hex of the district>"), and
// runs a district again only when that fingerprint changed (someone new is
// waiting, a place was freed, a proposal was decided) and a round could
// place anyone (someone waits and a home has room). The fingerprint reads
// no profile and no care information.

func nightlyKey(district string) string {
	return "rounds:nightly:" + hex.EncodeToString([]byte(district))
}

// Nightly runs a round in each of districts that has people waiting, homes
// with free places, and changes since its last nightly round, and returns
// the rounds it ran. o's District is ignored.
func (r *Runner) Nightly(ctx context.Context, districts []string, o Options) ([]Result, error) {
	var out []Result
	for _, d := range districts {
		fp, ready, err := r.fingerprint(ctx, d)
		if err != nil {
			return out, err
		}
		last, err := r.store.GetState(ctx, nightlyKey(d))
		if err != nil && !errors.Is(err, housing.ErrNotFound) {
			return out, fmt.Errorf("rounds: nightly %s: %w", d, err)
		}
		if ready && string(last) != fp {
			o.District = d
			res, err := r.Run(ctx, o)
			if err != nil {
				return out, err
			}
			out = append(out, res)
			if fp, _, err = r.fingerprint(ctx, d); err != nil {
				return out, err
			}
		}
		if string(last) != fp {
			if err := r.store.PutState(ctx, nightlyKey(d), []byte(fp), 0); err != nil {
				return out, fmt.Errorf("rounds: nightly %s: %w", d, err)
			}
		}
	}
	return out, nil
}

// fingerprint sums up who waits and where there is room for district d;
// ready reports whether a round there could place anyone.
func (r *Runner) fingerprint(ctx context.Context, d string) (fp string, ready bool, err error) {
	busy, _, err := r.busyAndRejected(ctx)
	if err != nil {
		return "", false, err
	}
	people, err := r.store.ListPeople(ctx, housing.PersonFilter{Status: housing.StatusActive})
	if err != nil {
		return "", false, fmt.Errorf("rounds: people: %w", err)
	}
	homes, err := r.store.ListHomes(ctx, housing.HomeFilter{District: d, WithFree: true})
	if err != nil {
		return "", false, fmt.Errorf("rounds: homes: %w", err)
	}
	var parts []string
	for _, p := range people {
		if !busy[p.ID] && (p.Role == housing.RoleBeneficiary || p.Role == housing.RoleCoResident) {
			parts = append(parts, "p"+p.ID+"@"+strconv.FormatInt(p.Version, 10))
		}
	}
	free := 0
	for _, h := range homes {
		if h.Available && !busy[h.ID] {
			parts = append(parts, "h"+h.ID+"/"+strconv.Itoa(h.Free()))
			free++
		}
	}
	slices.Sort(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, ",")))
	return hex.EncodeToString(sum[:]), free > 0 && len(parts) > free, nil
}
