package serve

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/report/msg"
)

// verdictGroup is one row group of the by-verdict view: the machines whose
// verdict (machine.Row.Verdict, the rule of `analyze --by machine`) is
// this one.
type verdictGroup struct {
	Key      string // the verdict, as analyze --by machine prints it
	Verdict  string // entry id; "" for the verdicts that are not entries
	Title    string
	Machines []machineRow
}

// machineRow is one machine: its name and what its verdict comes from
// (its last run, or a later incident).
type machineRow struct {
	Name, File, Time string
}

// uploadedZips lists the zips among the uploads, by name.
func uploadedZips(uploads []logsource.Upload) []string {
	var zips []string
	for _, u := range uploads {
		if strings.HasSuffix(strings.ToLower(u.Name), ".zip") || strings.HasPrefix(string(u.Data), "PK\x03\x04") {
			zips = append(zips, u.Name)
		}
	}
	return zips
}

// byMachine starts the view by machine when several zips are uploaded:
// a machine.Row per zip, filled in as the analysis's lines come.
func (v *analysisView) byMachine(zips []string) {
	if len(zips) < 2 {
		return
	}
	v.zipRows = make([]*machine.Row, len(zips))
	for i, z := range zips {
		v.zipRows[i] = &machine.Row{Sources: []string{z}}
	}
}

// zipRow is the row of the zip file comes from, nil when none.
func (v *analysisView) zipRow(file string) *machine.Row {
	for _, r := range v.zipRows {
		if strings.HasPrefix(file, r.Sources[0]+":") {
			return r
		}
	}
	return nil
}

// event adds a run, incident or warning line to its zip's row, named by
// the records' machine field (as the CLI names it, from the agent's logs).
func (v *analysisView) event(l *ndjsonLine) {
	row := v.zipRow(l.File)
	if row == nil {
		return
	}
	e := machine.Event{ID: l.RunID, File: l.File, Command: deref(l.Command), ExitCode: deref(l.ExitCode),
		AgentVersion: deref(l.AgentVersion), Failed: l.Failed || l.Type == "incident", Timeline: l.Type != "run"}
	if l.Verdict != nil && l.VerdictMatch != suggestedMatch {
		// A suggested verdict is a guess: analyze --by machine computes
		// none, and a machine it explains nothing for is unexplained.
		e.Verdict = *l.Verdict
	}
	if l.Start != nil {
		e.Start, _ = time.Parse(time.RFC3339Nano, *l.Start) // no clock time: zero, as in the CLI
	}
	row.Name = cmp.Or(l.Machine, row.Name)
	row.OS = cmp.Or(row.OS, l.OS)
	row.Read = true
	row.Add(e)
}

// machineRows ends the zips' rows: a zip whose records name no machine is
// named after the zip; zips of one machine make one row, as in
// `analyze --by machine`; worst first.
func (v *analysisView) machineRows() []*machine.Row {
	var fleet machine.Fleet
	for _, row := range v.zipRows {
		z := row.Sources[0]
		if v.Summary != nil {
			for _, in := range v.Summary.Inputs {
				row.Read = row.Read || (in.Known && strings.HasPrefix(in.File, z+":"))
			}
		}
		if row.Name == "" {
			row.Name = machine.Label(z)
		}
		fleet.Add(row)
	}
	machine.Rank(fleet.Rows)
	return fleet.Rows
}

// groupMachines builds the by-verdict view from the zips' rows: one row
// per machine, under its verdict, failing verdicts first (the most
// machines first), then the others.
func (v *analysisView) groupMachines() {
	if v.zipRows == nil {
		return
	}
	rows := v.machineRows()
	counts := machine.CountByVerdict(rows)
	failing := map[string]bool{}
	for _, r := range rows {
		failing[r.Verdict()] = r.Failing()
	}
	slices.SortStableFunc(counts, func(a, b machine.VerdictCount) int {
		switch {
		case failing[a.Verdict] == failing[b.Verdict]:
			return 0
		case failing[a.Verdict]:
			return -1
		}
		return 1
	})
	for _, c := range counts {
		g := verdictGroup{Key: c.Verdict, Title: c.Verdict}
		switch c.Verdict {
		case machine.VerdictOK:
			g.Title = msg.WebNoFailure.In(v.lang)
		case machine.VerdictUnexplained:
			g.Title = msg.Unexplained.In(v.lang)
		default:
			if e, ok := v.k.Get(c.Verdict); ok {
				g.Verdict, g.Title = c.Verdict, e.Title.In(v.lang)
			}
		}
		for _, r := range rows {
			if r.Verdict() != c.Verdict {
				continue
			}
			m := machineRow{Name: r.Name}
			if cur := r.Current(); cur != nil {
				m.File = cur.File
				for _, src := range r.Sources {
					m.File = strings.TrimPrefix(m.File, src+":")
				}
				if !cur.Start.IsZero() {
					m.Time = cur.Start.Format(time.RFC3339)
				}
			}
			g.Machines = append(g.Machines, m)
		}
		v.Machines = append(v.Machines, g)
	}
}
