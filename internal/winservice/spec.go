// Package winservice runs arcdiag tail --output-dir as a Windows service and
// installs or removes it with the service control manager. The service
// definition (Spec) and the paths it uses are plain data, built and tested on
// every OS; only Install, Uninstall and Run need Windows, and elsewhere they
// return ErrNotWindows.
package winservice

import (
	"errors"
	"strings"
)

// Name is the service's name for the service control manager (sc.exe query
// arcdiag) and its event log source.
const Name = "arcdiag"

// ErrNotWindows is returned by Install, Uninstall and Run on other systems
// (the command line checks first, and says so in the user's language).
var ErrNotWindows = errors.New("winservice: not Windows")

// Spec is what the service runs: the program and the arguments the service
// control manager passes it.
type Spec struct {
	Exe         string   // absolute path of arcdiag.exe
	Args        []string // service run and the tail flags
	DisplayName string
	Description string
}

// Paths are where the service reads and writes on one machine.
type Paths struct {
	OutputDir string   // the daily NDJSON files a collector picks up
	StateFile string   // tail's resume state
	Logs      []string // the agent logs followed
}

// DefaultPaths returns the Windows service's paths under programData (the
// ProgramData folder, C:\ProgramData unless the machine says otherwise):
// its output in ProgramData\arcdiag\output, the state beside it, and the
// agent logs given.
func DefaultPaths(programData string, logs []string) Paths {
	pd := strings.TrimRight(programData, `\/`)
	if pd == "" {
		pd = `C:\ProgramData`
	}
	return Paths{
		OutputDir: pd + `\arcdiag\output`,
		StateFile: pd + `\arcdiag\tail-state.json`,
		Logs:      logs,
	}
}

// TailArgs are the arguments of the tail command the service runs (without
// the program name), the same on every OS: the systemd unit's ExecStart
// holds them too.
func TailArgs(p Paths, keep string) []string {
	args := []string{"tail", "--no-color", "--output-dir", p.OutputDir, "--keep", keep, "--state-file", p.StateFile}
	return append(args, p.Logs...)
}

// NewSpec returns the service that runs exe's tail with p and keep. The
// service control manager starts "arcdiag service run <tail arguments>".
func NewSpec(exe string, p Paths, keep string) Spec {
	return Spec{
		Exe:         exe,
		Args:        append([]string{"service", "run", "--"}, TailArgs(p, keep)...),
		DisplayName: "arcdiag (Azure Arc agent failures to NDJSON)",
		Description: "Follows the Azure Connected Machine agent's logs and writes each failure, explained, to daily NDJSON files for the Azure Monitor Agent or an OpenTelemetry collector.",
	}
}
