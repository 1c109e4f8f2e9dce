package housing

import (
	"time"
)

// This file holds the house-life records in their first, minimal form; the
// house-life and early-warning work completes them.

// Task is one recurring chore of a home's rota.
type Task struct {
	ID        string `json:"id"`
	HomeID    string `json:"home_id"`
	Key       string `json:"key"`        // translation key, e.g. "task.kitchen"
	Title     string `json:"title"`      // free title for tasks the household added
	EveryDays int    `json:"every_days"` // frequency
	Effort    int    `json:"effort"`     // points in the fairness ledger
	Version   int64  `json:"version"`
}

// Outing is a group outing residents are invited to.
type Outing struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	At        time.Time `json:"at"`
	Place     string    `json:"place"`
	Organiser string    `json:"organiser"`
	Invitees  []string  `json:"invitees"`
	Capacity  int       `json:"capacity,omitempty"`
	Version   int64     `json:"version"`
}

// CheckIn is one answer to the weekly "how is living together going?".
type CheckIn struct {
	ID          string    `json:"id"`
	PersonID    string    `json:"person_id"`
	PlacementID string    `json:"placement_id"`
	Week        string    `json:"week"`           // ISO week, e.g. "2026-W48"
	Mood        int       `json:"mood"`           // 1..5, 0 = no answer
	Note        string    `json:"note,omitempty"` // sensitive
	WantsTalk   bool      `json:"wants_talk,omitempty"`
	At          time.Time `json:"at"`
}

// AlertLevel is how worrying an early-warning alert is.
type AlertLevel string

// The alert levels.
const (
	AlertWatch  AlertLevel = "watch"
	AlertAtRisk AlertLevel = "at-risk"
	AlertUrgent AlertLevel = "urgent"
)

// Alert tells a placement's social workers that it may be at risk.
type Alert struct {
	ID          string     `json:"id"`
	PlacementID string     `json:"placement_id"`
	Level       AlertLevel `json:"level"`
	Reasons     []string   `json:"reasons"` // translation keys with their figures
	CreatedAt   time.Time  `json:"created_at"`
	AckedBy     string     `json:"acked_by,omitempty"`
	AckedAt     time.Time  `json:"acked_at,omitzero"`
	Version     int64      `json:"version"`
}
