package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convivo/convivo/housing"
)

// StateSlots keeps slot claims and completions in a housing.StateStore, so
// every replica sharing the store (one bolt file, or one Redis) shares
// them. Keys: "slot:<job>:<slot>" for claims, "slotdone:<job>" for the
// latest completed slot.
type StateSlots struct {
	State housing.StateStore
}

var _ SlotStore = StateSlots{}

// ClaimSlot implements SlotStore with an atomic set-if-absent.
func (s StateSlots) ClaimSlot(ctx context.Context, job, slot string, ttl time.Duration) (bool, error) {
	ok, err := s.State.ClaimState(ctx, "slot:"+job+":"+slot, []byte(slot), ttl)
	if err != nil {
		return false, fmt.Errorf("scheduler: claim %s:%s: %w", job, slot, err)
	}
	return ok, nil
}

// LastCompleted implements SlotStore.
func (s StateSlots) LastCompleted(ctx context.Context, job string) (string, error) {
	v, err := s.State.GetState(ctx, "slotdone:"+job)
	if errors.Is(err, housing.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("scheduler: last completed %s: %w", job, err)
	}
	return string(v), nil
}

// SetCompleted implements SlotStore, keeping the later slot. Two replicas
// writing at once may leave the earlier one; claims already prevent a
// second run, so that only makes a catch-up check slightly conservative.
func (s StateSlots) SetCompleted(ctx context.Context, job, slot string) error {
	last, err := s.LastCompleted(ctx, job)
	if err != nil {
		return err
	}
	if slot <= last {
		return nil
	}
	if err := s.State.PutState(ctx, "slotdone:"+job, []byte(slot), 0); err != nil {
		return fmt.Errorf("scheduler: set completed %s:%s: %w", job, slot, err)
	}
	return nil
}
