package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-size", "100KiB", "-seed", "5"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n := out.Len(); n > 100<<10 || n < 90<<10 || !strings.HasPrefix(out.String(), `time="`) {
		t.Fatalf("wrote %d bytes starting %.40q", n, out.String())
	}
	for _, args := range [][]string{{"-size", "lots"}, {"extra"}, {"-nosuch"}, {"-profile", "sparse"}} {
		out.Reset()
		errb.Reset()
		if code := run(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and a message", args, code, errb.String())
		}
	}
}
