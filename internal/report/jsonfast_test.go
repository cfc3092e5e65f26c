package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// encoded is v as every command writes JSON: encoding/json without HTML
// escaping, without the Encoder's newline.
func encoded(t testing.TB, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestAppendRunJSON(t *testing.T) {
	s := func(v string) *string { return &v }
	strange := "quote\" back\\slash <html> & ctl\x01\x1f tab\t nl\n cr\r bad\xff utf8 日本語 \u2028\u2029 \b\f"
	start := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	east := time.Date(2031, 2, 3, 4, 5, 7, 0, time.FixedZone("east", 9*3600))
	for _, c := range []struct {
		j          runJSON
		start, end time.Time
	}{
		{j: runJSON{spanJSON: spanJSON{Type: "run", File: "a.log", Index: 1, StartLine: 1, EndLine: 2}, Notes: []string{}}},
		{j: runJSON{spanJSON: spanJSON{Type: "run", RunID: "0123456789abcdef0123456789abcdef", Machine: strange, OS: "windows", File: strange, Index: 7, StartLine: 3, EndFile: "b.log", EndLine: 9},
			Command: s(strange), AgentVersion: s("1.58"), ExitCode: s("AZCM0042"),
			Failed: true, Verdict: s("tls-untrusted-certificate"), VerdictLine: 4, Findings: 3, Notes: []string{"verbose-log", strange},
			KnownCauses: []string{"endpoints-unreachable", strange}, Alternatives: []string{"agent-131-proxy-bug"}},
			start: start, end: east},
	} {
		j := c.j
		j.Start, j.End = jsonTime(c.start), jsonTime(c.end)
		want := encoded(t, j)
		if got := appendRunJSON(nil, c.j, c.start, c.end); string(got) != want {
			t.Errorf("appendRunJSON\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain")
	f.Add("<&>\"\\\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendJSONString(nil, s)), encoded(t, s); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}
