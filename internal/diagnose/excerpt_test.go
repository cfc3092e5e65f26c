package diagnose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExcerptKeepsTheMatchAndSaysSo(t *testing.T) {
	pad := strings.Repeat("x", 3*MaxExcerpt)
	s := pad + "NEEDLE" + pad
	got, cut := excerpt(s, len(pad))
	if !cut || !strings.Contains(got, "NEEDLE") || len(got) > MaxExcerpt+64 {
		t.Fatalf("excerpt: cut %v, len %d, has match %v", cut, len(got), strings.Contains(got, "NEEDLE"))
	}
	if !strings.HasPrefix(got, "[…") || !strings.HasSuffix(got, "bytes cut]") {
		t.Errorf("cuts not marked: %q … %q", got[:40], got[len(got)-40:])
	}
	if short, cut := excerpt("short", 0); cut || short != "short" {
		t.Errorf("short text changed: %q %v", short, cut)
	}
}

// TestLongFindingsKeepExcerpts: a finding on a long line keeps an excerpt
// around what matched and the line's length, and a run's kept findings stay
// within maxRunBytes however many long lines it has.
func TestLongFindingsKeepExcerpts(t *testing.T) {
	pad := strings.Repeat("A", 300<<10)
	line := `time="2031-02-03T04:05:06Z" level=error msg="Failed" Error="` + pad + ` x509: certificate signed by unknown authority ` + pad + `"` + "\n"
	rec, _ := analyze(t, strings.Repeat(line, 40), "linux", Options{})
	if len(rec.findings) != 40 {
		t.Fatalf("%d findings, want 40", len(rec.findings))
	}
	f := rec.findings[0]
	if f.LineLen != int64(len(line)-1) || !f.Excerpt {
		t.Errorf("LineLen %d, Excerpt %v; want %d, true", f.LineLen, f.Excerpt, len(line)-1)
	}
	if f.Matched == 0 || !strings.Contains(f.Text, "certificate signed by unknown authority") {
		t.Errorf("the excerpt lost what matched (matched %d)", f.Matched)
	}
	kept := 0
	for _, f := range rec.runs[0].Findings {
		for _, s := range []string{f.Raw, f.Text, f.Message} {
			if len(s) > MaxExcerpt+64 {
				t.Fatalf("a kept text of %d bytes", len(s))
			}
			kept += len(s)
		}
	}
	if kept > maxRunBytes+3*MaxExcerpt+256 {
		t.Errorf("the run keeps %d bytes of finding text, more than about %d", kept, maxRunBytes)
	}
}

// TestRepeatedFindingTexts: a failure repeated with another time gets the
// texts it gets alone, and so does a failure after it that differs in its
// message or its fields.
func TestRepeatedFindingTexts(t *testing.T) {
	long := strings.Repeat(`\"x\": 1, `, 100)
	lines := []string{
		`time="2031-02-03T04:05:%02dZ" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": x509: certificate signed by unknown authority"`,
		`time="2031-02-03T04:05:%02dZ" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": dial tcp: i/o timeout"`,
		`time="2031-02-03T04:05:%02dZ" level=error msg="Request failed" Error="{` + long + `\"code\": \"AuthorizationFailed\"}"`,
		`time="2031-02-03T04:05:%02dZ" level=error msg="Request failed again" Error="{` + long + `\"code\": \"AuthorizationFailed\"}"`,
		`time="2031-02-03T04:05:%02dZ" level=error msg="Request failed" Error="{` + long + `\"code\": \"AuthorizationFailed\"}" Status Code=403`,
	}
	texts := func(f *Finding) string { return fmt.Sprintf("%q %q %v", f.Text, f.Message, f.Excerpt) }
	var log strings.Builder
	var want []string
	for i, l := range []int{0, 0, 1, 1, 0, 2, 2, 3, 2, 4, 2, 4} {
		line := fmt.Sprintf(lines[l], i)
		fmt.Fprintln(&log, line)
		alone, _ := analyze(t, line+"\n", "", Options{})
		want = append(want, texts(alone.findings[0]))
	}
	all, _ := analyze(t, log.String(), "", Options{})
	var got []string
	for _, f := range all.findings {
		got = append(got, texts(f))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding texts differ (-alone +in a row):\n%s", diff)
	}
}
