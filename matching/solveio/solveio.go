// Package solveio reads and writes the JSON instance formats of
// `convivo solve`, so that the matching solvers can be checked against other
// projects' instances and benchmarked side by side. It does no I/O: bytes in,
// bytes out.
package solveio

import (
	"errors"
	"fmt"
)

// ErrInput marks a malformed instance (bad JSON, ragged matrix, unknown name,
// negative capacity). The CLI exits with status 2 on it.
var ErrInput = errors.New("invalid input")

// ErrInfeasible marks a well-formed instance with no complete answer (an
// assignment where the smaller side cannot be fully assigned). The CLI exits
// with status 1 on it.
var ErrInfeasible = errors.New("infeasible")

// Problems lists the problem names Solve accepts, in the order `convivo solve
// --help` shows them.
func Problems() []string {
	return []string{"assignment", "matching", "roommates", "stable-marriage", "hospital-resident", "groups"}
}

// Solve decodes one instance of problem from in, solves it and returns the
// JSON answer. Errors wrap ErrInput or ErrInfeasible.
func Solve(problem string, in []byte) ([]byte, error) {
	switch problem {
	case "assignment":
		return solveAssignment(in)
	case "matching":
		return solveMatching(in)
	case "roommates":
		return solveRoommates(in)
	case "stable-marriage":
		return solveStableMarriage(in)
	case "hospital-resident":
		return solveHospitalResident(in)
	case "groups":
		return solveGroups(in)
	default:
		return nil, fmt.Errorf("unknown problem %q (want one of %v): %w", problem, Problems(), ErrInput)
	}
}

// inputErr wraps a description of a malformed instance in ErrInput.
func inputErr(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInput)
}
