package bot

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
)

// guesses is how many tokens TestGuessedTokensRedeemNothing tries: 10⁶,
// or CONVIVO_TOKEN_GUESSES. Under the race detector, which makes each
// store read about six times slower (13 s for 10⁶ on two busy cores), and
// under -short, it tries 10⁵: the property has nothing concurrent for the
// detector to find, and the plain run tries the full million (about 2 s).
func guesses(t *testing.T) int {
	t.Helper()
	if s := os.Getenv("CONVIVO_TOKEN_GUESSES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("CONVIVO_TOKEN_GUESSES=%q is not a positive number", s)
		}
		return n
	}
	if testing.Short() || raceEnabled() {
		return 100_000
	}
	return 1_000_000
}

// raceEnabled reports whether the test binary was built with -race, as
// its build information records.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// TestGuessedTokensRedeemNothing: an attacker who sends /start with random
// well-formed tokens finds no invitation. A hundred real invitations are
// stored; a million random tokens, each one that /start would accept,
// hashed as the bot hashes them, are looked up in the store's token-hash
// index (RedeemInvitation's first step): none is found. The real tokens
// are all found, so the lookup works.
func TestGuessedTokensRedeemNothing(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), boltstore.Options{Now: housingtest.Epoch})
	noErr(t, "Open", err)
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	var b housingtest.Builder
	for i := range 100 {
		inv, token := b.Invitation()
		noErr(t, "CreateInvitation", st.CreateInvitation(ctx, inv))
		if i%10 == 0 {
			if got, err := st.InvitationByTokenHash(ctx, housing.HashToken(token)); err != nil || got.ID != inv.ID {
				t.Fatalf("the real token of %s finds %v, %v", inv.ID, got.ID, err)
			}
		}
	}
	n := guesses(t)
	const workers = 2
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- guess(ctx, st, n/workers+boolInt(w < n%workers))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// guess looks n random well-formed tokens up and returns an error for the
// first one that is not ErrNotFound.
func guess(ctx context.Context, st housing.Store, n int) error {
	var seed [32]byte
	_, _ = crand.Read(seed[:])
	rng := rand.NewChaCha8(seed)
	raw := make([]byte, 24)
	for range n {
		_, _ = rng.Read(raw)
		token := base64.RawURLEncoding.EncodeToString(raw)
		if _, ok := parseStartPayload(token); !ok {
			return errors.New("a random token is not well formed: " + token)
		}
		inv, err := st.InvitationByTokenHash(ctx, housing.HashToken(token))
		if !errors.Is(err, housing.ErrNotFound) {
			return errors.New("guessed token " + token + " found invitation " + inv.ID + ": " + errString(err))
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
