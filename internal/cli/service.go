package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/outdir"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/winservice"
)

// ServiceCmd installs, removes and runs the Windows service that runs
// tail --output-dir at boot. On Linux the systemd unit does that.
type ServiceCmd struct {
	Install   ServiceInstallCmd   `cmd:"" help:"Install and start the Windows service that runs tail --output-dir at boot (as administrator)."`
	Uninstall ServiceUninstallCmd `cmd:"" help:"Stop and remove the Windows service."`
	Run       ServiceRunCmd       `cmd:"" hidden:"" help:"Run as the Windows service (the service control manager starts this)."`
}

// ServiceInstallCmd installs the service.
type ServiceInstallCmd struct {
	OutputDir string `name:"output-dir" help:"Where the daily NDJSON files go (default: %ProgramData%\\arcdiag\\output)." placeholder:"DIR"`
	Keep      string `help:"Delete daily files older than this (days as 3d, or a duration as 36h)." default:"3d" placeholder:"AGE"`
	StateFile string `name:"state-file" help:"Where tail's resume state is kept (default: %ProgramData%\\arcdiag\\tail-state.json)." placeholder:"FILE"`
}

// Help shows examples.
func (c *ServiceInstallCmd) Help() string {
	return `Windows only: registers the service "arcdiag" (automatic, delayed start,
restarted 30 s after a failure) that follows this machine's azcmagent.log and
himds.log and writes each failure to daily NDJSON files for the Azure Monitor
Agent or an OpenTelemetry collector, then starts it. Its own messages go to
the Application event log, source arcdiag. On Linux, install
deploy/systemd/arcdiag.service instead (the deb and rpm packages carry it).

Examples:
  arcdiag service install
  arcdiag service install --output-dir D:\arcdiag --keep 7d
  arcdiag service uninstall`
}

// Run installs the service.
func (c *ServiceInstallCmd) Run(e *env) error {
	if runtime.GOOS != "windows" {
		return e.usagef(msg.ServiceNotWindows)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	spec, err := c.spec(e.Globals, exe, os.Getenv)
	if err != nil {
		return err
	}
	if err := winservice.Install(spec); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.msg(msg.ServiceInstalled, winservice.Name, spec.Exe+" "+strings.Join(spec.Args, " ")))
	return nil
}

// spec is the service for exe, with the flags' paths or the defaults
// under ProgramData (from getenv).
func (c *ServiceInstallCmd) spec(g Globals, exe string, getenv func(string) string) (winservice.Spec, error) {
	if _, err := outdir.ParseKeep(c.Keep); err != nil {
		return winservice.Spec{}, g.usagef(msg.TailKeep, "--keep", c.Keep)
	}
	p := winservice.DefaultPaths(getenv("ProgramData"), logsource.DefaultPaths("windows", getenv))
	if c.OutputDir != "" {
		p.OutputDir = c.OutputDir
	}
	if c.StateFile != "" {
		p.StateFile = c.StateFile
	}
	return winservice.NewSpec(exe, p, c.Keep), nil
}

// ServiceUninstallCmd removes the service.
type ServiceUninstallCmd struct{}

// Run removes the service.
func (c *ServiceUninstallCmd) Run(e *env) error {
	if runtime.GOOS != "windows" {
		return e.usagef(msg.ServiceNotWindows)
	}
	if err := winservice.Uninstall(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.msg(msg.ServiceRemoved, winservice.Name))
	return nil
}

// ServiceRunCmd is what the service control manager starts: the tail
// command given after it, until the service is stopped.
type ServiceRunCmd struct {
	Args []string `arg:"" passthrough:"" help:"The tail command and its flags."`
}

// Run runs the tail command as the service.
func (c *ServiceRunCmd) Run(e *env) error {
	args, ok := serviceTail(c.Args)
	if !ok {
		return e.usagef(msg.ServiceRunTail, strings.Join(c.Args, " "))
	}
	if runtime.GOOS != "windows" {
		return e.usagef(msg.ServiceNotWindows)
	}
	return winservice.Run(func(ctx context.Context, log io.Writer) int {
		return Main(ctx, args, strings.NewReader(""), log, log)
	})
}

// serviceTail returns the tail command the service runs: the service runs
// tail and nothing else.
func serviceTail(args []string) ([]string, bool) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	return args, len(args) > 0 && args[0] == "tail"
}
