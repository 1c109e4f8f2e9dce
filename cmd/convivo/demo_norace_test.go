//go:build !race

package main

// raceEnabled: the race detector slows the demo tenfold, so the longest
// demo tests shorten under it.
const raceEnabled = false
