package serve

import (
	"cmp"
	"slices"
	"strings"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
)

// verdictGroup is one row group of the by-verdict view: the machines whose
// latest failure has this verdict.
type verdictGroup struct {
	Verdict  string // entry id; "" for no failure or an unexplained one
	Title    string
	Machines []machineRow
}

type machineRow struct {
	Name, File, Time string
}

// machineName is the computer an `azcmagent logs` zip comes from, by its
// default name, else the zip's name.
func machineName(zip string) string {
	return cmp.Or(machine.NameFromZip(zip), strings.TrimSuffix(zip, ".zip"))
}

// groupMachines builds the by-verdict view when several zips were
// uploaded: one row per zip (one machine), under the verdict of its latest
// failure (a failed run of azcmagent before a service's incident).
func (v *analysisView) groupMachines(uploads []logsource.Upload) {
	var zips []string
	for _, u := range uploads {
		if strings.HasSuffix(strings.ToLower(u.Name), ".zip") || strings.HasPrefix(string(u.Data), "PK\x03\x04") {
			zips = append(zips, u.Name)
		}
	}
	if len(zips) < 2 {
		return
	}
	byVerdict := map[string]*verdictGroup{}
	var order []string
	for _, z := range zips {
		var lastRun, lastIncident *runView
		for _, rv := range v.Runs {
			switch {
			case !strings.HasPrefix(rv.File, z+":") || !rv.Failed:
			case rv.StatusLabel == "failed":
				lastRun = rv
			default:
				lastIncident = rv
			}
		}
		latest := cmp.Or(lastRun, lastIncident)
		key, title, file, when := "", label(v.lang, "noFailure"), "", ""
		if latest != nil {
			key, title = latest.Verdict, latest.VerdictTitle
			if key == "" {
				key, title = "?", label(v.lang, "unexplained")
			}
			file, when = strings.TrimPrefix(latest.File, z+":"), latest.Time
		}
		g := byVerdict[key]
		if g == nil {
			g = &verdictGroup{Verdict: strings.Trim(key, "?"), Title: title}
			byVerdict[key] = g
			order = append(order, key)
		}
		g.Machines = append(g.Machines, machineRow{Name: machineName(z), File: file, Time: when})
	}
	// Failures first, the most machines first; no failure last.
	slices.SortStableFunc(order, func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return len(byVerdict[b].Machines) - len(byVerdict[a].Machines)
	})
	for _, k := range order {
		v.Machines = append(v.Machines, *byVerdict[k])
	}
}
