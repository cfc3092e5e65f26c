package cli

import (
	"os"
	"runtime/debug"
)

// heapLimit is the Go heap every command keeps to. What analyze and tail
// hold is bounded by design (a line of diagnose.MaxLineLen, a few batches in
// flight, excerpts); the collector, left to its default, lets garbage grow
// to twice what is live, which for lines of a megabyte passes the 64 MiB the
// README promises. For the commands that run with the collector off, it is
// the point at which the collector runs all the same (a --kb-dir that
// expands past it). GOMEMLIMIT, when set, wins.
const heapLimit = 40 << 20

// analyzeGCPercent is analyze's GOGC (see tuneGC).
const analyzeGCPercent = 400

// tuneGC is the one place that sets process-wide runtime tuning, for the
// command about to run; restore puts the previous settings back (Main is
// also called by tests, in one process).
//
// explain, search and kb allocate a burst of short-lived garbage (loading
// the knowledge base, building the search index) and exit: collecting it
// would take longer than the work, about a sixth of explain's time, so the
// collector is off until the heap reaches heapLimit. analyze and tail read
// logs for as long as they are given: the collector runs, held to heapLimit.
// analyze lets garbage grow to four times what is live first (GOGC=400,
// unless GOGC is set): what it holds is a few MiB, and collecting at twice
// that was a tenth of its time on a GiB log; heapLimit still bounds it.
func tuneGC(command string) (restore func()) {
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1) // a negative value reads it
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(heapLimit)
	}
	switch command {
	case "analyze":
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(analyzeGCPercent)
		}
	case "tail":
	case "serve":
		// Uploads up to --max-upload are held in memory while analyzed: a
		// heap limit below that would make the collector run without end.
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(limit)
		}
	default:
		debug.SetGCPercent(-1)
	}
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}

// indexHeapLimit is the heap the search index build may reach with the
// collector off: tens of MB of short-lived garbage for the built-in entries
// in Japanese, which under heapLimit would collect twice for nothing.
const indexHeapLimit = 1 << 30

// liftHeapLimit raises the heap limit for the search index build, after the
// knowledge base has loaded under heapLimit, and returns what lowers it again.
func liftHeapLimit() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(indexHeapLimit)
	return func() { debug.SetMemoryLimit(limit) }
}
