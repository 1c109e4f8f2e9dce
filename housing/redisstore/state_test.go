package redisstore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/redisstore"
)

// TestStateRepeatedCalls plays go-redis resending a TakeState or
// ClaimState whose reply was lost: the same call (token) gets its first
// result again, any other call does not.
func TestStateRepeatedCalls(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	mustDo(t, "PutState", s.PutState(ctx, "action:1", []byte("approve pr-1"), time.Minute))
	for _, tc := range []struct {
		token   string
		want    string
		wantErr error
	}{
		{"call-a", "approve pr-1", nil},
		{"call-a", "approve pr-1", nil}, // the resent call
		{"call-b", "", housing.ErrNotFound},
	} {
		got, err := redisstore.TakeWithToken(ctx, s, "action:1", tc.token)
		if string(got) != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("TakeState(%s) = %q, %v; want %q, %v", tc.token, got, err, tc.want, tc.wantErr)
		}
	}
	for _, tc := range []struct {
		token string
		want  bool
	}{
		{"call-a", true},
		{"call-a", true}, // the resent call
		{"call-b", false},
	} {
		got, err := redisstore.ClaimWithToken(ctx, s, "slot:1", []byte("x"), time.Minute, tc.token)
		if got != tc.want || err != nil {
			t.Errorf("ClaimState(%s) = %v, %v; want %v, nil", tc.token, got, err, tc.want)
		}
	}
}

func TestStateBinaryValueAndNoTTL(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	val := []byte{0, ':', 0xff, '\n', 'x'}
	mustDo(t, "PutState", s.PutState(ctx, "bin:1", val, 0))
	got, err := s.TakeState(ctx, "bin:1")
	if string(got) != string(val) || err != nil {
		t.Errorf("TakeState(bin:1) = %q, %v; want %q, nil", got, err, val)
	}
	ok, err := s.ClaimState(ctx, "slot:forever", val, 0)
	mustDo(t, "ClaimState", err)
	got, err = s.GetState(ctx, "slot:forever")
	if !ok || string(got) != string(val) || err != nil {
		t.Errorf("ClaimState(ttl 0) then GetState = %v, %q, %v; want true, %q, nil", ok, got, err, val)
	}
	if err := s.PutState(ctx, "k", nil, -time.Second); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("PutState(ttl -1s) = %v; want ErrInvalid", err)
	}
}

func TestConcurrentTakeState(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	mustDo(t, "PutState", s.PutState(ctx, "action:race", []byte("v"), 0))
	const racers = 20
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() { _, errs[i] = s.TakeState(ctx, "action:race") })
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, housing.ErrNotFound):
			t.Errorf("racer %d: TakeState = %v; want nil or ErrNotFound", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d racers took one value; want exactly 1", wins)
	}
}

// TestConcurrentAudit appends from many goroutines at once: the chain has
// every entry once, numbered without gaps, and verifies.
func TestConcurrentAudit(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	const racers = 30
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			e := &housing.AuditEntry{Actor: fmt.Sprintf("p-%d", i), Action: "care.read", Subject: "p-x", At: housingtest.Epoch()}
			errs[i] = s.AppendAudit(ctx, e)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: AppendAudit = %v", i, err)
		}
	}
	all, err := s.AuditLog(ctx, housing.AuditFilter{})
	mustDo(t, "AuditLog", err)
	if bad, ok := housing.VerifyChain(all); !ok || len(all) != racers {
		t.Errorf("VerifyChain(%d entries) = %d, %v; want %d entries, unbroken", len(all), bad, ok, racers)
	}
	about, err := s.AuditLog(ctx, housing.AuditFilter{Subject: "p-x", Actor: "p-7"})
	mustDo(t, "AuditLog", err)
	if len(about) != 1 {
		t.Errorf("AuditLog(subject p-x, actor p-7) = %d entries; want 1", len(about))
	}
}
