// Package rfc3339 writes times as RFC 3339 text fast: a big log has a
// run every few hundred lines, and each run's id and record hold its times.
package rfc3339

import "time"

// Append is t.AppendFormat(b, time.RFC3339), with the UTC times of agent
// logs written digit by digit (the general formatter was a third of
// writing a run record).
func Append(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if t.Location() != time.UTC || year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339)
	}
	hour, minute, sec := t.Clock()
	two := func(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(b, year/100)
	b = two(b, year%100)
	b = append(b, '-')
	b = two(b, int(month))
	b = append(b, '-')
	b = two(b, day)
	b = append(b, 'T')
	b = two(b, hour)
	b = append(b, ':')
	b = two(b, minute)
	b = append(b, ':')
	b = two(b, sec)
	return append(b, 'Z')
}

// AppendNano is t.AppendFormat(b, time.RFC3339Nano): the same as Append
// for a time in whole seconds.
func AppendNano(b []byte, t time.Time) []byte {
	if t.Nanosecond() != 0 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	return Append(b, t)
}
