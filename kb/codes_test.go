package kb

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in       string
		wantKind QueryKind
		wantCode string
	}{
		{"AZCM0041", QueryCode, "AZCM0041"},
		{"azcm0041", QueryCode, "AZCM0041"},
		{"AZCM41", QueryCode, "AZCM0041"},
		{"azcm-41", QueryCode, "AZCM0041"},
		{"0041", QueryCode, "AZCM0041"},
		{"41", QueryCode, "AZCM0041"},
		{" 41 ", QueryCode, "AZCM0041"},
		{"0", QueryCode, "AZCM0000"},
		{"exit 42", QueryExit, "AZCM0042"},
		{"exit code 42", QueryExit, "AZCM0042"},
		{"Exit Code: 42", QueryExit, "AZCM0042"},
		{"exitcode: 67", QueryExit, "AZCM0067"},
		{"exit status 255", QueryExit, "AZCM0255"},
		{"exit 256", QueryText, ""},
		{"AZCM00411", QueryText, ""},
		{"12345", QueryText, ""},
		{"AZCM0041: Failed to Get Access Token", QueryText, ""},
		{"Invalid client secret is provided", QueryText, ""},
	}
	for _, tt := range tests {
		kind, code := ParseQuery(tt.in)
		if kind != tt.wantKind || code != tt.wantCode {
			t.Errorf("ParseQuery(%q) = %v, %q; want %v, %q", tt.in, kind, code, tt.wantKind, tt.wantCode)
		}
	}
}

func TestFindCodes(t *testing.T) {
	tests := []struct {
		in   string
		want []CodeRef
	}{
		{`INFO[0007] Exit Code:  AZCM0044: Resource Already Exists`, []CodeRef{{"AZCM0044", false, 23}}},
		{`time="2031-02-03T13:05:07+09:00" level=info msg="Exit Code:  AZCM0044: Resource Already Exists"`, []CodeRef{{"AZCM0044", false, 61}}},
		{`example-wrapper: azcmagent exited, exitcode: 67`, []CodeRef{{"AZCM0067", true, 35}}},
		{`azcmagent exited with exit code 42 (AZCM0042)`, []CodeRef{{"AZCM0042", true, 22}}},
		{`failed with Code: AZCM0143; Message: install.sh: failed`, []CodeRef{{"AZCM0143", false, 18}}},
		{`AZCM0026: Network Error, then AZCM0062 and AZCM0026 again`, []CodeRef{{"AZCM0026", false, 0}, {"AZCM0062", false, 30}}},
		{`exit status 300 is not a status`, nil},
		{`msg="Exiting azcmagent" ExitStatus=42`, []CodeRef{{"AZCM0042", true, 24}}},
		{`process exited with status 3; Exit_Code=5`, []CodeRef{{"AZCM0003", true, 8}, {"AZCM0005", true, 30}}},
		{`exit code:  7`, []CodeRef{{"AZCM0007", true, 0}}},
		{`exit code 1234, nonexit code 5, exit codes 4`, nil},
		{`Azcm0041 and aZCM0042 typed by hand`, []CodeRef{{"AZCM0041", false, 0}, {"AZCM0042", false, 13}}},
		{`AZCM00411 is not a code, XAZCM0041 neither`, nil},
		{`nothing here at all`, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, FindCodes(tt.in)); diff != "" {
			t.Errorf("FindCodes(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestUnescape(t *testing.T) {
	in := `Error="POST https://login.microsoftonline.com/x: {\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret is provided.\\r\\nTrace\"} C:\\ProgramData"`
	want := `Error="POST https://login.microsoftonline.com/x: {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret is provided.` + "\\r\\nTrace\"} C:\\ProgramData\""
	if got := Unescape(in); got != want {
		t.Errorf("Unescape:\n got %s\nwant %s", got, want)
	}
}

func TestMayHaveCodes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"Exit Code:  AZCM0044: Resource Already Exists", true},
		{"code azcm0041 lower case", false}, // the agent prints codes upper case; explain finds these anyway
		{"Azcm0041 typed", false},
		{"EXIT CODE 3", true},
		{"wrapper: exitcode: 67", true},
		{"process exited with status 3", true},
		{`msg="Loaded /var/opt/azcmagent/agentconfig.json"`, false},
		{"AZCM code table", false},
		{"exit now", false},
		{"", false},
		{"AZCM", false},
	} {
		if got := MayHaveCodes([]byte(tt.in)); got != tt.want {
			t.Errorf("MayHaveCodes(%q) = %v, want %v", tt.in, got, tt.want)
		}
		// It must never rule out a line with a code as the agent prints it.
		if refs := FindCodes(tt.in); len(refs) > 0 && !MayHaveCodes([]byte(tt.in)) && strings.Contains(tt.in, "AZCM") {
			t.Errorf("MayHaveCodes rules out %q, which has codes", tt.in)
		}
	}
}

// TestAgentCodes: an exit status is an AZCM code only when it is the
// agent's; other programs' numbers in the same logs are not.
func TestAgentCodes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`msg="Exiting azcmagent" ExitStatus=42`, []string{"AZCM0042"}},
		{`DEBUG[0047] Exiting azcmagent                             ExitStatus=41`, []string{"AZCM0041"}},
		{`example-wrapper: azcmagent exited, exitcode: 67`, []string{"AZCM0067"}},
		{`azcmagent exited with exit code 42 (AZCM0042)`, []string{"AZCM0042"}},
		{`azcmagent.exe returned exit code 42`, []string{"AZCM0042"}},
		{`azcmagent connect --tenant-id x --subscription-id y failed: exitcode: 41`, []string{"AZCM0041"}},
		{`process exited with status 3`, nil}, // whose?
		{`INFO[0007] Exit Code:  AZCM0044: Resource Already Exists`, []string{"AZCM0044"}},
		// dpkg, rpm, an extension, msiexec, HTTP: never the agent's code.
		{`dpkg: error processing package azcmagent (--configure): installed azcmagent package post-installation script subprocess returned error exit status 1`, nil},
		{`error: %post(azcmagent-1.58.03228.123-1.x86_64) scriptlet failed, exit status 1`, nil},
		{`[EXTENSION MANAGER] [ERROR] Cannot run extension Microsoft.Azure.Monitor.AzureMonitorLinuxAgent, exit code 64: the directory is mounted noexec`, nil},
		{`Extension Microsoft.CPlat.Core.LinuxPatchExtension exited with exit code 3`, nil},
		{`msiexec.exe exited with code 1603`, nil},
		{`MSI (s) (A8:2C) [10:12:13:456]: MainEngineThread is returning 1603`, nil},
		{`Product: Azure Connected Machine Agent -- Installation failed. Exit status 112`, nil},
		{`level=error msg="Request failed" Status Code=404`, nil},
		{"azcmagent is fine\ninstall.sh: exit code 5", nil},
		// Programs whose names contain the agent's.
		{`install_linux_azcmagent.sh exited with exit code 5`, nil},
		{`/opt/azcmagent/bin/azcmagent_proxy add "http://proxy.contoso.example:3128" failed with exit code 3`, nil},
		{`/opt/azcmagent/bin/azcmagent exited with exit code 3`, []string{"AZCM0003"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range AgentCodes(tt.in, FindCodes(tt.in)) {
			got = append(got, r.Code)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("AgentCodes(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
