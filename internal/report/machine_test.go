package report

import (
	"io"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/kb"
)

// TestVerdictFrom: the cell before a machine's verdict names what the
// verdict comes from (machine.Row.Current): the last run, or an incident
// that did not recover and started after it, named by its log.
func TestVerdictFrom(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2031, 1, 27, h, 0, 0, 0, time.UTC) }
	run := machine.Event{ID: "r", File: "a.zip:var/opt/azcmagent/log/azcmagent.log", Command: "config", Start: at(10)}
	incident := func(h int, file string) machine.Event {
		return machine.Event{ID: "i", File: file, Start: at(h), Failed: true, Verdict: "endpoints-unreachable", Timeline: true}
	}
	for _, tt := range []struct {
		name   string
		events []machine.Event
		lang   kb.Lang
		from   string
		want   string // the verdict
	}{
		{"incident after the run", []machine.Event{run, incident(11, "a.zip:var/opt/azcmagent/log/himds.log")}, kb.EN,
			"2031-01-27 11:00:00Z incident himds.log", "endpoints-unreachable"},
		{"in Japanese, a Windows path", []machine.Event{run, incident(11, `b.zip:ProgramData\AzureConnectedMachineAgent\Log\himds.log`)}, kb.JA,
			"2031-01-27 11:00:00Z インシデント himds.log", "endpoints-unreachable"},
		{"incident before the run", []machine.Event{incident(9, "a.zip:himds.log"), run}, kb.EN,
			"2031-01-27 10:00:00Z config", machine.VerdictOK},
		{"nothing", nil, kb.EN, "-", machine.VerdictUnread},
	} {
		var r machine.Row
		for _, e := range tt.events {
			r.Add(e)
		}
		b := newBase(io.Discard, nil, Options{Lang: tt.lang})
		cells := b.machineCells(&r)
		if cells[3] != tt.from || cells[4] != tt.want {
			t.Errorf("%s: %q then %q, want %q then %q", tt.name, cells[3], cells[4], tt.from, tt.want)
		}
	}
}
