package rfc3339

import (
	"testing"
	"time"
)

// TestAppend checks the digit-by-digit form of UTC times against the
// standard formatter, and that other times go through it.
func TestAppend(t *testing.T) {
	east := time.FixedZone("east", 9*3600)
	times := []time.Time{
		time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC),
		time.Date(2031, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2031, 12, 31, 23, 59, 59, 120000000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(9999, 9, 9, 9, 9, 9, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2031, 2, 3, 4, 5, 6, 0, east),
		time.Date(2031, 2, 3, 4, 5, 6, 7, east),
		time.Date(2031, 2, 3, 4, 5, 6, 0, time.FixedZone("", 0)),
	}
	for s := int64(0); s < 400*24*3600; s += 86399 * 7 {
		times = append(times, time.Unix(1_900_000_000+s, 0).UTC())
	}
	// Every day of four centuries (leap years of each kind), around the
	// ends of the range that is written digit by digit, and before 1970.
	for d := time.Date(1900, 1, 1, 23, 59, 59, 0, time.UTC); d.Year() < 2301; d = d.AddDate(0, 0, 1) {
		times = append(times, d)
	}
	for _, d := range []time.Time{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 2, 29, 23, 59, 59, 0, time.UTC),
		time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)} {
		times = append(times, d)
	}
	for _, tm := range times {
		if got, want := string(Append(nil, tm)), tm.Format(time.RFC3339); got != want {
			t.Errorf("Append %v: %s, want %s", tm, got, want)
		}
		if got, want := string(AppendNano(nil, tm)), tm.Format(time.RFC3339Nano); got != want {
			t.Errorf("AppendNano %v: %s, want %s", tm, got, want)
		}
	}
}
