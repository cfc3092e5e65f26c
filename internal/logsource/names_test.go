package logsource

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLogName(t *testing.T) {
	tests := []struct {
		base string
		want logName
		ok   bool
	}{
		{"azcmagent.log", logName{family: 0, kind: rotLive}, true},
		{"AzcmAgent.LOG", logName{family: 0, kind: rotLive}, true},
		{"himds.log", logName{family: 1, kind: rotLive}, true},
		{"arcproxy.log", logName{family: 2, kind: rotLive}, true},
		{"gc_agent.log", logName{family: 3, kind: rotLive}, true},
		{"gc_ext.log", logName{family: 4, kind: rotLive}, true},
		{"azcmagent.log.1", logName{family: 0, kind: rotNumbered, num: 1}, true},
		{"azcmagent.log.2.gz", logName{family: 0, kind: rotNumbered, num: 2}, true},
		{"himds.log.1.gz", logName{family: 1, kind: rotNumbered, num: 1}, true},
		{"gc_agent.3.log", logName{family: 3, kind: rotNumbered, num: 3}, true},
		{"azcmagent.log.gz", logName{family: 0, kind: rotLabelled}, true},
		{"azcmagent-2024-01-02T03-04-05.000.log.gz", logName{family: 0, kind: rotLabelled, label: "2024-01-02t03-04-05.000"}, true},
		{"azcmagent-anything.log", logName{family: 0, kind: rotLabelled, label: "anything"}, true},
		{"gc_ext_old.log", logName{family: 4, kind: rotLabelled, label: "old"}, true},
		{"himds.log-20240102.gz", logName{family: 1, kind: rotLabelled, label: "20240102"}, true},
		{"azcmagent.log.1700000000", logName{family: 0, kind: rotLabelled, label: "1700000000"}, true},
		{"azcmagent.log.bak", logName{family: 0, kind: rotLabelled, label: "bak"}, true},

		{"azcmagent.log.zip", logName{}, false},
		{"azcmagent.log.json", logName{}, false},
		{"azcmagent.log.2.xz", logName{}, false},
		{"azcmagent-events.evtx", logName{}, false},
		{"agentconfig.json", logName{}, false},
		{"azcmagent.exe", logName{}, false},
		{"azcmagent", logName{}, false},
		{"azcmagent.log.", logName{}, false},
		{"azcmagent-.log", logName{}, false},
		{"himdsd.log", logName{}, false},
		{"gc.log", logName{}, false},
		{"installationlog.txt", logName{}, false},
		{"Application.evtx", logName{}, false},
		{".azcmagent.log.swp", logName{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			got, ok := parseLogName(tt.base)
			if ok != tt.ok {
				t.Fatalf("parseLogName(%q) ok = %v, want %v", tt.base, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(logName{})); diff != "" {
				t.Errorf("parseLogName(%q) mismatch (-want +got):\n%s", tt.base, diff)
			}
		})
	}
}

func TestRotationOrder(t *testing.T) {
	// Shuffled on purpose; the want order is oldest first per family.
	names := []string{
		"himds.log", "azcmagent.log", "azcmagent.log.1", "azcmagent.log.10",
		"azcmagent.log.2.gz", "azcmagent-2024-01-10T00-00-00.000.log.gz",
		"azcmagent-2024-01-9T00-00-00.000.log.gz", "himds.log.1.gz", "gc_ext.log",
		"arcproxy.log", "gc_agent.log.1",
	}
	want := []string{
		"azcmagent-2024-01-9T00-00-00.000.log.gz", "azcmagent-2024-01-10T00-00-00.000.log.gz",
		"azcmagent.log.10", "azcmagent.log.2.gz", "azcmagent.log.1", "azcmagent.log",
		"himds.log.1.gz", "himds.log", "arcproxy.log", "gc_agent.log.1", "gc_ext.log",
	}
	slices.SortFunc(names, func(a, b string) int {
		la, _ := parseLogName(a)
		lb, _ := parseLogName(b)
		return compareLogNames(la, lb)
	})
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestCompareDirs(t *testing.T) {
	dirs := []string{"a/b", "a.b", "a", "a/b/c", "a-b", "b"}
	slices.SortFunc(dirs, compareDirs)
	want := []string{"a", "a/b", "a/b/c", "a-b", "a.b", "b"}
	if diff := cmp.Diff(want, dirs); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestInferOS(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/var/opt/azcmagent/log/azcmagent.log", "linux"},
		{"/tmp/bundle/var/lib/GuestConfig/arc_policy_logs/gc_agent.log", "linux"},
		{`C:\ProgramData\AzureConnectedMachineAgent\Log\himds.log`, "windows"},
		{`ProgramData\GuestConfig\ext_mgr_logs\gc_ext.log`, "windows"},
		{"/tmp/x/programdata/azureconnectedmachineagent/log/azcmagent.log", "windows"},
		{"/home/me/azcmagent.log", ""},
		{"azcmagent.log", ""},
	}
	for _, tt := range tests {
		if got := InferOS(tt.path); got != tt.want {
			t.Errorf("InferOS(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if got := inferEntryOS(`Log\azcmagent.log`); got != "windows" {
		t.Errorf(`inferEntryOS("Log\\azcmagent.log") = %q, want "windows"`, got)
	}
}

func TestEntryPath(t *testing.T) {
	tests := []struct {
		name, want string
		unsafe     bool
	}{
		{name: "var/opt/azcmagent/log/azcmagent.log", want: "var/opt/azcmagent/log/azcmagent.log"},
		{name: "/var/opt/azcmagent/log/azcmagent.log", want: "var/opt/azcmagent/log/azcmagent.log"},
		{name: `ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`, want: "ProgramData/AzureConnectedMachineAgent/Log/azcmagent.log"},
		{name: `\ProgramData\GuestConfig\ext_mgr_logs\gc_ext.log`, want: "ProgramData/GuestConfig/ext_mgr_logs/gc_ext.log"},
		{name: "logs/./azcmagent.log", want: "logs/azcmagent.log"},
		{name: "azcmagent.log", want: "azcmagent.log"},
		{name: "../evil/azcmagent.log", unsafe: true},
		{name: "var/opt/../../../etc/azcmagent.log", unsafe: true},
		{name: `..\..\Windows\azcmagent.log`, unsafe: true},
		{name: "/etc/azcmagent.log", unsafe: true},
		{name: "/tmp/azcmagent.log", unsafe: true},
		{name: `C:\ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`, unsafe: true},
		{name: "c:/azcmagent.log", unsafe: true},
		{name: `\\server\share\azcmagent.log`, unsafe: true},
		{name: "azcmagent.log\n\x1b[2Jfake output", unsafe: true},
	}
	for _, tt := range tests {
		got, err := entryPath(tt.name)
		if tt.unsafe {
			if !errors.Is(err, errUnsafePath) {
				t.Errorf("entryPath(%q) = %q, %v; want errUnsafePath", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("entryPath(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestSeries(t *testing.T) {
	same := [][2]string{
		{"/var/opt/azcmagent/log/azcmagent.log.1", "/var/opt/azcmagent/log/azcmagent.log"},
		{"logs/azcmagent.log.2.gz", "logs/azcmagent.log"},
		{`b.zip:ProgramData\AzureConnectedMachineAgent\Log\himds.log.1`, `b.zip:ProgramData\AzureConnectedMachineAgent\Log\himds.log`},
	}
	for _, p := range same {
		if Series(p[0]) == "" || Series(p[0]) != Series(p[1]) {
			t.Errorf("Series(%q) = %q, Series(%q) = %q; want the same", p[0], Series(p[0]), p[1], Series(p[1]))
		}
	}
	differ := [][2]string{
		{"logs/azcmagent.log", "logs/himds.log"},
		{"a/azcmagent.log", "b/azcmagent.log"},
	}
	for _, p := range differ {
		if Series(p[0]) == Series(p[1]) {
			t.Errorf("Series(%q) == Series(%q)", p[0], p[1])
		}
	}
	if s := Series("notes.txt"); s != "" {
		t.Errorf("Series(notes.txt) = %q, want empty", s)
	}
}

func TestParseLogPath(t *testing.T) {
	tests := []struct {
		path   string
		family int
		ok     bool
	}{
		{"var/opt/azcmagent/log/azcmagent.log", 0, true},
		{"C:/Windows/AzureConnectedMachineAgent/temp/installationlog.txt", familyInstaller, true},
		{"Azcmagentinstallationlog.txt", familyInstaller, true},
		{"C:/temp/Azcmagentupdatesetup.txt", familyInstaller, true},
		{"C:/Support/Logs/azcmagentupgradesetup.log", familyInstaller, true},
		{"Users/admin/AppData/Local/Temp/MSI4f2a1.LOG", familyInstaller, true},
		{"C:/temp/AzureArcOnboarding.log", familyOnboarding, true},
		{"var/lib/GuestConfig/extension_logs/Microsoft.Azure.Monitor.AzureMonitorLinuxAgent-1.29.4/extension.log", familyExtension, true},
		{"ProgramData/GuestConfig/extension_logs/Microsoft.CPlat.Core.WindowsPatchExtension/PatchInstallationSummary.txt", familyExtension, true},
		{"extension_logs/handler.log", familyExtension, true},

		{"var/lib/GuestConfig/extension_logs/x/HandlerState.json", 0, false},
		{"var/lib/GuestConfig/extension_logs", 0, false},
		{"docs/installation.txt", 0, false},
		{"msi.log", 0, false},
		{"msi-notes.log", 0, false},
		{"azcmagent.msi", 0, false},
		{"onboarding.log", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseLogPath(tt.path)
		if ok != tt.ok || ok && got.family != tt.family {
			t.Errorf("parseLogPath(%q) = %+v, %v; want family %d, %v", tt.path, got, ok, tt.family, tt.ok)
		}
	}
	if s := Series("x/installationlog.txt"); s != "" {
		t.Errorf("Series(installationlog.txt) = %q, want empty: installer logs are not rotations", s)
	}
}
