package loggen

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"64MiB": 64 << 20, "1GiB": 1 << 30, "1gib": 1 << 30, "500MB": 500e6, "1.5GB": 15e8,
		"4096": 4096, "10KiB": 10 << 10, "2kb": 2000, "0": 0, " 3 MiB ": 3 << 20, "7b": 7,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "ten", "1XB", "9999999TiB"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}
