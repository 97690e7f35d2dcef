//go:build race

package workflow_test

// raceEnabled slows SQLite (transpiled C) about tenfold, so the fault test
// gives calls more time and uses fewer timeout faults under it.
const raceEnabled = true
