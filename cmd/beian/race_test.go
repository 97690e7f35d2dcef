//go:build race

package main

// raceEnabled is true under the race detector, which makes the start
// several times slower than the binary users run.
const raceEnabled = true
