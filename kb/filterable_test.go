package kb

import "testing"

func TestUnfilterable(t *testing.T) {
	for pattern, want := range map[string]bool{
		`(?s).`:                          true,
		`(?i)secret`:                     true, // 6 bytes: the filter must look at every byte
		`\d+ ok`:                         true,
		`(?i)client secret`:              false,
		`AADSTS7000215|AADSTS7000222`:    false,
		`certificate signed by unknown`:  false,
		`(?i)(?:proxy|firewall) blocked`: false, // "blocked" is required
	} {
		if got := unfilterable(pattern) != ""; got != want {
			t.Errorf("unfilterable(%q) = %q, want a problem: %v", pattern, unfilterable(pattern), want)
		}
	}
}
