package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStyleOffForPipes(t *testing.T) {
	var b strings.Builder
	e := &env{term: terminalOf(&b)}
	if o := e.output(); o.Color || o.Width != 0 {
		t.Fatalf("output options for a non-terminal writer: %+v", o)
	}
}

// TestNoColor: colour is off for --no-color, NO_COLOR set to anything, and
// a terminal that says it cannot show it (TERM=dumb).
func TestNoColor(t *testing.T) {
	for _, tt := range []struct {
		flag bool
		env  map[string]string
		want bool
	}{
		{false, map[string]string{"TERM": "xterm-256color"}, false},
		{false, nil, false},
		{true, nil, true},
		{false, map[string]string{"NO_COLOR": "1"}, true},
		{false, map[string]string{"TERM": "dumb"}, true},
	} {
		if got := noColor(tt.flag, func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("noColor(%v, %v) = %v, want %v", tt.flag, tt.env, got, tt.want)
		}
	}
}

// TestPagerCommand: less -FRX unless PAGER says otherwise; PAGER=cat or
// an empty PAGER means no pager.
func TestPagerCommand(t *testing.T) {
	for _, tt := range []struct {
		pager string
		set   bool
		want  []string
	}{
		{"", false, []string{"less", "-FRX"}},
		{"most", true, []string{"most"}},
		{"less -R", true, []string{"less", "-R"}},
		{"cat", true, nil},
		{"", true, nil},
		{"  ", true, nil},
	} {
		got := pagerCommand(func(string) (string, bool) { return tt.pager, tt.set })
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("PAGER=%q (set %v) (-want +got):\n%s", tt.pager, tt.set, diff)
		}
	}
}
