package logsource

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// logText returns realistic logrus lines, distinct per tag, so that a test
// can tell which file a reader delivered.
func logText(tag string, lines int) []byte {
	var b bytes.Buffer
	for i := range lines {
		fmt.Fprintf(&b, "time=\"2031-02-03T04:%02d:%02dZ\" level=info msg=\"%s heartbeat %d\" Component=himds Seq=%08x\n",
			i/60%60, i%60, tag, i, i*2654435761)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readInput(t *testing.T, in Input) ([]byte, error) {
	t.Helper()
	rc, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func names(inputs []Input) []string {
	var out []string
	for _, in := range inputs {
		out = append(out, in.Name)
	}
	return out
}

// problemView is what the tests compare of a Problem.
type problemView struct {
	Path  string
	Hint  Hint
	Fatal bool
}

func views(problems []*Problem) []problemView {
	var out []problemView
	for _, p := range problems {
		out = append(out, problemView{p.Path, p.Hint, p.Fatal})
	}
	return out
}

// canReadUnreadable reports whether this process ignores file permissions
// (root, CAP_DAC_OVERRIDE), which makes a permission-denied test impossible.
func canReadUnreadable(t *testing.T) bool {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	writeFile(t, p, []byte("x"))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err == nil {
		f.Close()
		return true
	}
	return false
}

func TestDefaultPaths(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name   string
		goos   string
		getenv func(string) string
		want   []string
	}{
		{"linux", "linux", nil, []string{"/var/opt/azcmagent/log/azcmagent.log", "/var/opt/azcmagent/log/himds.log"}},
		{"other systems get the Linux paths", "darwin", nil, []string{"/var/opt/azcmagent/log/azcmagent.log", "/var/opt/azcmagent/log/himds.log"}},
		{"windows ProgramData unset", "windows", env(nil), []string{
			`C:\ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`,
			`C:\ProgramData\AzureConnectedMachineAgent\Log\himds.log`,
		}},
		{"windows ProgramData elsewhere", "windows", env(map[string]string{"ProgramData": `D:\PD\`}), []string{
			`D:\PD\AzureConnectedMachineAgent\Log\azcmagent.log`,
			`D:\PD\AzureConnectedMachineAgent\Log\himds.log`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DefaultPaths(tt.goos, tt.getenv)); diff != "" {
				t.Errorf("DefaultPaths mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// A nil getenv falls back to the process environment.
	t.Setenv("ProgramData", `E:\Data`)
	if got := DefaultPaths("windows", nil)[0]; got != `E:\Data\AzureConnectedMachineAgent\Log\azcmagent.log` {
		t.Errorf("DefaultPaths(windows, nil)[0] = %q", got)
	}
}

func TestResolveDefaults(t *testing.T) {
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos+"/both present", func(t *testing.T) {
			dir := t.TempDir()
			agent, himds := filepath.Join(dir, "azcmagent.log"), filepath.Join(dir, "himds.log")
			writeFile(t, agent, logText("agent", 3))
			writeFile(t, himds, logText("himds", 5))
			inputs, problems := Resolve(nil, Options{GOOS: goos, defaultPaths: []string{agent, himds}})
			if len(problems) != 0 {
				t.Fatalf("problems: %v", problems)
			}
			want := []Input{
				{Name: agent, Size: int64(len(logText("agent", 3))), OS: goos},
				{Name: himds, Size: int64(len(logText("himds", 5))), OS: goos},
			}
			if diff := cmp.Diff(want, inputs, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".open" }, cmp.Ignore())); diff != "" {
				t.Errorf("inputs mismatch (-want +got):\n%s", diff)
			}
			got, err := readInput(t, inputs[1])
			if err != nil || !bytes.Equal(got, logText("himds", 5)) {
				t.Errorf("reading %s: %q, %v", inputs[1].Name, got, err)
			}
		})
		t.Run(goos+"/none present", func(t *testing.T) {
			dir := t.TempDir()
			agent, himds := filepath.Join(dir, "azcmagent.log"), filepath.Join(dir, "himds.log")
			inputs, problems := Resolve(nil, Options{GOOS: goos, defaultPaths: []string{agent, himds}})
			if len(inputs) != 0 {
				t.Fatalf("inputs = %v, want none", names(inputs))
			}
			want := []problemView{{agent, HintNotInstalled, true}, {himds, HintNotInstalled, true}}
			if diff := cmp.Diff(want, views(problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(problems[0], fs.ErrNotExist) {
				t.Errorf("problem %v does not wrap fs.ErrNotExist", problems[0])
			}
			wantMsg := agent + ": no such file or directory"
			if got := problems[0].Error(); got != wantMsg {
				t.Errorf("Error() = %q, want %q", got, wantMsg)
			}
		})
	}
	t.Run("one present", func(t *testing.T) {
		dir := t.TempDir()
		agent, himds := filepath.Join(dir, "azcmagent.log"), filepath.Join(dir, "himds.log")
		writeFile(t, agent, logText("agent", 1))
		inputs, problems := Resolve(nil, Options{GOOS: "linux", defaultPaths: []string{agent, himds}})
		if diff := cmp.Diff([]string{agent}, names(inputs)); diff != "" {
			t.Errorf("inputs mismatch (-want +got):\n%s", diff)
		}
		// Not fatal, and not "not installed": the agent is clearly there.
		if diff := cmp.Diff([]problemView{{himds, NoHint, false}}, views(problems)); diff != "" {
			t.Errorf("problems mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if canReadUnreadable(t) {
			t.Skip("running with permission to read any file (root): cannot make a file unreadable")
		}
		for goos, hint := range map[string]Hint{"linux": HintRunAsRoot, "windows": HintRunElevated} {
			dir := t.TempDir()
			agent, himds := filepath.Join(dir, "azcmagent.log"), filepath.Join(dir, "himds.log")
			writeFile(t, agent, logText("agent", 1))
			writeFile(t, himds, logText("himds", 1))
			for _, p := range []string{agent, himds} {
				if err := os.Chmod(p, 0); err != nil {
					t.Fatal(err)
				}
			}
			inputs, problems := Resolve(nil, Options{GOOS: goos, defaultPaths: []string{agent, himds}})
			if len(inputs) != 0 {
				t.Errorf("%s: inputs = %v, want none", goos, names(inputs))
			}
			want := []problemView{{agent, hint, true}, {himds, hint, true}}
			if diff := cmp.Diff(want, views(problems)); diff != "" {
				t.Errorf("%s: problems mismatch (-want +got):\n%s", goos, diff)
			}
		}
	})
}

// TestPermissionHint covers the hint on any system, including when the
// tests run as root and no file can be made unreadable.
func TestPermissionHint(t *testing.T) {
	err := &fs.PathError{Op: "open", Path: "/var/opt/azcmagent/log/himds.log", Err: fs.ErrPermission}
	for goos, want := range map[string]Hint{"linux": HintRunAsRoot, "windows": HintRunElevated} {
		r := &resolver{opts: Options{GOOS: goos}.withDefaults()}
		p := r.problem(err.Path, err)
		if p.Hint != want {
			t.Errorf("%s: hint %d, want %d", goos, p.Hint, want)
		}
		if got, wantMsg := p.Error(), "/var/opt/azcmagent/log/himds.log: permission denied"; got != wantMsg {
			t.Errorf("%s: %q, want %q", goos, got, wantMsg)
		}
	}
}

func TestResolveFiles(t *testing.T) {
	dir := t.TempDir()
	any := filepath.Join(dir, "customer-sent-this.txt")
	extracted := filepath.Join(dir, "bundle", "var", "opt", "azcmagent", "log", "azcmagent.log")
	winExtracted := filepath.Join(dir, "win", "ProgramData", "AzureConnectedMachineAgent", "Log", "himds.log")
	missing := filepath.Join(dir, "nope.log")
	writeFile(t, any, logText("any", 2))
	writeFile(t, extracted, logText("extracted", 4))
	writeFile(t, winExtracted, logText("win", 1))

	inputs, problems := Resolve([]string{any, missing, extracted, winExtracted, any}, Options{})
	want := []Input{
		{Name: any, Size: int64(len(logText("any", 2)))},
		{Name: extracted, Size: int64(len(logText("extracted", 4))), OS: "linux"},
		{Name: winExtracted, Size: int64(len(logText("win", 1))), OS: "windows"},
	}
	if diff := cmp.Diff(want, inputs, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".open" }, cmp.Ignore())); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]problemView{{missing, NoHint, true}}, views(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(problems[0], fs.ErrNotExist) {
		t.Errorf("problem %v does not wrap fs.ErrNotExist", problems[0])
	}
	for _, in := range inputs {
		got, err := readInput(t, in)
		wantData, _ := os.ReadFile(in.Name)
		if err != nil || !bytes.Equal(got, wantData) {
			t.Errorf("reading %s: %d bytes, %v", in.Name, len(got), err)
		}
	}
}

func TestResolveUnreadableFile(t *testing.T) {
	if canReadUnreadable(t) {
		t.Skip("running with permission to read any file (root): cannot make a file unreadable")
	}
	dir := t.TempDir()
	locked := filepath.Join(dir, "logs", "himds.log")
	writeFile(t, locked, logText("himds", 1))
	writeFile(t, filepath.Join(dir, "logs", "azcmagent.log"), logText("agent", 1))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	// Named directly: fatal. Found in a directory next to a readable log:
	// a warning.
	inputs, problems := Resolve([]string{locked, filepath.Join(dir, "logs")}, Options{GOOS: "linux"})
	if diff := cmp.Diff([]string{filepath.Join(dir, "logs", "azcmagent.log")}, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	want := []problemView{{locked, HintRunAsRoot, true}}
	if diff := cmp.Diff(want, views(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

func TestResolveDirectory(t *testing.T) {
	root := t.TempDir()
	logDir := filepath.Join(root, "var", "opt", "azcmagent", "log")
	gcDir := filepath.Join(root, "var", "lib", "GuestConfig", "arc_policy_logs")
	for _, name := range []string{
		"himds.log", "azcmagent.log", "azcmagent.log.1", "azcmagent.log.10", "azcmagent.log.2.gz",
		"azcmagent-2024-01-02T03-04-05.000.log.gz", "himds.log.1.gz", "arcproxy.log", "gc_ext.log",
		// Not logs, or not logs the parser can read.
		"agentconfig.json", "azcmagent.log.json", "Application.evtx", "notes.txt", "azcmagent.log.3.xz",
	} {
		writeFile(t, filepath.Join(logDir, name), logText(name, 1))
	}
	writeFile(t, filepath.Join(gcDir, "gc_agent.log"), logText("gc", 1))
	writeFile(t, filepath.Join(root, "zz-top.log"), logText("top", 1))
	writeFile(t, filepath.Join(root, "gc_ext.log"), logText("top gc_ext", 1))
	writeFile(t, filepath.Join(root, "bundle.zip"), buildZip(t,
		zent{name: "var/opt/azcmagent/log/himds.log", data: logText("zipped himds", 2)},
	))
	// A directory named like a log is not a log.
	if err := os.MkdirAll(filepath.Join(root, "azcmagent.log.d"), 0o755); err != nil {
		t.Fatal(err)
	}

	inputs, problems := Resolve([]string{root}, Options{})
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []string{
		filepath.Join(root, "gc_ext.log"),
		filepath.Join(root, "bundle.zip") + ":var/opt/azcmagent/log/himds.log",
		// var/lib before var/opt, each directory before its subdirectories.
		filepath.Join(gcDir, "gc_agent.log"),
		filepath.Join(logDir, "azcmagent-2024-01-02T03-04-05.000.log.gz"),
		filepath.Join(logDir, "azcmagent.log.10"),
		filepath.Join(logDir, "azcmagent.log.2.gz"),
		filepath.Join(logDir, "azcmagent.log.1"),
		filepath.Join(logDir, "azcmagent.log"),
		filepath.Join(logDir, "himds.log.1.gz"),
		filepath.Join(logDir, "himds.log"),
		filepath.Join(logDir, "arcproxy.log"),
		filepath.Join(logDir, "gc_ext.log"),
	}
	if diff := cmp.Diff(want, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	for _, in := range inputs {
		if strings.HasPrefix(in.Name, logDir) && in.OS != "linux" {
			t.Errorf("%s: OS = %q, want linux", in.Name, in.OS)
		}
	}

	// Resolving again gives the same order: it does not depend on the
	// order the system lists a directory in.
	again, _ := Resolve([]string{root}, Options{})
	if diff := cmp.Diff(want, names(again)); diff != "" {
		t.Errorf("second resolve mismatch (-want +got):\n%s", diff)
	}

	// A directory and a file in it: the file is read once.
	both, _ := Resolve([]string{filepath.Join(logDir, "himds.log"), root}, Options{})
	if got := len(both); got != len(want) {
		t.Errorf("directory plus a file in it: %d inputs, want %d", got, len(want))
	}
}

func TestResolveDirectoryLink(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "real", "azcmagent.log"), logText("agent", 1))
	link := filepath.Join(root, "link")
	if err := os.Symlink(filepath.Join(root, "real"), link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	inputs, problems := Resolve([]string{link}, Options{})
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if diff := cmp.Diff([]string{filepath.Join(link, "azcmagent.log")}, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
}

func TestResolveDirectoryWithoutLogs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "agentconfig.json"), []byte("{}"))
	inputs, problems := Resolve([]string{root}, Options{})
	if len(inputs) != 0 {
		t.Errorf("inputs = %v, want none", names(inputs))
	}
	if diff := cmp.Diff([]problemView{{root, HintExpectedLogs, true}}, views(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

func TestResolveStdin(t *testing.T) {
	data := logText("stdin", 3)
	t.Run("reader", func(t *testing.T) {
		inputs, problems := Resolve([]string{"-"}, Options{Stdin: bytes.NewReader(data)})
		if len(problems) != 0 {
			t.Fatalf("problems: %v", problems)
		}
		if diff := cmp.Diff([]string{"<stdin>"}, names(inputs)); diff != "" {
			t.Fatalf("inputs mismatch (-want +got):\n%s", diff)
		}
		if inputs[0].Size != -1 || inputs[0].OS != "" {
			t.Errorf("Size, OS = %d, %q; want -1, \"\"", inputs[0].Size, inputs[0].OS)
		}
		got, err := readInput(t, inputs[0])
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("read %q, %v", got, err)
		}
	})
	t.Run("redirected file has a size", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "in.log")
		writeFile(t, p, data)
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		inputs, _ := Resolve([]string{"-"}, Options{Stdin: f})
		if got := inputs[0].Size; got != int64(len(data)) {
			t.Errorf("Size = %d, want %d", got, len(data))
		}
	})
	t.Run("twice", func(t *testing.T) {
		inputs, problems := Resolve([]string{"-", "-"}, Options{Stdin: bytes.NewReader(data)})
		if len(inputs) != 1 {
			t.Errorf("inputs = %v, want one", names(inputs))
		}
		if diff := cmp.Diff([]problemView{{"-", NoHint, true}}, views(problems)); diff != "" {
			t.Errorf("problems mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("zip", func(t *testing.T) {
		z := buildZip(t, zent{name: "var/opt/azcmagent/log/azcmagent.log", data: data})
		inputs, _ := Resolve([]string{"-"}, Options{Stdin: bytes.NewReader(z)})
		if _, err := readInput(t, inputs[0]); err == nil || !strings.Contains(err.Error(), "zip") {
			t.Errorf("reading a zip from stdin: err = %v, want a zip error", err)
		}
	})
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Path: "a.log", Err: errors.New("boom"), Hint: HintRunAsRoot}, "a.log: boom"}, // the hint is worded by the CLI
		{Problem{Path: "a.log", Err: errors.New("boom")}, "a.log: boom"},
		{Problem{Path: "a.log"}, "a.log: unknown problem"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestZeroInputOpen(t *testing.T) {
	if _, err := (Input{Name: "x"}).Open(); err == nil {
		t.Error("Open of a zero Input succeeded")
	}
}
