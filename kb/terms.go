package kb

import "strings"

// arcdiag's Japanese has one word per concept, as the seed page (Microsoft's
// Japanese troubleshooting page) has: the machine the agent runs on is
// コンピューター. マシン stays only inside fixed terms: 仮想マシン (a
// virtual machine) and マシン構成 (Azure Machine Configuration).
var fixedMachineTerms = strings.NewReplacer("仮想マシン", "", "マシン構成", "")

// JapaneseTermProblem returns what a Japanese text should say instead of a
// word it uses ("say コンピューター, not マシン"), or "" when it keeps to the
// terms. The knowledge base, the message catalog and the web pages are all
// held to it.
func JapaneseTermProblem(ja string) string {
	if strings.Contains(fixedMachineTerms.Replace(ja), "マシン") {
		return "say コンピューター, not マシン"
	}
	return ""
}
