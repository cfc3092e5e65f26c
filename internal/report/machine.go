package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
)

type (
	// machineJSON is one machine of analyze --by machine.
	machineJSON struct {
		Type         string            `json:"type"`
		Machine      string            `json:"machine"`
		OS           string            `json:"os"`
		AgentVersion *string           `json:"agent_version"`
		Verdict      string            `json:"verdict"`
		Failing      bool              `json:"failing"`
		Runs         int               `json:"runs"`
		FailedRuns   int               `json:"failed_runs"`
		Incidents    int               `json:"incidents"`
		LastRun      *lastRunJSON      `json:"last_run"`
		Incident     *openIncidentJSON `json:"incident"`
		Sources      []string          `json:"sources"`
	}
	lastRunJSON struct {
		RunID    string  `json:"run_id"`
		File     string  `json:"file"`
		Start    *string `json:"start"`
		Command  *string `json:"command"`
		ExitCode *string `json:"exit_code"`
		Failed   bool    `json:"failed"`
		Verdict  *string `json:"verdict"`
	}
	openIncidentJSON struct {
		RunID   string  `json:"run_id"`
		File    string  `json:"file"`
		Start   *string `json:"start"`
		Verdict *string `json:"verdict"`
	}
	// fleetJSON ends analyze --by machine: how many machines share each
	// verdict, and what could not be read.
	fleetJSON struct {
		Type      string         `json:"type"`
		Machines  int            `json:"machines"`
		Failing   int            `json:"failing"`
		ByVerdict map[string]int `json:"by_verdict"`
		Problems  []Problem      `json:"problems"`
	}
)

// Machines implements Report: a machine object per row, then the fleet
// object.
func (j *JSON) Machines(rows []*machine.Row, counts []machine.VerdictCount, problems []Problem) {
	failing := 0
	for _, r := range rows {
		j.line(j.machineJSON(r))
		if r.Failing() {
			failing++
		}
	}
	by := make(map[string]int, len(counts))
	for _, c := range counts {
		by[c.Verdict] = c.Machines
	}
	j.line(fleetJSON{Type: "fleet", Machines: len(rows), Failing: failing, ByVerdict: by, Problems: nonNil(problems)})
	j.event()
}

func (j *JSON) machineJSON(r *machine.Row) machineJSON {
	out := machineJSON{Type: "machine", Machine: r.Name, OS: r.OS, AgentVersion: optional(r.AgentVersion),
		Verdict: r.Verdict(), Failing: r.Failing(), Runs: r.Runs, FailedRuns: r.FailedRuns, Incidents: r.Incidents,
		Sources: nonNil(r.Sources)}
	if l := r.Last; l != nil {
		out.LastRun = &lastRunJSON{RunID: l.ID, File: l.File, Start: jsonTime(l.Start), Command: optional(j.clean(l.Command)),
			ExitCode: optional(l.ExitCode), Failed: l.Failed, Verdict: optional(l.Verdict)}
	}
	if i := r.Incident; i != nil {
		out.Incident = &openIncidentJSON{RunID: i.ID, File: i.File, Start: jsonTime(i.Start), Verdict: optional(i.Verdict)}
	}
	return out
}

// Machines implements Report: a table, one row per machine, then the
// machines per verdict.
func (t *Text) Machines(rows []*machine.Row, counts []machine.VerdictCount, _ []Problem) {
	table := [][]string{t.machineColumns()}
	for _, r := range rows {
		table = append(table, t.machineCells(r))
	}
	writeColumns(t.w, table)
	fmt.Fprintf(t.w, "\n%s:\n", t.st.paint(bold, t.label(msg.ByVerdict)))
	for _, c := range counts {
		color := green
		if c.Verdict != machine.VerdictOK {
			color = red
		}
		fmt.Fprintf(t.w, "  %s: %s\n", t.st.paint(color, c.Verdict), t.label(msg.Machines, c.Machines))
	}
	t.event()
}

// Machines implements Report: the table for a ticket.
func (m *Markdown) Machines(rows []*machine.Row, counts []machine.VerdictCount, _ []Problem) {
	cols := m.machineColumns()
	fmt.Fprintf(m.w, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	for _, r := range rows {
		cells := m.machineCells(r)
		for i, c := range cells {
			cells[i] = safetext.Markdown(c)
		}
		fmt.Fprintf(m.w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintf(m.w, "\n**%s:**\n\n", m.label(msg.ByVerdict))
	for _, c := range counts {
		fmt.Fprintf(m.w, "- %s: %s\n", mdCode(c.Verdict), m.label(msg.Machines, c.Machines))
	}
	// A ticket says what each failing verdict means and what to do, once.
	for _, c := range counts {
		if e, ok := m.k.Get(c.Verdict); ok {
			fmt.Fprintln(m.w)
			m.probableCause(msg.ProbableCause, e, kb.Context{})
		}
	}
	m.event()
}

func (b *base) machineColumns() []string {
	return []string{b.label(msg.ColMachine), b.label(msg.ColOS), b.label(msg.ColAgent), b.label(msg.ColVerdictFrom),
		b.label(msg.ColVerdict), b.label(msg.ColFailedRuns), b.label(msg.ColIncidents)}
}

// machineCells are a row's cells, log text made safe to print. The verdict
// is from what machine.Row.Current returns, and the cell before it says
// which: the last run (its start and command) or the incident that came
// after it (its start and log). Failed runs are "failed/all".
func (b *base) machineCells(r *machine.Row) []string {
	from := "-"
	if c := r.Current(); c != nil {
		what := b.clean(c.Command)
		if c == r.Incident {
			what = b.label(msg.Incident) + " " + baseName(c.File)
		}
		from = strings.TrimSpace(timeSpan(c.Start, time.Time{}) + " " + what)
		if from == "" {
			from = c.File
		}
		from = clipText(from, 60)
	}
	return []string{
		safetext.Controls(cmp.Or(r.Name, "?")), cmp.Or(r.OS, "-"), safetext.Controls(cmp.Or(r.AgentVersion, "-")),
		safetext.Controls(from), r.Verdict(), fmt.Sprintf("%d/%d", r.FailedRuns, r.Runs), fmt.Sprint(r.Incidents),
	}
}

// writeColumns writes cells as aligned columns two spaces apart, padded by
// display width (text/tabwriter counts runes, so a Japanese header of
// double-width characters would push its row out of line).
func writeColumns(w io.Writer, cells [][]string) {
	var widths []int
	for _, row := range cells {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], DisplayWidth(c))
		}
	}
	var b strings.Builder
	for _, row := range cells {
		b.Reset()
		for i, c := range row {
			if i == len(row)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(pad(c, widths[i]+2))
		}
		fmt.Fprintln(w, b.String())
	}
}

// baseName is a log's name without its folders, whichever system's
// separators its path (a zip entry of a Windows machine) uses.
func baseName(file string) string {
	return file[strings.LastIndexAny(file, `/\:`)+1:]
}
