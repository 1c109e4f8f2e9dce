package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/convivo/convivo/matching/solveio"
)

// maxInstance bounds what `convivo solve` reads from stdin: a 4000×4000
// matrix of numbers fits well within it.
const maxInstance = 512 << 20

func cmdSolve(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "solve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("solve: want one PROBLEM, one of %v", solveio.Problems())
	}
	in, err := io.ReadAll(io.LimitReader(e.stdin, maxInstance))
	if err != nil {
		return fmt.Errorf("solve: read stdin: %w", err)
	}
	out, err := solveio.Solve(fs.Arg(0), in)
	switch {
	case errors.Is(err, solveio.ErrInfeasible):
		return &codedError{exitError, errors.New("infeasible")}
	case errors.Is(err, solveio.ErrInput):
		return usagef("solve %s: %v", fs.Arg(0), err)
	case err != nil:
		return fmt.Errorf("solve %s: %w", fs.Arg(0), err)
	}
	if _, err := e.stdout.Write(append(out, '\n')); err != nil {
		return fmt.Errorf("solve: write: %w", err)
	}
	return nil
}
