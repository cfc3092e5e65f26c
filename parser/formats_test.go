package parser

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestParseLineOtherFormats covers the formats of the logs beside the
// agent's own, with lines shaped like the public examples each is built on.
func TestParseLineOtherFormats(t *testing.T) {
	for _, tt := range otherFormatTests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseLine([]byte(tt.line))
			got := []any{r.Format, r.Level, r.Message()}
			want := []any{tt.format, tt.level, tt.message}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseLine(%q) format, level, message (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

// otherFormatTests are lines of the formats beside the agent's own, also
// seeds of FuzzScanner.
var otherFormatTests = []struct {
	name, line string
	format     Format
	level      Level
	message    string
}{
	{"json error", `{"Error":"dial tcp 192.0.2.10:443: i/o timeout","level":"error","msg":"Failed to connect","time":"2031-02-03T04:05:06Z"}`, FormatJSON, LevelError, "Failed to connect"},
	{"json fatal first", `{"level":"fatal","msg":"dial unix /run/x.sock: connect: no such file or directory","time":"2031-02-03T13:05:06+09:00"}`, FormatJSON, LevelFatal, "dial unix /run/x.sock: connect: no such file or directory"},
	{"json warning", `{"level":"warning","msg":"retrying"}`, FormatJSON, LevelWarning, "retrying"},
	{"json without level", `{"msg":"hello"}`, FormatPlain, LevelNone, `{"msg":"hello"}`},
	{"json unknown level", `{"level":"loud","msg":"x"}`, FormatPlain, LevelNone, `{"level":"loud","msg":"x"}`},
	{"json not closed", `{"level":"error","msg":"x"`, FormatPlain, LevelNone, `{"level":"error","msg":"x"`},
	{"json escaped level", `{"msg":"{\"level\":\"error\"}"}`, FormatPlain, LevelNone, `{"msg":"{\"level\":\"error\"}"}`},
	{"msi header", `=== Verbose logging started: 2/3/2031  10:15:32  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===`, FormatMSI, LevelInfo, `=== Verbose logging started: 2/3/2031  10:15:32  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===`},
	{"msi product failed", `MSI (s) (6C:98) [04:53:11:552]: Product: Azure Connected Machine Agent -- Installation failed.`, FormatMSI, LevelError, "Product: Azure Connected Machine Agent -- Installation failed."},
	{"msi product ok", `MSI (s) (6C:98) [04:53:11:552]: Product: Azure Connected Machine Agent -- Installation completed successfully.`, FormatMSI, LevelInfo, "Product: Azure Connected Machine Agent -- Installation completed successfully."},
	{"msi product error", `MSI (s) (6C:98) [04:53:11:552]: Product: Azure Connected Machine Agent -- Error 1722. There is a problem with this Windows Installer package.`, FormatMSI, LevelError, "Product: Azure Connected Machine Agent -- Error 1722. There is a problem with this Windows Installer package."},
	{"msi engine 1603", `MSI (s) (6C:98) [04:53:11:560]: MainEngineThread is returning 1603`, FormatMSI, LevelError, "MainEngineThread is returning 1603"},
	{"msi engine 0", `MSI (s) (6C:98) [04:53:11:560]: MainEngineThread is returning 0`, FormatMSI, LevelInfo, "MainEngineThread is returning 0"},
	{"msi engine 3010", `MSI (c) (A8:2C) [04:53:11:560]: MainEngineThread is returning 3010`, FormatMSI, LevelWarning, "MainEngineThread is returning 3010"},
	{"msi status", `MSI (s) (6C:98) [04:53:11:553]: Windows Installer installed the product. Product Name: Azure Connected Machine Agent. Product Version: 1.58.03079.1821. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1618.`, FormatMSI, LevelError, "Windows Installer installed the product. Product Name: Azure Connected Machine Agent. Product Version: 1.58.03079.1821. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1618."},
	{"msi note", `MSI (s) (6C:98) [04:53:11:552]: Note: 1: 1708 `, FormatMSI, LevelDebug, "Note: 1: 1708"},
	{"msi action unpadded", `Action ended 4:53:11: InstallFinalize. Return value 3.`, FormatMSI, LevelError, "Action ended 4:53:11: InstallFinalize. Return value 3."},
	{"msi action bad time", `Action ended soon: InstallFinalize.`, FormatPlain, LevelNone, `Action ended soon: InstallFinalize.`},
	{"msi action ended 3", `Action ended 04:53:11: InstallFinalize. Return value 3.`, FormatMSI, LevelError, "Action ended 04:53:11: InstallFinalize. Return value 3."},
	{"msi action ended 1", `Action ended 04:53:11: CostFinalize. Return value 1.`, FormatMSI, LevelInfo, "Action ended 04:53:11: CostFinalize. Return value 1."},
	{"msi action start", `Action start 04:53:11: InstallFinalize.`, FormatMSI, LevelInfo, "Action start 04:53:11: InstallFinalize."},
	{"msi custom action", `CustomAction CheckInstallationConditions returned actual error code 1157 (note this may not be 100% accurate if translation happened inside sandbox)`, FormatMSI, LevelError, "CustomAction CheckInstallationConditions returned actual error code 1157 (note this may not be 100% accurate if translation happened inside sandbox)"},
	{"msi property", `Property(S): ProductName = Azure Connected Machine Agent`, FormatMSI, LevelDebug, "Property(S): ProductName = Azure Connected Machine Agent"},
	{"gpo info", `[2031-02-03][13:05:06] INFO Starting Azure Arc Onboarding process ...`, FormatGPO, LevelInfo, "Starting Azure Arc Onboarding process ..."},
	{"gpo error", `[2031-02-03][13:05:07] ERROR Agent Code: AZCM0042: Failed to Create Resource`, FormatGPO, LevelError, "Agent Code: AZCM0042: Failed to Create Resource"},
	{"gpo bad date", `[2031-02-30][13:05:07] ERROR x`, FormatPlain, LevelNone, `[2031-02-30][13:05:07] ERROR x`},
	{"gpo no level", `[2031-02-03][13:05:07] hello`, FormatPlain, LevelNone, `[2031-02-03][13:05:07] hello`},
	{"ps verbose", `VERBOSE: Installing agent package`, FormatScript, LevelDebug, "Installing agent package"},
	{"ps warning", `WARNING: Running on an Azure Virtual Machine with MSFT_ARC_TEST set.`, FormatScript, LevelWarning, "Running on an Azure Virtual Machine with MSFT_ARC_TEST set."},
	{"ps error record", `C:\Users\admin\AppData\Local\Temp\install_windows_azcmagent.ps1 : Installation failed: [1603]: Fatal error during installation.`, FormatScript, LevelError, "Installation failed: [1603]: Fatal error during installation."},
	{"sh failure", `./install_linux_azcmagent.sh: error installing azcmagent (exit code: 100). See 'apt' command logs for more information.`, FormatScript, LevelError, "error installing azcmagent (exit code: 100). See 'apt' command logs for more information."},
	{"sh done", `Latest version of azcmagent is installed.`, FormatScript, LevelInfo, "Latest version of azcmagent is installed."},
	{"sh quoted by the portal", "Provisioning of the resource failed with Code: `AZCM0143`; Message: `install_linux_azcmagent.sh: installation error`.", FormatPlain, LevelNone, "Provisioning of the resource failed with Code: `AZCM0143`; Message: `install_linux_azcmagent.sh: installation error`."},
	{"bash about the script", `bash: /tmp/install_linux_azcmagent.sh: No such file or directory`, FormatPlain, LevelNone, `bash: /tmp/install_linux_azcmagent.sh: No such file or directory`},
	{"stamped ISO", `2031-02-03T04:05:06.123456Z INFO ExtHandler Extension enabled`, FormatStamped, LevelInfo, "ExtHandler Extension enabled"},
	{"stamped slash colon", `2031/02/03 04:05:06 ERROR:CalledProcessError.  Error Code is 1`, FormatStamped, LevelError, "CalledProcessError.  Error Code is 1"},
	{"stamped component", `2031/02/03 04:05:06 [Microsoft.Azure.Monitor.AzureMonitorLinuxAgent-1.29.4] [WARNING] slow`, FormatStamped, LevelWarning, "slow"},
	{"stamped bracket level", `2031-02-03 04:05:06,789 [ERROR] boom`, FormatStamped, LevelError, "boom"},
	{"stamped offset", `2031-02-03 04:05:06+0900 warn x`, FormatStamped, LevelWarning, "x"},
	{"stamped component only", `2031/02/03 04:05:06 [Microsoft.Azure.Monitor.AzureMonitorLinuxAgent-1.29.4] RunCmd ps -ef`, FormatStamped, LevelNone, `[Microsoft.Azure.Monitor.AzureMonitorLinuxAgent-1.29.4] RunCmd ps -ef`},
	{"stamped no level", `2031/02/03 04:05:06 RunCmd ps -ef`, FormatPlain, LevelNone, `2031/02/03 04:05:06 RunCmd ps -ef`},
	{"stamped open bracket", `2031/02/03 04:05:06 [unclosed`, FormatPlain, LevelNone, `2031/02/03 04:05:06 [unclosed`},
	// The Windows extension handlers' log (RunCommandExtension.log, CustomScriptHandler.log).
	{"handler info", `[1116+00000001] [03/04/2031 20:50:04.93] [INFO] Command execution task started. Awaiting completion...`, FormatStamped, LevelInfo, "Command execution task started. Awaiting completion..."},
	{"handler error", `[1116+00000001] [03/04/2031 20:50:05.38] [ERROR] Command execution finished, but failed because it returned a non-zero exit code of: '64'`, FormatStamped, LevelError, "Command execution finished, but failed because it returned a non-zero exit code of: '64'"},
	{"handler bad date", `[1116+00000001] [13/04/2031 20:50:05.38] [ERROR] x`, FormatPlain, LevelNone, `[1116+00000001] [13/04/2031 20:50:05.38] [ERROR] x`},
	{"handler no level", `[1116+00000001] [03/04/2031 20:50:05.38] hello`, FormatPlain, LevelNone, `[1116+00000001] [03/04/2031 20:50:05.38] hello`},
	// The Go extension handlers' logfmt (handler.log of CustomScript, RunCommand on Linux).
	{"logfmt event", `time=2031-03-04T22:07:41Z version=v1.0.1/git@e924a1a-clean operation=enable seq=0 event=start`, FormatStamped, LevelInfo, "version=v1.0.1/git@e924a1a-clean operation=enable seq=0 event=start"},
	{"logfmt error", `time=2031-03-04T22:07:42Z version=v2.1.6/git@0000000-clean operation=enable seq=0 event="failed to handle" error="failed to execute command: command terminated with exit status=64"`, FormatStamped, LevelError, `version=v2.1.6/git@0000000-clean operation=enable seq=0 event="failed to handle" error="failed to execute command: command terminated with exit status=64"`},
	{"logfmt with a level", `time=2031-03-04T22:07:42.123+09:00 level=WARN msg="retrying" error="EOF"`, FormatStamped, LevelWarning, `level=WARN msg="retrying" error="EOF"`},
	{"logfmt bad time", `time=soon event=start`, FormatPlain, LevelNone, `time=soon event=start`},
	{"gc verbose", `<GCLOG>[2031-02-03 13:05:06.789] [PID 1] [TID 2] [Pull Client] [VERBOSE] [00000000-0000-0000-0000-000000000000] polling</GCLOG>`, FormatGuestConfig, LevelDebug, "polling"},
	{"date in prose", `2031-02-03 was a Monday`, FormatPlain, LevelNone, `2031-02-03 was a Monday`},
}

func TestJSONFields(t *testing.T) {
	r := ParseLine([]byte(`{"Error":"open C:\\ProgramData\\x: Access is denied.","Status Code":403,"level":"error","msg":"say \"hi\"","nested":{"a":1},"time":"2031-02-03T04:05:06Z"}`))
	want := []Field{{"Error", `open C:\ProgramData\x: Access is denied.`}, {"Status Code", "403"}, {"nested", `{"a":1}`}}
	if diff := cmp.Diff(want, r.Fields()); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if r.Message() != `say "hi"` {
		t.Errorf("message = %q", r.Message())
	}
	if want := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("time = %v, want %v", r.Time, want)
	}
}

// TestMSITimes checks that a Windows Installer log's lines get the header's
// date, and the next day after midnight.
func TestMSITimes(t *testing.T) {
	log := strings.Join([]string{
		`MSI (c) (A8:2C) [23:59:00:000]: before any header`,
		`=== Verbose logging started: 12/31/2031  23:59:58  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===`,
		`MSI (c) (A8:2C) [23:59:59:120]: Resetting cached policy values`,
		`Action start 23:59:59: INSTALL.`,
		`MSI (s) (6C:98) [00:00:01:552]: Product: Azure Connected Machine Agent -- Installation failed.`,
		`Action ended 0:00:02: INSTALL. Return value 3.`,
	}, "\r\n")
	s := NewScanner(strings.NewReader(log), "installationlog.txt", Options{})
	var got []time.Time
	for s.Scan() {
		got = append(got, s.Record().Time)
	}
	want := []time.Time{
		{},
		time.Date(2031, 12, 31, 23, 59, 58, 0, time.UTC),
		time.Date(2031, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2031, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2032, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(2032, 1, 1, 0, 0, 2, 0, time.UTC),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
}

func TestStampedTimes(t *testing.T) {
	tests := []struct {
		line string
		want time.Time
	}{
		{"=== Verbose logging started: 2/3/2031  9:12:01  Build type: SHIP UNICODE 5.00.10011.00 ===", time.Date(2031, 2, 3, 9, 12, 1, 0, time.UTC)},
		{"2031-02-03T04:05:06.5Z INFO x", time.Date(2031, 2, 3, 4, 5, 6, 5e8, time.UTC)},
		{"2031-02-03 04:05:06 INFO x", time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)},
		{"2031-02-03 04:05:06-05:30 INFO x", time.Date(2031, 2, 3, 4, 5, 6, 0, time.FixedZone("", -(5*3600+1800)))},
		{"[2031-02-03][04:05:06] ERROR x", time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)},
	}
	for _, tt := range tests {
		if r := ParseLine([]byte(tt.line)); !r.Time.Equal(tt.want) {
			t.Errorf("%q: time %v, want %v", tt.line, r.Time, tt.want)
		}
	}
}
