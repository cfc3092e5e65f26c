package machine

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
)

// The verdicts of a machine that are not knowledge-base entry ids.
const (
	VerdictOK          = "ok"          // its last run succeeded
	VerdictUnexplained = "unexplained" // its last run failed and no entry explains why
	VerdictNoRuns      = "no-runs"     // its logs hold no azcmagent run
	VerdictUnread      = "unread"      // none of its logs could be read
)

// Row is what `analyze --by machine` keeps of one machine: nothing of its
// logs but these few fields, however many zips it reads.
type Row struct {
	Identity
	// AgentVersion is the version the latest run that states one ran with.
	AgentVersion string
	// Sources are the zips and folders the machine's logs came from.
	Sources []string
	// Runs and FailedRuns count the azcmagent runs; Incidents the stretches
	// of failures in its services' logs that did not recover.
	Runs, FailedRuns, Incidents int
	// Last is the latest run (by its start time; the last read among runs
	// without one), nil when there is none.
	Last *LastRun
	// Read is set once one of the machine's logs could be read.
	Read bool

	versionAt time.Time
	// counted holds the ids of the runs counted, and whether each failed:
	// two zips of one machine taken on different days hold the same runs
	// (the agent's log outlives a zip), which are counted once.
	counted map[string]runKind
}

// runKind is what a counted run was.
type runKind uint8

const (
	runOK runKind = iota
	runFailed
	stretchOK     // a service's stretch of failures it recovered from
	stretchFailed // an incident
)

// count counts the run with id once.
func (r *Row) count(id string, k runKind) {
	if _, ok := r.counted[id]; ok {
		return
	}
	if r.counted == nil {
		r.counted = map[string]runKind{}
	}
	r.counted[id] = k
	switch k {
	case runOK:
		r.Runs++
	case runFailed:
		r.Runs++
		r.FailedRuns++
	case stretchFailed:
		r.Incidents++
	}
}

// LastRun is the latest run of a machine.
type LastRun struct {
	ID       string
	File     string
	Start    time.Time
	Command  string
	ExitCode string
	Failed   bool
	// Verdict is the entry id that explains the failure, "" when none does.
	Verdict string
}

// Verdict sums the machine up: its last run's verdict when it failed
// (an entry id or VerdictUnexplained), else VerdictOK, VerdictNoRuns or
// VerdictUnread.
func (r *Row) Verdict() string {
	switch {
	case r.Last != nil && r.Last.Failed:
		return cmp.Or(r.Last.Verdict, VerdictUnexplained)
	case r.Last != nil:
		return VerdictOK
	case !r.Read:
		return VerdictUnread
	}
	return VerdictNoRuns
}

// Failing reports whether the machine's last run failed.
func (r *Row) Failing() bool { return r.Last != nil && r.Last.Failed }

// AddRun counts a run (or a service's stretch of failures) of the machine;
// id is its run id.
func (r *Row) AddRun(run *diagnose.Run, id string) {
	if r.OS == "" {
		r.OS = run.Context.OS
	}
	k := runOK
	if run.Failed {
		k = runFailed
	}
	if run.Timeline {
		r.count(id, k+stretchOK)
		return
	}
	r.count(id, k)
	if run.AgentVersion != "" && (r.AgentVersion == "" || !run.Start.Before(r.versionAt)) {
		r.AgentVersion, r.versionAt = run.AgentVersion, run.Start
	}
	if r.Last != nil && run.Start.Before(r.Last.Start) {
		return
	}
	last := &LastRun{ID: id, File: run.File, Start: run.Start, Command: run.Command, ExitCode: run.ExitCode, Failed: run.Failed}
	if run.Verdict != nil {
		last.Verdict = run.Verdict.ID
	}
	r.Last = last
}

// Merge adds o, a row of the same machine from another zip or folder.
func (r *Row) Merge(o *Row) {
	r.Sources = append(r.Sources, o.Sources...)
	for id, k := range o.counted {
		r.count(id, k)
	}
	r.Read = r.Read || o.Read
	if r.OS == "" {
		r.OS = o.OS
	}
	if o.AgentVersion != "" && (r.AgentVersion == "" || !o.versionAt.Before(r.versionAt)) {
		r.AgentVersion, r.versionAt = o.AgentVersion, o.versionAt
	}
	if o.Last != nil && (r.Last == nil || !o.Last.Start.Before(r.Last.Start)) {
		r.Last = o.Last
	}
}

// severity orders verdicts worst first: a failing last run, then a
// machine whose logs could not be read, then one without runs, then one
// that works.
func (r *Row) severity() int {
	switch {
	case r.Failing():
		return 0
	case !r.Read:
		return 1
	case r.Last == nil:
		return 2
	}
	return 3
}

// Rank sorts rows worst first: by severity, then the most failed runs, then
// the most incidents, then by name.
func Rank(rows []*Row) {
	slices.SortStableFunc(rows, func(a, b *Row) int {
		return cmp.Or(
			cmp.Compare(a.severity(), b.severity()),
			cmp.Compare(b.FailedRuns, a.FailedRuns),
			cmp.Compare(b.Incidents, a.Incidents),
			strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			strings.Compare(a.Name, b.Name),
		)
	})
}

// VerdictCount is how many machines share a verdict.
type VerdictCount struct {
	Verdict  string
	Machines int
}

// CountByVerdict counts the machines of each verdict, most machines first
// (failing verdicts before the others on a tie), then by verdict.
func CountByVerdict(rows []*Row) []VerdictCount {
	n := map[string]int{}
	sev := map[string]int{}
	for _, r := range rows {
		v := r.Verdict()
		n[v]++
		sev[v] = r.severity()
	}
	out := make([]VerdictCount, 0, len(n))
	for v, c := range n {
		out = append(out, VerdictCount{Verdict: v, Machines: c})
	}
	slices.SortFunc(out, func(a, b VerdictCount) int {
		return cmp.Or(cmp.Compare(b.Machines, a.Machines), cmp.Compare(sev[a.Verdict], sev[b.Verdict]), strings.Compare(a.Verdict, b.Verdict))
	})
	return out
}
