package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
)

// namedNotLogs is how many of the found inputs without a record the
// summary line names.
const namedNotLogs = 3

// reportNotLogs says on stderr which opened inputs hold no record, and
// returns the problems the JSON summary lists for them. An input the user
// named gets a line of its own and a problem. The inputs found by a walk
// or in a zip share one line: an extension's folder holds empty
// *_stdout.txt files and status JSON, and a line for each would bury the
// answer. They are problems only when no input is an agent log, where they
// explain the exit status 2; the summary's inputs list each of them anyway.
func (e *env) reportNotLogs(read []inputRead, anyKnown bool) []report.Problem {
	var problems []report.Problem
	var found []inputRead
	notLog := e.msg(msg.AnalyzeNotLog)
	for _, r := range read {
		switch {
		case r.known() || !r.opened:
		case r.found:
			found = append(found, r)
		default:
			fmt.Fprintf(e.stderr, "arcdiag: %s: %s\n", r.name, notLog)
			problems = append(problems, report.Problem{File: r.name, Problem: notLog})
		}
	}
	if len(found) == 0 {
		return problems
	}
	if !anyKnown {
		for _, r := range found {
			problems = append(problems, report.Problem{File: r.name, Problem: notLog})
		}
	}
	// Name files with something in them first: an empty one says least.
	slices.SortStableFunc(found, func(a, b inputRead) int {
		return boolOrder(a.records() == 0, b.records() == 0)
	})
	names := make([]string, 0, namedNotLogs+1)
	for _, r := range found[:min(len(found), namedNotLogs)] {
		names = append(names, r.name)
	}
	if len(found) > namedNotLogs {
		names = append(names, "…")
	}
	fmt.Fprintf(e.stderr, "arcdiag: %s\n", e.msg(msg.AnalyzeNotLogsFound, len(found), strings.Join(names, ", ")))
	return problems
}

// records is the number of records the input held, in any format.
func (r inputRead) records() int64 {
	var n int64
	for _, c := range r.byFormat {
		n += c
	}
	return n
}

// boolOrder orders false before true.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
