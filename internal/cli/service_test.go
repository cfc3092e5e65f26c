package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/winservice"
)

const unitPath = "../../deploy/systemd/arcdiag.service"

// unitSettings reads a systemd unit's [Service] settings: each key's values
// in order (a key may repeat).
func unitSettings(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	settings := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == "[Service]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: %q is not key=value", path, line)
			}
			settings[k] = append(settings[k], v)
		}
	}
	return settings
}

// parseArgs parses args with arcdiag's real command line, without running
// the command.
func parseArgs(t *testing.T, args []string) (*CLI, string) {
	t.Helper()
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("arcdiag"), kong.Exit(func(int) { t.Fatalf("kong exited on %q", args) }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return &cli, ctx.Command()
}

// TestSystemdUnit: the unit runs the tail the Windows service runs, with
// this OS's agent logs; its output and state are in the directories systemd
// creates for it, the logs it reads are readable in its sandbox, and the
// real command line accepts its arguments.
func TestSystemdUnit(t *testing.T) {
	s := unitSettings(t, unitPath)
	exec := strings.Fields(s["ExecStart"][0])
	if exec[0] != "/usr/bin/arcdiag" {
		t.Errorf("ExecStart runs %s, want /usr/bin/arcdiag (where the packages install it)", exec[0])
	}
	logs := logsource.DefaultPaths("linux", nil)
	p := winservice.Paths{OutputDir: "/var/log/" + s["LogsDirectory"][0], StateFile: "/var/lib/" + s["StateDirectory"][0] + "/tail-state.json", Logs: logs}
	if want := winservice.TailArgs(p, "3d"); !slices.Equal(exec[1:], want) {
		t.Errorf("ExecStart arguments\n %q\nwant\n %q", exec[1:], want)
	}
	cli, cmd := parseArgs(t, exec[1:])
	if cmd != "tail <file>" || cli.Tail.OutputDir != p.OutputDir || cli.Tail.StateFile != p.StateFile || !slices.Equal(cli.Tail.Paths, logs) {
		t.Errorf("parsed as %q %+v", cmd, cli.Tail)
	}
	for _, l := range logs {
		if !slices.Contains(s["ReadOnlyPaths"], "-"+filepath.Dir(l)) {
			t.Errorf("ReadOnlyPaths %q does not name %s", s["ReadOnlyPaths"], filepath.Dir(l))
		}
	}
	for key, want := range map[string]string{"DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateNetwork": "yes", "CapabilityBoundingSet": "CAP_DAC_READ_SEARCH"} {
		if got := s[key]; len(got) != 1 || got[0] != want {
			t.Errorf("%s=%q, want %s", key, got, want)
		}
	}
}

// TestSystemdUnitVerifies runs systemd-analyze verify on the unit, with
// ExecStart pointing at an executable that exists here.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") != "" && runtime.GOOS == "linux" {
			t.Fatal("systemd-analyze is needed in CI (apt-get install systemd)")
		}
		t.Skip("systemd-analyze not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "arcdiag.service")
	if err := os.WriteFile(copyPath, bytes.ReplaceAll(unit, []byte("/usr/bin/arcdiag "), []byte(self+" ")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", "--man=no", copyPath).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestServiceSpec: the Windows service runs "service run -- tail ..." with
// the output under ProgramData and the agent's logs, or the paths given, and
// the real command line parses what the service control manager passes.
func TestServiceSpec(t *testing.T) {
	getenv := func(k string) string {
		if k == "ProgramData" {
			return `D:\PD\`
		}
		return ""
	}
	exe := `C:\Program Files\arcdiag\arcdiag.exe`
	spec, err := (&ServiceInstallCmd{Keep: "3d"}).spec(Globals{}, exe, getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"service", "run", "--", "tail", "--no-color", "--output-dir", `D:\PD\arcdiag\output`, "--keep", "3d",
		"--state-file", `D:\PD\arcdiag\tail-state.json`, `D:\PD\AzureConnectedMachineAgent\Log\azcmagent.log`, `D:\PD\AzureConnectedMachineAgent\Log\himds.log`}
	if spec.Exe != exe || !slices.Equal(spec.Args, want) {
		t.Errorf("spec %q %q\nwant %q", spec.Exe, spec.Args, want)
	}
	cli, cmd := parseArgs(t, spec.Args)
	if cmd != "service run <args>" {
		t.Fatalf("parsed as %q", cmd)
	}
	tail, ok := serviceTail(cli.Service.Run.Args)
	if !ok {
		t.Fatalf("service run %q refused", cli.Service.Run.Args)
	}
	cli, cmd = parseArgs(t, tail)
	if cmd != "tail <file>" || cli.Tail.OutputDir != `D:\PD\arcdiag\output` || cli.Tail.Keep != "3d" || len(cli.Tail.Paths) != 2 {
		t.Errorf("the service's tail parsed as %q %+v", cmd, cli.Tail)
	}

	spec, err = (&ServiceInstallCmd{Keep: "7d", OutputDir: `E:\out`, StateFile: `E:\state.json`}).spec(Globals{}, exe, getenv)
	if err != nil || !slices.Contains(spec.Args, `E:\out`) || !slices.Contains(spec.Args, `E:\state.json`) || !slices.Contains(spec.Args, "7d") {
		t.Errorf("flags not passed on: %q, %v", spec.Args, err)
	}
	if _, err := (&ServiceInstallCmd{Keep: "soon"}).spec(Globals{}, exe, getenv); err == nil {
		t.Error("--keep soon accepted")
	}
	for _, bad := range [][]string{nil, {"--"}, {"analyze", "x"}, {"--", "explain", "1"}} {
		if _, ok := serviceTail(bad); ok {
			t.Errorf("service run %q accepted", bad)
		}
	}
}

// TestServiceNeedsWindows: elsewhere, service install and uninstall say so
// and exit 2.
func TestServiceNeedsWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("installing needs an elevated prompt")
	}
	for _, args := range [][]string{{"service", "install"}, {"service", "uninstall"}, {"service", "run", "--", "tail"}} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
		if code != ExitUsage || !strings.Contains(stderr.String(), "Windows service") || !strings.Contains(stderr.String(), "systemd") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
	var stderr bytes.Buffer
	code := Main(t.Context(), []string{"--lang", "ja", "service", "install"}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if code != ExitUsage || !strings.Contains(stderr.String(), "Windows サービス") {
		t.Errorf("--lang ja: exit %d, stderr %q", code, stderr.String())
	}
}
