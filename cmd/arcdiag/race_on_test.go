//go:build race

package main

// raceEnabled is set when the tests run under the race detector, which
// slows the program by several times and multiplies its memory: the bounds
// on time and memory some tests check hold for a normal build only.
const raceEnabled = true
