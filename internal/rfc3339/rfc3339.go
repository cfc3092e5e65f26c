// Package rfc3339 writes times as RFC 3339 text fast: a big log has a
// run every few hundred lines, and each run's id and record hold its times.
package rfc3339

import "time"

// Append is t.AppendFormat(b, time.RFC3339), with the UTC times of agent
// logs written digit by digit (the general formatter was a third of
// writing a run record).
func Append(b []byte, t time.Time) []byte {
	if t.Location() != time.UTC {
		return t.AppendFormat(b, time.RFC3339)
	}
	// The date from the days since 1970 (H. Hinnant's civil_from_days):
	// a few multiplications, against t.Date's and t.Clock's two passes.
	sec := t.Unix()
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	z := days + 719468 // days since 0000-03-01
	if z < 0 || z > maxDays {
		return t.AppendFormat(b, time.RFC3339) // before year 0 or after 9999
	}
	era, doe := z/146097, z%146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day, month, year := doy-(153*mp+2)/5+1, mp+3, yoe+era*400
	if month > 12 {
		month -= 12
		year++
	}
	two := func(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(b, year/100)
	b = two(b, year%100)
	b = append(b, '-')
	b = two(b, month)
	b = append(b, '-')
	b = two(b, day)
	b = append(b, 'T')
	b = two(b, rem/3600)
	b = append(b, ':')
	b = two(b, rem/60%60)
	b = append(b, ':')
	b = two(b, rem%60)
	return append(b, 'Z')
}

// maxDays is 9999-12-31 in days since 0000-03-01.
const maxDays = 2932896 + 719468

// AppendNano is t.AppendFormat(b, time.RFC3339Nano): the same as Append
// for a time in whole seconds.
func AppendNano(b []byte, t time.Time) []byte {
	if t.Nanosecond() != 0 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	return Append(b, t)
}
