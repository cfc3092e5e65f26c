package kb

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wordings are the forms an entry's example takes in real text: the message
// inside a JSON string (an HTTP body, a logrus JSON line: quotes,
// backslashes and control characters escaped, and < > & as \u003c \u003e
// \u0026), inside a logrus Error="…" field (Go quoting), and after the
// terminal form's level and elapsed seconds.
func wordings(example string) map[string]string {
	quotedJSON, _ := json.Marshal(example)
	return map[string]string{
		"json":     `{"level":"error","msg":"Failed to onboard","error":` + string(quotedJSON) + `,"time":"2031-02-03T04:05:06Z"}`,
		"logrus":   `time="2031-02-03T04:05:06Z" level=error msg="Failed to onboard" Error=` + strconv.Quote(example),
		"terminal": `ERROR[0007] ` + example,
	}
}

// TestExamplesMatchInEveryWording is the property the matcher and the
// entries keep: every example of every built-in entry is still recognised
// by its entry after JSON escaping, inside a logrus Error field, and as a
// terminal line; and by the log path of the matcher, not only by the
// regexps.
func TestExamplesMatchInEveryWording(t *testing.T) {
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			if wholeLineOnly(e, ex) {
				continue
			}
			for form, text := range wordings(ex) {
				if !e.Matches(text) {
					t.Errorf("%s (%s): example not recognised as %s: %s", e.ID, e.Origin, form, clip(text))
					continue
				}
				ms := m.MatchWith(m.NewScratch(), []byte(text), 0)
				if !slices.ContainsFunc(ms, func(x Match) bool { return x.Entry == e }) {
					t.Errorf("%s: the matcher misses the example as %s: %s", e.ID, form, clip(text))
				}
			}
		}
	}
}

// TestRealWordingVariants: the same failure as Windows and Linux word it, as
// other tools word it, and as a terminal wraps it.
func TestRealWordingVariants(t *testing.T) {
	k := loadBuiltinVerified(t)
	for _, tt := range []struct{ text, want string }{
		{`Error occurred while sending request for Device Authorization Code: Post "https://login.microsoftonline.com/3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b/oauth2/devicecode?api-version=1.0": dial tcp 20.190.151.68:443: connectex: A socket operation was attempted to an unreachable network.`, "login-unreachable"},
		{`Get "https://gbl.his.arc.azure.com/discovery?location=eastus&api-version=1.0": dial tcp 20.42.0.1:443: connectex: A socket operation was attempted to an unreachable network.`, "endpoints-unreachable"},
		{`Get "https://gbl.his.arc.azure.com/discovery?location=eastus&api-version=1.0": dial tcp 20.42.0.1:443: connect: network is unreachable`, "endpoints-unreachable"},
		{`azcmagent: you must be root to run this command`, "not-elevated"},
		{`Error: You must be root to run this script.`, "not-elevated"},
		// A pasted capture wrapped by an 80-column terminal, between words
		// and inside one.
		{"ERROR[0002] Failed to get HIS endpoint  Error=\"Get https://gbl.his.arc.azure.com: x509: certificate signed by unknown  \n   authority\"", "tls-untrusted-certificate"},
		{"ERROR[0002] Failed to get HIS endpoint  Error=\"Get https://gbl.his.arc.azure.com: x509: certificate signed by unkn\nown authority\"", "tls-untrusted-certificate"},
	} {
		a := k.Explain(tt.text)
		if !slices.ContainsFunc(a.Entries, func(e *Entry) bool { return e.ID == tt.want }) {
			var ids []string
			for _, e := range a.Entries {
				ids = append(ids, e.ID)
			}
			t.Errorf("explain %q gives %v, want %s among them", clip(tt.text), ids, tt.want)
		}
	}
}

// TestUnwrapKeepsRecordsApart: joining wrapped lines never joins two
// records of a capture, which would let a pattern match across them.
func TestUnwrapKeepsRecordsApart(t *testing.T) {
	text := "INFO[0001] POST https://login.microsoftonline.com/x/oauth2/devicecode\nERROR[0002] dial tcp 192.0.2.1:443: connect: network is unreachable\n" +
		"time=\"2031-02-03T04:05:06Z\" level=info msg=next\n  continued here"
	want := "INFO[0001] POST https://login.microsoftonline.com/x/oauth2/devicecode\nERROR[0002] dial tcp 192.0.2.1:443: connect: network is unreachable\n" +
		"time=\"2031-02-03T04:05:06Z\" level=info msg=next continued here"
	if got := unwrap(text, " "); got != want {
		t.Errorf("unwrap:\n got %q\nwant %q", got, want)
	}
	k := loadBuiltinVerified(t)
	for _, e := range k.Explain(text).Entries {
		if e.ID == "login-unreachable" {
			t.Errorf("login-unreachable matched across two records")
		}
	}
}

// wholeLineOnly reports whether only patterns anchored at the start of a
// line recognise an example: a whole line of a command's output, such as
// azcmagent show's "Agent Status : Connected", which is never quoted inside
// another message.
func wholeLineOnly(e *Entry, example string) bool {
	for _, re := range e.compiled() {
		if re != nil && re.MatchString(example) && !strings.HasPrefix(strings.TrimPrefix(re.String(), "(?i)"), "^") {
			return false
		}
	}
	return true
}
