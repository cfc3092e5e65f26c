package kb

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// readSample returns a real capture: a sample log, or a tune case's excerpt.
func readSample(t *testing.T, path string) string {
	t.Helper()
	if strings.HasSuffix(path, ".txtar") {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if f.Name == "excerpt" {
				return strings.TrimSpace(string(f.Data))
			}
		}
		t.Fatalf("%s: no excerpt", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\r\n", "\n"))
}

// TestExplainCaptureFailureFirst: a pasted capture is answered with its
// failure first, not with what a progress line or a question above it
// happens to match.
func TestExplainCaptureFailureFirst(t *testing.T) {
	builtin := loadBuiltinVerified(t)
	// az-cli-extension-missing as it was before 57c2b2b: its pattern
	// matched the CLI's offer to install the extension, a question the
	// CLI goes on from, and the capture's failure (Pip failed…, a generic
	// entry) came after it.
	offer := `- id: az-cli-extension-missing
  kind: message
  title: {en: "Azure CLI: extension not installed", ja: "Azure CLI: 拡張機能がインストールされていない"}
  cause: {en: The command's Azure CLI extension is not installed., ja: コマンドの Azure CLI 拡張機能がインストールされていません。}
  remediation: {en: Add the extension., ja: 拡張機能を追加します。}
  patterns: ['(?i)The command requires the (?:latest version of )?extension (?:connectedmachine|ssh|arcgateway)\b']
  examples: ['The command requires the extension arcgateway. Do you want to install it now? The command will continue to run after the extension is installed.']
  sources: [https://github.com/Azure/azure-cli/issues/31654]
`
	withOffer, err := Load(Builtin(), DirLayer("old", fstest.MapFS{"old.yaml": {Data: []byte(offer)}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		k          *KB
		want       []string
	}{
		{
			// The install script's console behind a proxy (testdata/logs
			// README: analyze's verdict is line 20's). The package
			// manager entry matched only across the lines joined from
			// "Selecting previously unselected package
			// packages-microsoft-prod." (line 13) to line 20's "Failed":
			// it counts where its match is complete, after line 20's
			// own entry.
			name: "install-linux", path: "../testdata/logs/console/install-linux.txt", k: builtin,
			want: []string{"packages-microsoft-unreachable", "linux-package-install-failed", "linux-package-not-found", "linux-install-package-manager-error"},
		},
		{
			name: "az ssh arc extension offer", path: "../testdata/cases/ssh/gh-azure-cli-31654-ssh-extension-pip-failed.txtar", k: withOffer,
			want: []string{"az-cli-extension-pip-install-failed", "az-cli-extension-missing"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			for _, e := range tt.k.Explain(readSample(t, tt.path)).Entries {
				ids = append(ids, e.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("explain %s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

// TestInformationalLines: the lines of real captures that state no failure
// (an info or debug level, a question, a progress line) and those that do,
// whatever their level.
func TestInformationalLines(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		// testdata/cases/gpo/gpo-log-himds-stopped-reinstall.txtar
		{"[2024-04-23][13:44:06] INFO Checking Local Agent version for updates ...", true},
		// testdata/cases/ssh/gh-azure-cli-31654-ssh-extension-pip-failed.txtar
		{"The command requires the extension ssh. Do you want to install it now? The command will continue to run after the extension is installed. (Y/n):", true},
		// testdata/logs/console/install-linux.txt
		{"Reading package lists... Done", true},
		{"W: Failed to fetch https://packages.microsoft.com/ubuntu/22.04/prod/dists/jammy/InRelease  Could not connect to proxy.contoso.example:3128 (192.0.2.80), connection timed out", false},
		{"Selecting previously unselected package packages-microsoft-prod.", false},
		// testdata/cases/network/docs-64707-x509-unknown-authority-guestconfig.txtar
		{`time="2020-10-20T15:20:50-06:00" level=info msg="Check network connectivity to all endpoints..."`, true},
		{`time="2020-10-20T15:23:24-06:00" level=error msg="x509: certificate signed by unknown authority. Failed to Tls dialing agentserviceapi.guestconfiguration.azure.com"`, false},
		// testdata/logs/console/connect-terminal.txt: the agent logs the
		// detail of its failure at debug level.
		{`DEBUG[0006] Failed to acquire authorization token from SPN  Error="Failed to execute the refresh request. Error = 'adal: Refresh request failed. Status Code = '400'."`, false},
		// testdata/cases/connect/docs-77734-azcm0104-fqdndns.txtar
		{"INFO[0032] Exit Code:  AZCM0104: Failed To Get OS Information", false},
		// testdata/cases/install/zypper-repomd-signature-failed.txtar: a
		// question that states the failure.
		{"Signature verification failed for file 'repomd.xml' from repository 'packages-microsoft-com-prod'. Continue? [yes/no] (no):", false},
		// testdata/cases/connect/jumpstart-linux-not-root.txtar
		{"You must be root to execute /usr/bin/azcmagent", false},
	} {
		if got := readCapture(tt.line).informational(0); got != tt.want {
			t.Errorf("informational(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
