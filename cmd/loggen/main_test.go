package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"64MiB": 64 << 20, "1GiB": 1 << 30, "1gib": 1 << 30, "500MB": 500e6, "1.5GB": 15e8,
		"4096": 4096, "10KiB": 10 << 10, "2kb": 2000, "0": 0, " 3 MiB ": 3 << 20, "7b": 7,
	} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "ten", "1XB", "9999999TiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-size", "100KiB", "-seed", "5"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n := out.Len(); n > 100<<10 || n < 90<<10 || !strings.HasPrefix(out.String(), `time="`) {
		t.Fatalf("wrote %d bytes starting %.40q", n, out.String())
	}
	for _, args := range [][]string{{"-size", "lots"}, {"extra"}, {"-nosuch"}} {
		out.Reset()
		errb.Reset()
		if code := run(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and a message", args, code, errb.String())
		}
	}
}
