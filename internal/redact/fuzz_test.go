package redact

import (
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/redact/redacttest"
)

// FuzzRedact puts each planted secret of the table inside arbitrary text:
// whatever surrounds its line, neither the secret nor any of its parts
// may survive.
func FuzzRedact(f *testing.F) {
	for i := range redacttest.Cases {
		f.Add(uint8(i), "", "")
		f.Add(uint8(i), `level=error msg="`, `" Error="x"`)
		f.Add(uint8(i), "password=", "&sig=")
	}
	f.Fuzz(func(t *testing.T, which uint8, before, after string) {
		if len(before)+len(after) > 4096 {
			return // bounded work per input
		}
		c := redacttest.Cases[int(which)%len(redacttest.Cases)]
		got := String(before + " " + c.Line + " " + after)
		for _, s := range append([]string{c.Secret}, c.Parts...) {
			if strings.Contains(got, s) && !strings.Contains(before+after, s) {
				t.Fatalf("%s: %q survived in %q", c.Name, s, got)
			}
		}
	})
}
