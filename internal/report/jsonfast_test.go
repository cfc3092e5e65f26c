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
	for _, j := range []runJSON{
		{spanJSON: spanJSON{Type: "run", File: "a.log", Index: 1, StartLine: 1, EndLine: 2}, Notes: []string{}},
		{spanJSON: spanJSON{Type: "run", RunID: "0123456789abcdef0123456789abcdef", Machine: strange, OS: "windows", File: strange, Index: 7, StartLine: 3, EndFile: "b.log", EndLine: 9, Start: s("2031-02-03T04:05:06Z"),
			End: s("2031-02-03T04:05:07Z")}, Command: s(strange), AgentVersion: s("1.58"), ExitCode: s("AZCM0042"),
			Failed: true, Verdict: s("tls-untrusted-certificate"), VerdictLine: 4, Findings: 3, Notes: []string{"verbose-log", strange},
			KnownCauses: []string{"endpoints-unreachable", strange}, Alternatives: []string{"agent-131-proxy-bug"}},
	} {
		want := encoded(t, j)
		if got := appendRunJSON(nil, j); string(got) != want {
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

// TestAppendRFC3339 checks the digit-by-digit form of UTC times against
// the standard formatter, and that other times go through it.
func TestAppendRFC3339(t *testing.T) {
	east := time.FixedZone("east", 9*3600)
	times := []time.Time{
		time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC),
		time.Date(2031, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(9999, 9, 9, 9, 9, 9, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2031, 2, 3, 4, 5, 6, 0, east),
		time.Date(2031, 2, 3, 4, 5, 6, 0, time.FixedZone("", 0)),
	}
	for s := int64(0); s < 400*24*3600; s += 86399 * 7 {
		times = append(times, time.Unix(1_900_000_000+s, 0).UTC())
	}
	for _, tm := range times {
		if got, want := string(appendRFC3339(nil, tm)), tm.Format(time.RFC3339); got != want {
			t.Errorf("%v: %s, want %s", tm, got, want)
		}
	}
}
