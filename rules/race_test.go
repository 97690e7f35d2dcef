//go:build race

package rules

// raceEnabled is true under the race detector, which slows code unevenly
// and makes timing comparisons meaningless.
const raceEnabled = true
