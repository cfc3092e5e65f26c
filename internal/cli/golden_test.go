package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins the full text and JSON output of representative commands.
// Run `make golden` (go test -update) after an intended change and review the
// diff of testdata/golden.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"explain-68-history.en", []string{"explain", "AZCM0068"}},
		{"explain-64-grouped.ja", []string{"--lang", "ja", "explain", "64"}},
		{"explain-147-variants.en", []string{"explain", "AZCM0147"}},
		{"explain-13-historic.ja", []string{"--lang", "ja", "explain", "azcm13"}},
		{"explain-exit-104.json", []string{"explain", "--json", "exit", "104"}},
		{"explain-pasted-gpo-line.en", []string{"explain", `time="2031-02-03T04:05:06Z" level=fatal msg="Failed to acquire authorization token device flow" Error="Error occurred while sending request for Device Authorization Code: Post https://login.windows.net/00000000-0000-0000-0000-000000000000/oauth2/devicecode?api-version=1.0: dial tcp: lookup login.windows.net: no such host"`}},
		{"explain-pasted-console.en", []string{"explain", "ERROR[0007] Failed to AzcmagentConnect ARM resource  Error=\"The subscription is not registered to use namespace 'Microsoft.HybridCompute'\"\nINFO[0007] Exit Code:  AZCM0042: Failed to Create Resource"}},
		{"kb-show-login-blocked.en", []string{"kb", "show", "login-blocked"}},
		// analyze over every sample log of testdata/logs (see its README for
		// the expected verdicts).
		{"analyze-linux.en", []string{"analyze", "testdata/logs/linux/azcmagent.log"}},
		{"analyze-linux-himds.en", []string{"analyze", "testdata/logs/linux/himds.log"}},
		{"analyze-linux.json", []string{"analyze", "--json", "testdata/logs/linux/azcmagent.log"}},
		{"analyze-linux.md", []string{"analyze", "--format", "markdown", "testdata/logs/linux/azcmagent.log"}},
		{"analyze-rotated.en", []string{"analyze", "testdata/logs/linux/rotated"}},
		{"analyze-windows.ja", []string{"--lang", "ja", "analyze", "testdata/logs/windows/azcmagent.log"}},
		{"analyze-windows-crlf.en", []string{"analyze", "testdata/logs/windows/azcmagent-crlf.log"}},
		{"analyze-windows-utf16.en", []string{"analyze", "testdata/logs/windows/azcmagent-utf16.log"}},
		{"analyze-console-terminal.en", []string{"analyze", "testdata/logs/console/connect-terminal.txt"}},
		{"analyze-console-ansi.en", []string{"analyze", "testdata/logs/console/connect-ansi.txt"}},
		{"analyze-guestconfig.en", []string{"analyze", "testdata/logs/guestconfig"}},
		{"analyze-bundle-linux.en", []string{"analyze", "testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip"}},
		{"analyze-bundle-windows.json", []string{"analyze", "--json", "testdata/logs/bundles/azcmagent-20310210T091500-CONTOSO-FS01.zip"}},
		{"analyze-bundle-truncated.en", []string{"analyze", "testdata/logs/bundles/truncated.zip"}},
		{"analyze-bundle-evil.en", []string{"analyze", "testdata/logs/bundles/evil.zip"}},
		{"analyze-installer.en", []string{"analyze", "testdata/logs/installer/installationlog.txt"}},
		{"analyze-installer.md", []string{"analyze", "--format", "markdown", "testdata/logs/installer/installationlog.txt"}},
		{"analyze-windows-ja.md", []string{"--lang", "ja", "analyze", "--format", "markdown", "testdata/logs/windows/azcmagent.log"}},
		{"analyze-gpo.ja", []string{"--lang", "ja", "analyze", "testdata/logs/gpo"}},
		{"analyze-install-windows.en", []string{"analyze", "testdata/logs/console/install-windows.txt"}},
		{"analyze-install-linux.en", []string{"analyze", "testdata/logs/console/install-linux.txt"}},
		{"analyze-json-lines.json", []string{"analyze", "--json", "testdata/logs/json/component.log"}},
		{"analyze-extension-logs.en", []string{"analyze", "testdata/logs/extensions"}},
		{"analyze-not-agent-logs.en", []string{"analyze", "testdata/logs/notlogs/empty.log", "testdata/logs/notlogs/random.bin",
			"testdata/logs/notlogs/screenshot.png", "testdata/logs/notlogs/notes.txt"}},
		{"analyze-not-agent-log-beside-one.en", []string{"analyze", "testdata/logs/notlogs/screenshot.png", "testdata/logs/json/component.log"}},
		{"explain-msi-1603.en", []string{"explain", "1603"}},
		// analyze --by machine: zips (one damaged, one unsafe), terminal
		// captures given as files, a file that is no log, folders of one
		// machine's logs.
		{"analyze-machines.en", []string{"analyze", "--by", "machine", "testdata/logs/bundles",
			"testdata/logs/console/connect-terminal.txt", "testdata/logs/console/install-linux.txt",
			"testdata/logs/notlogs/screenshot.png"}},
		{"analyze-machines.json", []string{"analyze", "--by", "machine", "--json",
			"testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip",
			"testdata/logs/bundles/azcmagent-20310210T091500-CONTOSO-FS01.zip", "testdata/logs/console/connect-terminal.txt"}},
		{"analyze-machines.ja", []string{"--lang", "ja", "analyze", "--by", "machine", "testdata/logs/linux", "testdata/logs/windows"}},
		{"analyze-machines.md", []string{"analyze", "--by", "machine", "--format", "markdown",
			"testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip", "testdata/logs/console/connect-terminal.txt"}},
	}
	golden, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	// The sample logs are named relative to the repository root, as a user
	// following the README would type them.
	t.Chdir(filepath.Join("..", ".."))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ARCDIAG_KB_DIR", "")
			var stdout, stderr bytes.Buffer
			code := Main(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			got := stdout.String()
			if strings.HasPrefix(tt.name, "analyze") {
				got += fmt.Sprintf("--- exit %d ---\n", code)
			}
			if stderr.Len() > 0 {
				got += "--- stderr ---\n" + stderr.String()
			}
			path := filepath.Join(golden, tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}
