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
	VerdictOK          = "ok"          // its current state is good (see Row.Verdict)
	VerdictUnexplained = "unexplained" // it is failing and no entry explains why
	VerdictNoRuns      = "no-runs"     // its logs hold no azcmagent run and no incident
	VerdictUnread      = "unread"      // none of its logs could be read
)

// Row is what `analyze --by machine` (and the web page's view by machine)
// keeps of one machine: nothing of its logs but these few fields, however
// many zips it reads.
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
	// Incident is the latest of its services' stretches of failures that
	// did not recover (himds, extensions, guest configuration), nil when
	// there is none.
	Incident *LastRun
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

// LastRun is the latest run of a machine, or its latest incident.
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

// Event is one record a machine's row is made of: an azcmagent run, or a
// stretch of failures in one of its services' logs (Timeline), as
// diagnose reports it and as analyze --json writes it ("run", "incident",
// "warning").
type Event struct {
	ID, File, Command, ExitCode, AgentVersion string
	Start                                     time.Time
	Failed                                    bool
	// Verdict is the entry id that explains the failure, "" when none does.
	Verdict string
	// Timeline marks a service's stretch of failures: an incident when
	// Failed (it did not recover), a warning when not.
	Timeline bool
}

// Current is what the machine's verdict comes from: its latest incident
// when that started after its last run began (the run did not see it, and
// nothing says the service came back), else its last run; nil when it has
// neither.
func (r *Row) Current() *LastRun {
	if r.Incident != nil && (r.Last == nil || r.Incident.Start.After(r.Last.Start)) {
		return r.Incident
	}
	return r.Last
}

// Verdict sums the machine's current state up, as a support engineer would
// read its logs: the verdict of what Current returns when it failed (an
// entry id or VerdictUnexplained), else VerdictOK; VerdictNoRuns or
// VerdictUnread without either.
func (r *Row) Verdict() string {
	switch c := r.Current(); {
	case c != nil && c.Failed:
		return cmp.Or(c.Verdict, VerdictUnexplained)
	case c != nil:
		return VerdictOK
	case !r.Read:
		return VerdictUnread
	}
	return VerdictNoRuns
}

// Failing reports whether the machine is failing now: its last run failed,
// or an incident that did not recover came after it.
func (r *Row) Failing() bool {
	c := r.Current()
	return c != nil && c.Failed
}

// AddRun counts a run (or a service's stretch of failures) of the machine
// as diagnose reports it; id is its run id.
func (r *Row) AddRun(run *diagnose.Run, id string) {
	if r.OS == "" {
		r.OS = run.Context.OS
	}
	e := Event{ID: id, File: run.File, Command: run.Command, ExitCode: run.ExitCode, AgentVersion: run.AgentVersion,
		Start: run.Start, Failed: run.Failed, Timeline: run.Timeline}
	if run.Verdict != nil {
		e.Verdict = run.Verdict.ID
	}
	r.Add(e)
}

// Add counts a run or a service's stretch of failures of the machine.
func (r *Row) Add(e Event) {
	k := runOK
	if e.Failed {
		k = runFailed
	}
	at := &LastRun{ID: e.ID, File: e.File, Start: e.Start, Command: e.Command, ExitCode: e.ExitCode, Failed: e.Failed, Verdict: e.Verdict}
	if e.Timeline {
		r.count(e.ID, k+stretchOK)
		if e.Failed && (r.Incident == nil || !e.Start.Before(r.Incident.Start)) {
			r.Incident = at
		}
		return
	}
	r.count(e.ID, k)
	if e.AgentVersion != "" && (r.AgentVersion == "" || !e.Start.Before(r.versionAt)) {
		r.AgentVersion, r.versionAt = e.AgentVersion, e.Start
	}
	if r.Last == nil || !e.Start.Before(r.Last.Start) {
		r.Last = at
	}
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
	if o.Incident != nil && (r.Incident == nil || !o.Incident.Start.Before(r.Incident.Start)) {
		r.Incident = o.Incident
	}
}

// severity orders verdicts worst first: a failing machine, then a
// machine whose logs could not be read, then one without runs, then one
// that works.
func (r *Row) severity() int {
	switch {
	case r.Failing():
		return 0
	case !r.Read:
		return 1
	case r.Current() == nil:
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

// Fleet gathers rows into one per machine, in the order machines first
// come: rows of one name (zips of one machine taken on different days;
// names compared without case, as Windows compares computer names) are
// merged; a row without a name stays on its own.
type Fleet struct {
	Rows   []*Row
	byName map[string]*Row
}

// Add adds r, merging it into the row of its machine when there is one.
func (f *Fleet) Add(r *Row) {
	if r.Name == "" {
		f.Rows = append(f.Rows, r)
		return
	}
	key := strings.ToLower(r.Name)
	if row, ok := f.byName[key]; ok {
		row.Merge(r)
		return
	}
	if f.byName == nil {
		f.byName = map[string]*Row{}
	}
	f.byName[key] = r
	f.Rows = append(f.Rows, r)
}
