package cli

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// TestManPage: the manual page has every visible command and flag of the
// command tree, none of the hidden ones, and is valid for groff (when it is
// installed) without a warning.
func TestManPage(t *testing.T) {
	var page bytes.Buffer
	if code := Main(t.Context(), []string{"man"}, strings.NewReader(""), &page, &page); code != ExitOK {
		t.Fatalf("exit %d: %s", code, page.String())
	}
	man := page.String()
	if !strings.HasPrefix(man, ".TH ARCDIAG 1 ") {
		t.Fatalf("no .TH header:\n%.200s", man)
	}
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("arcdiag"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, n := range parser.Model.Leaves(true) {
		if !strings.Contains(man, ".SS "+roff(n.Path())) {
			t.Errorf("command %q is not in the page", n.Path())
		}
		for _, f := range n.Flags {
			if !f.Hidden && !strings.Contains(man, `\-\-`+roff(f.Name)) {
				t.Errorf("%s: flag --%s is not in the page", n.Path(), f.Name)
			}
			seen++
		}
	}
	if seen < 10 {
		t.Errorf("only %d flags checked", seen)
	}
	for _, hidden := range []string{"__complete", ".SS man"} {
		if strings.Contains(man, roff(hidden)) {
			t.Errorf("hidden %q is in the page", hidden)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("no groff to check the page with")
	}
	cmd := exec.Command("groff", "-k", "-Tutf8", "-man", "-ww", "-z")
	cmd.Stdin = strings.NewReader(man)
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}
