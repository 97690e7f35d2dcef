//go:build !race

package workflow_test

// raceEnabled reports whether the race detector is on; see
// exchange_race_test.go.
const raceEnabled = false
