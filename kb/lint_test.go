package kb

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLintSourcesAndMarkup lints a directory over the built-in entries: an
// entry without sources and text with page markup are reported with file and
// line; wildcard hosts and msiexec's /l*v are not markup.
func TestLintSourcesAndMarkup(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ours.yaml", `- id: org-unsourced
  kind: note
  title: {en: Our proxy, ja: 社内プロキシ}
  cause: {en: The proxy needs a ticket., ja: チケットが必要です。}
  remediation: {en: File a ticket., ja: チケットを起票します。}

- id: org-markup
  kind: note
  title: {en: Markup, ja: マークアップ}
  cause:
    en: Allow *.his.arc.azure.com and *.guestconfiguration.azure.com; msiexec /l*v log.txt; Get-ClusterGroup -Name "*control-plan*".
    ja: サービス *himds* のプロファイル
  remediation:
    en: See footnote <sup>1</sup>.
    ja: "*.his.arc.azure.com、*.guestconfiguration.azure.com を許可します。"
  history:
    - from: 2021-01-01
      to: 2022-01-01
      cause: {en: Old., ja: 古い。}
      remediation: {en: "Read *the log*.", ja: 古い対処。}
  sources: [https://learn.microsoft.com/azure/azure-arc/servers/troubleshoot-agent-onboard]
`)
	k, err := Load(Builtin(), DirLayer(dir, os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range k.Lint() {
		if strings.HasPrefix(p.File, dir) {
			got = append(got, strings.TrimPrefix(p.String(), dir+"/"))
		}
	}
	want := []string{
		`ours.yaml:12: org-markup: cause.ja carries page markup "*himds*", which would be printed as it is`,
		`ours.yaml:14: org-markup: remediation.en carries page markup "<sup>", which would be printed as it is`,
		`ours.yaml:20: org-markup: history[0].remediation.en carries page markup "*the log*", which would be printed as it is`,
		`ours.yaml:1: org-unsourced: no sources: list the https URLs of the public pages its facts come from`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lint problems (-want +got):\n%s", diff)
	}
}
