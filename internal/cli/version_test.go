package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/kb"
)

// TestVersion: --version names the version, the commit and the revision of
// the built-in knowledge base, and exits 0.
func TestVersion(t *testing.T) {
	defer func(v, c string) { buildVersion, buildCommit = v, c }(buildVersion, buildCommit)
	buildVersion, buildCommit = "v1.2.3", "0123456789abcdef0123456789abcdef01234567"
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"--version"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := regexp.MustCompile(`\Aarcdiag v1\.2\.3\ncommit 0123456789abcdef0123456789abcdef01234567.*\nknowledge base ` +
		kb.BuiltinRevision() + ` \(\d{3,} built-in entries\)\ngo\S+ \w+/\w+\n\z`)
	if !want.MatchString(stdout.String()) {
		t.Errorf("--version printed:\n%s\nwant it to match %s", stdout.String(), want)
	}
}
