package winservice

import (
	"runtime"
	"slices"
	"testing"
)

func TestDefaultPaths(t *testing.T) {
	for pd, want := range map[string]string{`D:\Data\`: `D:\Data\arcdiag\output`, "": `C:\ProgramData\arcdiag\output`, `E:\PD`: `E:\PD\arcdiag\output`} {
		if got := DefaultPaths(pd, nil).OutputDir; got != want {
			t.Errorf("DefaultPaths(%q).OutputDir = %q, want %q", pd, got, want)
		}
	}
}

// TestSpec: the service control manager starts "service run -- tail ...",
// with the agent logs last.
func TestSpec(t *testing.T) {
	p := Paths{OutputDir: `C:\o`, StateFile: `C:\s.json`, Logs: []string{`C:\a.log`, `C:\h.log`}}
	s := NewSpec(`C:\arcdiag.exe`, p, "2d")
	want := []string{"service", "run", "--", "tail", "--no-color", "--output-dir", `C:\o`, "--keep", "2d", "--state-file", `C:\s.json`, `C:\a.log`, `C:\h.log`}
	if s.Exe != `C:\arcdiag.exe` || !slices.Equal(s.Args, want) || s.DisplayName == "" || s.Description == "" {
		t.Errorf("NewSpec = %+v", s)
	}
}

func TestNotWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Install needs an elevated prompt there")
	}
	if Install(Spec{}) != ErrNotWindows || Uninstall() != ErrNotWindows || Run(nil) != ErrNotWindows {
		t.Error("want ErrNotWindows off Windows")
	}
}
