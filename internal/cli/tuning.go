package cli

import (
	"os"
	"runtime/debug"
)

const (
	// streamingHeapLimit is the Go heap analyze and tail keep to. What they
	// hold is bounded by design (a line of diagnose.MaxLineLen, a few
	// batches in flight, excerpts); the collector, left to its default,
	// lets garbage grow to twice what is live, which for lines of a
	// megabyte passes the 64 MiB the README promises.
	streamingHeapLimit = 40 << 20
	// oneShotHeapLimit is the heap at which the collector runs even while it
	// is off: far above the built-in knowledge base's needs (a few MB for
	// the entries and matcher, tens for a search index), so only a huge
	// --kb-dir reaches it.
	oneShotHeapLimit = 1 << 30
)

// tuneGC is the one place that sets process-wide runtime tuning, for the
// command about to run; restore puts the previous settings back (Main is
// also called by tests, in one process). GOMEMLIMIT, when set, wins over
// the limits here.
//
// explain, search and kb allocate a burst of short-lived garbage (loading
// the knowledge base, building the search index) and exit: collecting it
// would take longer than the work, about a sixth of explain's time, so the
// collector is off, with a memory limit as the safety net. analyze and tail
// read logs for as long as they are given: the collector runs, held to
// streamingHeapLimit.
func tuneGC(command string) (restore func()) {
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1) // a negative value reads it
	set := func(l int64) {
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(l)
		}
	}
	switch command {
	case "analyze", "tail":
		set(streamingHeapLimit)
	default:
		debug.SetGCPercent(-1)
		set(oneShotHeapLimit)
	}
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}
